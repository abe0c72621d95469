package org.signalbox.jobs.trends;

import java.util.LinkedHashSet;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

/**
 * Turns a sighting into the facts of every figure it counts in. The all-sectors figures get their
 * own facts rather than being summed from the sector figures later: a sector whose figure is
 * suppressed still counts in the total, and the total is suppressed only if it is itself too thin.
 *
 * <p>With a member directory, each sighting is also one record of the member's daily load
 * (MEMBER_LOAD), and, for members with a declared daily capacity, of the count of members over
 * capacity (MEMBERS_OVER_CAPACITY). Load counts sighting records, not their {@code count}: the
 * capacity is records a day a team can absorb, and one record with a count of five is one thing to
 * look at.
 */
public final class SightingFacts implements FlatMapFunction<Sighting, TrendFact> {

  /** The PARTICIPATION dimension for members whose telemetry produced sightings. */
  public static final String TELEMETRY = Contributions.TELEMETRY;

  /** May be null: then no load figures. */
  private final MemberDirectory directory;

  public SightingFacts() {
    this(null);
  }

  public SightingFacts(MemberDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void flatMap(Sighting s, Collector<TrendFact> out) {
    long t = s.getEventTime().toEpochMilli();
    long n = Math.max(1, s.getCount());
    String member = s.getMember();
    for (TrendPeriod p : TrendWindows.PERIODS) {
      for (Sector scope : new Sector[] {s.getSector(), null}) {
        out.collect(TrendFact.of(p, t, scope, TrendMetric.SIGHTINGS, "", member, n, s.getTlp()));
        out.collect(
            TrendFact.of(
                p,
                t,
                scope,
                TrendMetric.SIGHTINGS_BY_TYPE,
                s.getMatchedType().name(),
                member,
                n,
                s.getTlp()));
        out.collect(
            TrendFact.of(
                p,
                t,
                scope,
                TrendMetric.SIGHTINGS_BY_INDICATOR,
                s.getIndicatorId(),
                member,
                n,
                s.getTlp()));
        // An indicator may list an actor or technique twice; count the sighting once per value.
        for (String actor : new LinkedHashSet<>(s.getEnrichment().getThreatActors())) {
          out.collect(
              TrendFact.of(
                  p, t, scope, TrendMetric.SIGHTINGS_BY_ACTOR, actor, member, n, s.getTlp()));
        }
        for (String technique : new LinkedHashSet<>(s.getEnrichment().getAttackPatterns())) {
          out.collect(
              TrendFact.of(
                  p,
                  t,
                  scope,
                  TrendMetric.SIGHTINGS_BY_TECHNIQUE,
                  technique,
                  member,
                  n,
                  s.getTlp()));
        }
      }
      // Volume names the member by design (it is the secretariat's view of load per member), so
      // it is kept to the member's own sector and never summed across sectors.
      out.collect(
          TrendFact.of(
              p, t, s.getSector(), TrendMetric.MEMBER_VOLUME, member, member, n, s.getTlp()));
    }
    Contributions.emit(out, TELEMETRY, member, s.getSector(), t, 1, s.getTlp());
    if (directory != null) {
      out.collect(
          TrendFact.of(
              TrendPeriod.DAY,
              t,
              s.getSector(),
              TrendMetric.MEMBER_LOAD,
              member,
              member,
              1,
              s.getTlp()));
      if (directory.member(member).map(m -> m.capacity().isPresent()).orElse(false)) {
        for (Sector scope : new Sector[] {s.getSector(), null}) {
          out.collect(
              TrendFact.of(
                  TrendPeriod.DAY,
                  t,
                  scope,
                  TrendMetric.MEMBERS_OVER_CAPACITY,
                  "",
                  member,
                  1,
                  s.getTlp()));
        }
      }
    }
  }
}
