package org.signalbox.jobs.correlate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.signalbox.core.DeterministicIds;
import org.signalbox.core.Tlps;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

/** Building a sighting from a probe and the indicators it matched. */
final class Sightings {
  private Sightings() {}

  /**
   * What a sighting takes from an indicator it matched, whether the index holds the whole {@link
   * Indicator} (range and pattern indices) or only an {@link ExactEntry} (the exact index).
   *
   * @param value what makes two indicators report the same thing: match kind and normalized value
   */
  private record Matched(
      String id,
      Instant version,
      MatchKind matchKind,
      String value,
      Tlp tlp,
      int confidence,
      String source,
      List<String> labels,
      IndicatorContext context) {

    static Matched of(Indicator ind) {
      return new Matched(
          ind.getId(),
          ind.getVersion(),
          ind.getMatchKind(),
          ind.getMatchKind() + "|" + ind.getValue(),
          ind.getTlp(),
          ind.getConfidence(),
          ind.getSource(),
          ind.getLabels(),
          ind.getContext());
    }

    /**
     * @param valueKey the exact index's key: every entry of one slot has that value (the lifecycle
     *     keys an exact indicator by its normalized type and value), so it stands for the value
     */
    static Matched of(ExactEntry e, String valueKey) {
      return new Matched(
          e.indicatorId,
          Instant.ofEpochMilli(e.version),
          e.matchKind,
          e.matchKind + "|" + valueKey,
          e.tlp,
          e.confidence,
          e.source,
          e.labels,
          e.context);
    }
  }

  /** Orders candidates for the primary of a merged sighting: highest confidence, then lowest id. */
  private static final Comparator<Matched> PRIMARY_FIRST =
      Comparator.comparingInt(Matched::confidence).reversed().thenComparing(Matched::id);

  /**
   * The sightings of one probe that matched {@code matches}: "already reported" merging. Indicators
   * with the same normalized value (match kind and value) from several sources make one sighting,
   * not one per feed: the primary is the one with the highest confidence (then the lowest id), the
   * others' sources are listed in {@code alsoReportedBy} and their ids in {@code
   * mergedIndicatorIds}, and enrichment and labels are the union. Only indicators whose effective
   * marking (with the telemetry's) is the same are merged, so that naming a source never takes it
   * past its marking; different values (two nested CIDRs) stay separate sightings.
   */
  static void emit(
      ObservableProbe probe, List<Indicator> matches, long now, Consumer<Sighting> out) {
    if (matches.size() == 1) {
      out.accept(of(probe, matches.get(0), now));
      return;
    }
    List<Matched> all = new ArrayList<>(matches.size());
    for (Indicator ind : matches) {
      all.add(Matched.of(ind));
    }
    emitMerged(probe, all, now, out);
  }

  /**
   * As {@link #emit}, for the entries of one exact-index slot that matched {@code probe} (whose key
   * is the slot's).
   */
  static void emitExact(
      ObservableProbe probe, List<ExactEntry> matches, long now, Consumer<Sighting> out) {
    if (matches.size() == 1) {
      out.accept(of(probe, matches.get(0), now));
      return;
    }
    List<Matched> all = new ArrayList<>(matches.size());
    for (ExactEntry e : matches) {
      all.add(Matched.of(e, probe.key));
    }
    emitMerged(probe, all, now, out);
  }

  private static void emitMerged(
      ObservableProbe probe, List<Matched> matches, long now, Consumer<Sighting> out) {
    Map<String, List<Matched>> groups = new TreeMap<>();
    for (Matched m : matches) {
      String group = m.value() + "|" + Tlps.mostRestrictive(probe.tlp, m.tlp());
      groups.computeIfAbsent(group, g -> new ArrayList<>(2)).add(m);
    }
    for (List<Matched> group : groups.values()) {
      group.sort(PRIMARY_FIRST);
      Sighting s = of(probe, group.get(0), now);
      if (group.size() > 1) {
        merge(s, group);
      }
      out.accept(s);
    }
  }

  /**
   * Most merged indicator ids, and most entries of each merged list (sources, labels, context), one
   * sighting carries. A value carried by tens of thousands of indicators (a hot key: a shared
   * sinkhole, a feed that republishes everything) would otherwise make a sighting of megabytes,
   * above the broker's record limit; what is left out is counted in {@code
   * mergedIndicatorsOmitted}, and the primary indicator is always kept.
   */
  static final int MAX_MERGED = 100;

  private static void merge(Sighting s, List<Matched> group) {
    Matched primary = group.get(0);
    Set<String> sources = new TreeSet<>();
    Set<String> ids = new TreeSet<>();
    Set<String> labels = new LinkedHashSet<>(primary.labels());
    IndicatorContext ctx = IndicatorContext.newBuilder(primary.context()).build();
    for (Matched other : group.subList(1, group.size())) {
      if (!other.source().equals(primary.source())) {
        sources.add(other.source());
      }
      ids.add(other.id());
      labels.addAll(other.labels());
      IndicatorContext o = other.context();
      ctx.setThreatActors(union(ctx.getThreatActors(), o.getThreatActors()));
      ctx.setCampaigns(union(ctx.getCampaigns(), o.getCampaigns()));
      ctx.setMalware(union(ctx.getMalware(), o.getMalware()));
      ctx.setAttackPatterns(union(ctx.getAttackPatterns(), o.getAttackPatterns()));
      ctx.setKillChainPhases(union(ctx.getKillChainPhases(), o.getKillChainPhases()));
      ctx.setVulnerabilities(union(ctx.getVulnerabilities(), o.getVulnerabilities()));
    }
    s.setMergedIndicatorsOmitted(Math.max(0, ids.size() - MAX_MERGED));
    s.setAlsoReportedBy(bounded(sources));
    s.setMergedIndicatorIds(bounded(ids));
    s.setLabels(bounded(labels));
    s.setEnrichment(ctx);
  }

  /** The first {@link #MAX_MERGED} of {@code values}, in their order. */
  private static List<String> bounded(Collection<String> values) {
    List<String> out = new ArrayList<>(Math.min(values.size(), MAX_MERGED));
    for (String v : values) {
      if (out.size() == MAX_MERGED) {
        break;
      }
      out.add(v);
    }
    return out;
  }

  private static List<String> union(List<String> a, List<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.size() >= MAX_MERGED) {
      return a;
    }
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return bounded(all);
  }

  static Sighting of(ObservableProbe probe, Indicator ind, long now) {
    return of(
        probe,
        ind.getId(),
        ind.getVersion(),
        ind.getMatchKind(),
        ind.getTlp(),
        ind.getConfidence(),
        ind.getSource(),
        ind.getLabels(),
        ind.getContext(),
        now);
  }

  /** From what the exact index keeps: the same sighting as from the whole indicator. */
  static Sighting of(ObservableProbe probe, ExactEntry e, long now) {
    return of(
        probe,
        e.indicatorId,
        Instant.ofEpochMilli(e.version),
        e.matchKind,
        e.tlp,
        e.confidence,
        e.source,
        e.labels,
        e.context,
        now);
  }

  private static Sighting of(ObservableProbe probe, Matched m, long now) {
    return of(
        probe,
        m.id(),
        m.version(),
        m.matchKind(),
        m.tlp(),
        m.confidence(),
        m.source(),
        m.labels(),
        m.context(),
        now);
  }

  private static Sighting of(
      ObservableProbe probe,
      String indicatorId,
      Instant indicatorVersion,
      MatchKind matchKind,
      Tlp indicatorTlp,
      int confidence,
      String source,
      List<String> labels,
      IndicatorContext context,
      long now) {
    return Sighting.newBuilder()
        .setSightingId(idOf(probe, indicatorId))
        .setIndicatorId(indicatorId)
        .setIndicatorVersion(indicatorVersion)
        .setMatchKind(matchKind)
        .setMember(probe.member)
        .setSector(probe.sector)
        .setSourceType(probe.sourceType)
        .setEventId(probe.eventId)
        .setEventTime(Instant.ofEpochMilli(probe.eventTime))
        .setMatchedType(probe.type)
        .setMatchedValue(probe.value)
        .setRole(probe.role)
        .setCount(1)
        .setTlp(Tlps.mostRestrictive(probe.tlp, indicatorTlp))
        .setConfidence(confidence)
        .setIndicatorSource(source)
        .setLabels(labels)
        .setEnrichment(context)
        .setTelemetryIngestTime(Instant.ofEpochMilli(probe.ingestTime))
        .setDetectedAt(Instant.ofEpochMilli(now))
        .build();
  }

  /**
   * Deterministic: the same event matching the same indicator in the same role always gets the same
   * id, so a replay after a failure (at-least-once delivery) can be deduplicated downstream.
   */
  static String idOf(ObservableProbe probe, String indicatorId) {
    String name =
        probe.member
            + '\n'
            + probe.eventId
            + '\n'
            + indicatorId
            + '\n'
            + probe.role
            + '\n'
            + probe.key;
    return DeterministicIds.of("sighting", name);
  }
}
