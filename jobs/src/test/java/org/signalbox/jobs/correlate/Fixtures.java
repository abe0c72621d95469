package org.signalbox.jobs.correlate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Provenance;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;

/** Test records. Times are fixed so that expectations do not depend on the clock. */
final class Fixtures {
  private Fixtures() {}

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  static Indicator.Builder indicator(String id, ObservableType type, String value) {
    return Indicator.newBuilder()
        .setId(id)
        .setVersion(T0)
        .setObservableType(type)
        .setValue(value)
        .setMatchKind(MatchKind.EXACT)
        .setValidFrom(T0)
        .setValidUntil(null)
        .setConfidence(80)
        .setTlp(Tlp.GREEN)
        .setSource("isac")
        .setLabels(List.of("c2"))
        .setContext(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of("RAILFOX"))
                .setAttackPatterns(List.of("T1071.004"))
                .build());
  }

  static TelemetryEvent event(
      String eventId, String member, Sector sector, Instant time, Observable... observables) {
    return TelemetryEvent.newBuilder()
        .setEventId(eventId)
        .setMember(member)
        .setSector(sector)
        .setSourceType("zeek.dns")
        .setEventTime(time)
        .setObservables(List.of(observables))
        .setAttributes(Map.of())
        .setTlp(Tlp.GREEN)
        .setProvenance(Provenance.newBuilder().setParser("test").build())
        .build();
  }

  static Observable obs(ObservableType type, String value, ObservableRole role) {
    return new Observable(type, value, role);
  }

  static ObservableProbe probe(String eventId, ObservableType type, String value, Instant time) {
    TelemetryEvent e =
        event(eventId, "m-rail-01", Sector.RAIL, time, obs(type, value, ObservableRole.QUERY));
    return ObservableProbe.of(e, type, value, ObservableRole.QUERY, time.toEpochMilli());
  }

  static IndicatorChange upsert(Indicator ind) {
    IndexTarget target = IndicatorLifecycle.targetOf(ind.getMatchKind());
    return IndicatorChange.of(
        ChangeKind.UPSERT,
        IndicatorLifecycle.keyOf(ind, target),
        ind.getId(),
        ind.getVersion().toEpochMilli(),
        target,
        ind);
  }
}
