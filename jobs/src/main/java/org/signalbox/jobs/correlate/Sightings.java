package org.signalbox.jobs.correlate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.Tlps;

/** Building a sighting from a probe and the indicators it matched. */
final class Sightings {
  private Sightings() {}

  /** Orders candidates for the primary of a merged sighting: highest confidence, then lowest id. */
  private static final Comparator<Indicator> PRIMARY_FIRST =
      Comparator.comparingInt(Indicator::getConfidence).reversed().thenComparing(Indicator::getId);

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
    Map<String, List<Indicator>> groups = new TreeMap<>();
    for (Indicator ind : matches) {
      String group =
          ind.getMatchKind()
              + "|"
              + ind.getValue()
              + "|"
              + Tlps.mostRestrictive(probe.tlp, ind.getTlp());
      groups.computeIfAbsent(group, g -> new ArrayList<>(2)).add(ind);
    }
    for (List<Indicator> group : groups.values()) {
      group.sort(PRIMARY_FIRST);
      Sighting s = of(probe, group.get(0), now);
      if (group.size() > 1) {
        merge(s, group);
      }
      out.accept(s);
    }
  }

  private static void merge(Sighting s, List<Indicator> group) {
    Indicator primary = group.get(0);
    Set<String> sources = new TreeSet<>();
    Set<String> ids = new TreeSet<>();
    Set<String> labels = new LinkedHashSet<>(primary.getLabels());
    IndicatorContext ctx = IndicatorContext.newBuilder(primary.getContext()).build();
    for (Indicator other : group.subList(1, group.size())) {
      if (!other.getSource().equals(primary.getSource())) {
        sources.add(other.getSource());
      }
      ids.add(other.getId());
      labels.addAll(other.getLabels());
      IndicatorContext o = other.getContext();
      ctx.setThreatActors(union(ctx.getThreatActors(), o.getThreatActors()));
      ctx.setCampaigns(union(ctx.getCampaigns(), o.getCampaigns()));
      ctx.setMalware(union(ctx.getMalware(), o.getMalware()));
      ctx.setAttackPatterns(union(ctx.getAttackPatterns(), o.getAttackPatterns()));
      ctx.setKillChainPhases(union(ctx.getKillChainPhases(), o.getKillChainPhases()));
      ctx.setVulnerabilities(union(ctx.getVulnerabilities(), o.getVulnerabilities()));
    }
    s.setAlsoReportedBy(new ArrayList<>(sources));
    s.setMergedIndicatorIds(new ArrayList<>(ids));
    s.setLabels(new ArrayList<>(labels));
    s.setEnrichment(ctx);
  }

  private static List<String> union(List<String> a, List<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return new ArrayList<>(all);
  }

  static Sighting of(ObservableProbe probe, Indicator ind, long now) {
    return Sighting.newBuilder()
        .setSightingId(idOf(probe, ind))
        .setIndicatorId(ind.getId())
        .setIndicatorVersion(ind.getVersion())
        .setMatchKind(ind.getMatchKind())
        .setMember(probe.member)
        .setSector(probe.sector)
        .setSourceType(probe.sourceType)
        .setEventId(probe.eventId)
        .setEventTime(Instant.ofEpochMilli(probe.eventTime))
        .setMatchedType(probe.type)
        .setMatchedValue(probe.value)
        .setRole(probe.role)
        .setCount(1)
        .setTlp(Tlps.mostRestrictive(probe.tlp, ind.getTlp()))
        .setConfidence(ind.getConfidence())
        .setIndicatorSource(ind.getSource())
        .setLabels(ind.getLabels())
        .setEnrichment(ind.getContext())
        .setTelemetryIngestTime(Instant.ofEpochMilli(probe.ingestTime))
        .setDetectedAt(Instant.ofEpochMilli(now))
        .build();
  }

  /**
   * Deterministic: the same event matching the same indicator in the same role always gets the same
   * id, so a replay after a failure (at-least-once delivery) can be deduplicated downstream.
   */
  static String idOf(ObservableProbe probe, Indicator ind) {
    String name =
        probe.member
            + '\n'
            + probe.eventId
            + '\n'
            + ind.getId()
            + '\n'
            + probe.role
            + '\n'
            + probe.key;
    return "sighting--" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
