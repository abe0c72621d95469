package org.signalbox.jobs.correlate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.Tlps;

/** Building a sighting from a probe and the indicator it matched. */
final class Sightings {
  private Sightings() {}

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
    return "sighting--" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
