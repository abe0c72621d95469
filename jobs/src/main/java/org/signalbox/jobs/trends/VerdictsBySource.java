package org.signalbox.jobs.trends;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

/**
 * Per indicator id: members' verdicts, attributed to the indicator's source (FEEDBACK_BY_SOURCE),
 * or counted as FEEDBACK_UNKNOWN_INDICATOR when the job has heard of no such indicator.
 *
 * <p>The source comes from the indicators topic, or failing that from a sighting of the indicator
 * (a sighting carries its indicator's source, which is all the report from a sightings file has). A
 * verdict is held until the watermark passes its report time, so an indicator version or sighting
 * that arrives a little later than the verdict still names its source; one that arrives after that
 * leaves the verdict counted as unknown.
 *
 * <p>Votes: each member has one vote per indicator, as in the confidence scorer. A verdict counts
 * as a false or true positive when it is the member's first on the indicator or changes its vote; a
 * repeated verdict, and an UNKNOWN one, count only as received. A vote changed later is counted in
 * the later window; the earlier window is already published and stays as it was.
 *
 * <p>With a member directory, each figure is also published per sector of the voting members
 * (suppressed below k distinct voters in that sector, like every sector figure).
 *
 * <p>Verdicts carry no marking of their own: the figure is at least TLP:AMBER (a member's statement
 * to the ISAC), or the indicator's marking if that is more restrictive. State (the source, the
 * votes) is dropped {@link TrendsOptions#INDICATOR_RETENTION} after the indicator's last activity.
 */
public final class VerdictsBySource
    extends KeyedCoProcessFunction<String, Feedback, IndicatorOrigin, TrendFact> {

  /** The least restrictive marking a verdict figure gets. */
  static final Tlp VERDICT_TLP = Tlp.AMBER;

  private final long retentionMillis;

  /** May be null: then figures for all sectors only. */
  private final MemberDirectory directory;

  private transient ValueState<IndicatorOrigin> origin;
  private transient ListState<PendingVerdict> pending;
  private transient MapState<String, String> votes;
  private transient ValueState<Long> cleanupAt;

  public VerdictsBySource(Duration retention) {
    this(retention, null);
  }

  /**
   * @param directory with it, each figure is also published per sector of the members who sent the
   *     verdicts (how a source's indicators fare in rail may differ from aviation); may be null
   */
  public VerdictsBySource(Duration retention, MemberDirectory directory) {
    this.retentionMillis = retention.toMillis();
    this.directory = directory;
  }

  @Override
  public void open(OpenContext ctx) {
    origin =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("origin", TypeInformation.of(IndicatorOrigin.class)));
    pending =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>(
                    "pending-verdicts", TypeInformation.of(PendingVerdict.class)));
    votes =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("votes", Types.STRING, Types.STRING));
    cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup", Types.LONG));
  }

  @Override
  public void processElement1(Feedback f, Context ctx, Collector<TrendFact> out) throws Exception {
    long t = f.getReportedAt().toEpochMilli();
    keepUntil(t, ctx);
    PendingVerdict v = new PendingVerdict();
    v.member = f.getMember();
    v.verdict = f.getVerdict();
    v.reportedAt = t;
    pending.add(v);
    ctx.timerService().registerEventTimeTimer(t);
  }

  @Override
  public void processElement2(IndicatorOrigin o, Context ctx, Collector<TrendFact> out)
      throws Exception {
    keepUntil(o.time, ctx);
    IndicatorOrigin known = origin.value();
    // The indicators topic outranks a sighting's copy; among equals the earliest stays, so the
    // source is the one that published the indicator, not whoever updated it last.
    if (known == null
        || (o.published && !known.published)
        || (o.published == known.published && o.time < known.time)) {
      origin.update(o);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrendFact> out)
      throws Exception {
    List<PendingVerdict> due = new ArrayList<>();
    List<PendingVerdict> later = new ArrayList<>();
    for (PendingVerdict v : pending.get()) {
      (v.reportedAt <= timestamp ? due : later).add(v);
    }
    if (!due.isEmpty()) {
      due.sort(
          Comparator.<PendingVerdict>comparingLong(v -> v.reportedAt)
              .thenComparing(v -> v.member)
              .thenComparing(v -> v.verdict));
      IndicatorOrigin known = origin.value();
      for (PendingVerdict v : due) {
        emit(v, known, out);
      }
      if (later.isEmpty()) {
        pending.clear();
      } else {
        pending.update(later);
      }
    }
    Long cleanup = cleanupAt.value();
    if (cleanup != null && cleanup == timestamp) {
      origin.clear();
      pending.clear();
      votes.clear();
      cleanupAt.clear();
    }
  }

  private void emit(PendingVerdict v, IndicatorOrigin known, Collector<TrendFact> out)
      throws Exception {
    long fp = 0;
    long tp = 0;
    if (v.verdict == FeedbackVerdict.FALSE_POSITIVE || v.verdict == FeedbackVerdict.TRUE_POSITIVE) {
      String previous = votes.get(v.member);
      if (!v.verdict.name().equals(previous)) {
        votes.put(v.member, v.verdict.name());
        fp = v.verdict == FeedbackVerdict.FALSE_POSITIVE ? 1 : 0;
        tp = v.verdict == FeedbackVerdict.TRUE_POSITIVE ? 1 : 0;
      }
    }
    TrendMetric metric =
        known == null ? TrendMetric.FEEDBACK_UNKNOWN_INDICATOR : TrendMetric.FEEDBACK_BY_SOURCE;
    String dimension = known == null ? "" : known.source;
    Tlp tlp = known == null ? VERDICT_TLP : Tlps.mostRestrictive(VERDICT_TLP, known.tlp);
    // The voter's sector, when the directory knows the member; otherwise all sectors only.
    Sector sector =
        directory == null
            ? null
            : directory.member(v.member).map(MemberDirectory.Member::sector).orElse(null);
    for (TrendPeriod p : TrendWindows.PERIODS) {
      for (Sector scope : sector == null ? new Sector[] {null} : new Sector[] {null, sector}) {
        TrendFact f = TrendFact.of(p, v.reportedAt, scope, metric, dimension, v.member, 1, tlp);
        f.falsePositives = fp;
        f.truePositives = tp;
        out.collect(f);
      }
    }
  }

  private void keepUntil(long activity, Context ctx) throws Exception {
    long until = activity + retentionMillis;
    Long current = cleanupAt.value();
    if (current != null && current >= until) {
      return;
    }
    if (current != null) {
      ctx.timerService().deleteEventTimeTimer(current);
    }
    cleanupAt.update(until);
    ctx.timerService().registerEventTimeTimer(until);
  }
}
