package org.signalbox.jobs.correlate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.Tlps;

/** Building a sighting from a probe and the indicator it matched. */
final class Sightings {
  private Sightings() {}

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
