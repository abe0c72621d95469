package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;
import static org.signalbox.jobs.correlate.Fixtures.upsert;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;

/**
 * The retro-hunt in the exact index (issue 17): history, retro sightings, their bounds, and that
 * the history leaves state after the window.
 */
class RetroHuntTest {
  static final String ID = "indicator--71000000-0000-4000-8000-000000000000";
  static final String VALUE = "198.51.100.7";
  static final long HOUR = 3_600_000L;
  static final long DAY = RetroHistory.DAY_MS;
  static final long T = T0.toEpochMilli();

  KeyedTwoInputStreamOperatorTestHarness<String, ObservableProbe, IndicatorChange, Sighting>
      harness;

  void open(int maxMembers) throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new ExactIndicatorMatcher(false, new RetroHunt(Duration.ofDays(30), maxMembers, true)),
            p -> p.key,
            c -> c.key,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static ObservableProbe probe(String eventId, String member, long time, Tlp tlp) {
    TelemetryEvent e =
        event(
            eventId,
            member,
            Sector.RAIL,
            Instant.ofEpochMilli(time),
            obs(ObservableType.IPV4, VALUE, ObservableRole.DESTINATION));
    e.setTlp(tlp);
    return ObservableProbe.of(e, ObservableType.IPV4, VALUE, ObservableRole.DESTINATION, time);
  }

  void send(String eventId, String member, long time) throws Exception {
    send(eventId, member, time, Tlp.GREEN);
  }

  void send(String eventId, String member, long time, Tlp tlp) throws Exception {
    harness.processElement1(new StreamRecord<>(probe(eventId, member, time, tlp)));
  }

  static Indicator.Builder ind(long validFrom, long version) {
    return indicator(ID, ObservableType.IPV4, VALUE)
        .setValidFrom(Instant.ofEpochMilli(validFrom))
        .setVersion(Instant.ofEpochMilli(version));
  }

  void publish(Indicator.Builder ind) throws Exception {
    harness.processElement2(new StreamRecord<>(upsert(ind.build())));
  }

  List<Sighting> sightings() {
    List<Sighting> out = harness.extractOutputValues();
    harness.getOutput().clear();
    out.sort(Comparator.comparing(Sighting::getMember));
    return out;
  }

  @Test
  void eventsBeforeTheIndicatorGiveOneRetroSightingPerMember() throws Exception {
    open(64);
    harness.setProcessingTime(T + 10 * DAY);
    send("a1", "m-rail-01", T + 1 * DAY + HOUR);
    send("a2", "m-rail-01", T + 3 * DAY + 2 * HOUR, Tlp.AMBER);
    send("a3", "m-rail-01", T + 3 * DAY + 5 * HOUR);
    send("b1", "m-air-02", T + 2 * DAY);
    assertThat(sightings()).isEmpty();

    publish(ind(T, T + 9 * DAY));

    List<Sighting> out = sightings();
    assertThat(out).hasSize(2);
    Sighting air = out.get(0);
    Sighting rail = out.get(1);
    assertThat(rail.getMember()).isEqualTo("m-rail-01");
    assertThat(rail.getRetro()).isTrue();
    assertThat(rail.getCount()).isEqualTo(3);
    assertThat(rail.getFirstSeen()).isEqualTo(Instant.ofEpochMilli(T + DAY + HOUR));
    assertThat(rail.getLastSeen()).isEqualTo(Instant.ofEpochMilli(T + 3 * DAY + 5 * HOUR));
    assertThat(rail.getEventTime()).isEqualTo(rail.getLastSeen());
    // The strictest of the member's events (one AMBER) and the indicator's GREEN.
    assertThat(rail.getTlp()).isEqualTo(Tlp.AMBER);
    assertThat(rail.getEventId()).isEqualTo("retro:" + (T + 9 * DAY));
    assertThat(rail.getIndicatorId()).isEqualTo(ID);
    assertThat(rail.getEnrichment().getThreatActors()).containsExactly("RAILFOX");
    assertThat(rail.getRole()).isEqualTo(ObservableRole.DESTINATION);
    assertThat(rail.getHistoryTruncated()).isFalse();
    assertThat(air.getMember()).isEqualTo("m-air-02");
    assertThat(air.getCount()).isEqualTo(1);
    assertThat(air.getTlp()).isEqualTo(Tlp.GREEN);
    assertThat(air.getSightingId()).isNotEqualTo(rail.getSightingId());

    // After the indicator is live, an event is matched live and not retro.
    send("a4", "m-rail-01", T + 9 * DAY + HOUR);
    assertThat(sightings())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getRetro()).isFalse();
              assertThat(s.getEventId()).isEqualTo("a4");
              assertThat(s.getFirstSeen()).isNull();
            });
  }

  @Test
  void eventsOutsideTheValidityGiveNone() throws Exception {
    open(64);
    harness.setProcessingTime(T + 10 * DAY);
    send("a1", "m-rail-01", T - 2 * DAY);
    send("b1", "m-air-02", T - HOUR);
    send("c1", "m-port-03", T + 5 * DAY);
    publish(ind(T, T + 9 * DAY).setValidUntil(Instant.ofEpochMilli(T + 4 * DAY)));
    assertThat(sightings()).isEmpty();
  }

  @Test
  void aRevokedIndicatorHuntsNothingAndItsWithdrawalHuntsItsValidity() throws Exception {
    open(64);
    harness.setProcessingTime(T + 10 * DAY);
    send("a1", "m-rail-01", T + DAY);
    publish(ind(T, T + 9 * DAY).setRevoked(true));
    assertThat(sightings()).isEmpty();

    publish(ind(T, T + 9 * DAY + 1));
    assertThat(sightings())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getRetro()).isTrue();
              assertThat(s.getCount()).isEqualTo(1);
            });
  }

  @Test
  void aNewVersionHuntsOnlyWhatItAddsToTheValidity() throws Exception {
    open(64);
    harness.setProcessingTime(T + 10 * DAY);
    send("early", "m-rail-01", T - 2 * DAY);
    send("inside", "m-rail-01", T + HOUR);
    publish(ind(T, T + 9 * DAY));
    assertThat(sightings()).singleElement().extracting(Sighting::getCount).isEqualTo(1);
    send("live", "m-rail-01", T + 2 * HOUR);
    assertThat(sightings()).singleElement().extracting(Sighting::getRetro).isEqualTo(false);

    // The same validity again: nothing new to hunt.
    publish(ind(T, T + 9 * DAY + 1));
    assertThat(sightings()).isEmpty();

    // An earlier valid_from: only the early event, not the two already reported.
    publish(ind(T - 3 * DAY, T + 9 * DAY + 2));
    assertThat(sightings())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getRetro()).isTrue();
              assertThat(s.getCount()).isEqualTo(1);
              assertThat(s.getFirstSeen()).isEqualTo(Instant.ofEpochMilli(T - 2 * DAY));
              assertThat(s.getLastSeen()).isEqualTo(Instant.ofEpochMilli(T - 2 * DAY));
            });
  }

  @Test
  void aBoundOnMembersIsFlaggedInTheSightings() throws Exception {
    open(2);
    harness.setProcessingTime(T + 10 * DAY);
    send("a1", "m-a", T + DAY);
    send("b1", "m-b", T + DAY);
    send("c1", "m-c", T + DAY);
    send("c2", "m-c", T + DAY + 1);
    // A member already held is still recorded.
    send("a2", "m-a", T + 2 * DAY);
    publish(ind(T, T + 9 * DAY));
    List<Sighting> out = sightings();
    assertThat(out).extracting(Sighting::getMember).containsExactly("m-a", "m-b");
    assertThat(out).allSatisfy(s -> assertThat(s.getHistoryTruncated()).isTrue());
    assertThat(out.get(0).getCount()).isEqualTo(2);
  }

  @Test
  void aDayStraddlingTheValidFromCountsOnlyTheEventsKnownToBeInside() throws Exception {
    open(64);
    harness.setProcessingTime(T + 10 * DAY);
    long day = T + 2 * DAY;
    send("a1", "m-rail-01", day + HOUR);
    send("a2", "m-rail-01", day + 5 * HOUR);
    send("a3", "m-rail-01", day + 9 * HOUR);
    publish(ind(day + 3 * HOUR, T + 9 * DAY));
    // Of three events that day, the first is before valid_from, the last after it; the middle
    // one is not known (a lower bound: 1, at the last event).
    assertThat(sightings())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getCount()).isEqualTo(1);
              assertThat(s.getFirstSeen()).isEqualTo(Instant.ofEpochMilli(day + 9 * HOUR));
            });
  }

  @Test
  void theHistoryLeavesStateAfterTheWindowAndItsTimersWithIt() throws Exception {
    open(64);
    harness.setProcessingTime(T + DAY);
    send("a1", "m-rail-01", T + HOUR);
    send("a2", "m-rail-01", T + 20 * DAY);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    // Day T leaves at the end of T + 30 days; the day of a2 stays.
    harness.setProcessingTime(T + 31 * DAY);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    publish(ind(T - DAY, T + 31 * DAY));
    assertThat(sightings())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getCount()).isEqualTo(1);
              assertThat(s.getFirstSeen()).isEqualTo(Instant.ofEpochMilli(T + 20 * DAY));
            });

    harness.setProcessingTime(T + 51 * DAY);
    // Only the indicator's slot is left: the history and every timer are gone.
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void withoutAnIndicatorNothingOfTheHistoryIsLeftAfterTheWindow() throws Exception {
    open(64);
    harness.setProcessingTime(T + DAY);
    for (int i = 0; i < 5; i++) {
      send("e" + i, "m-" + i, T + i * HOUR);
    }
    harness.setProcessingTime(T + 32 * DAY);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void anEventOlderThanTheWindowOnArrivalIsNotRecorded() throws Exception {
    open(64);
    harness.setProcessingTime(T + 40 * DAY);
    send("old", "m-rail-01", T);
    assertThat(harness.numKeyedStateEntries()).isZero();
    publish(ind(T - DAY, T + 40 * DAY));
    assertThat(sightings()).isEmpty();
  }

  @Test
  void theHistoryRoundTripsThroughItsSerializer() throws Exception {
    RetroHistory h = new RetroHistory();
    h.record(probe("a1", "m-rail-01", T + HOUR, Tlp.GREEN), 64);
    h.record(probe("a2", "m-rail-01", T + 3 * DAY, Tlp.RED), 64);
    h.record(probe("b1", "m-air-02", T + 2 * DAY, Tlp.CLEAR), 1);
    h.record(probe("c1", "m-port-03", T + 2 * DAY, Tlp.CLEAR), 2);
    RetroHistory.Serializer ser = new RetroHistory.Serializer();
    DataOutputSerializer out = new DataOutputSerializer(64);
    ser.serialize(h, out);
    RetroHistory back = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(back.lastOmitted).isEqualTo(T + 2 * DAY);
    // Sorted by member id.
    assertThat(back.members).extracting(m -> m.member).containsExactly("m-port-03", "m-rail-01");
    RetroHistory.Member rail = back.members.get(1);
    assertThat(rail.total()).isEqualTo(2);
    assertThat(rail.firstSeen()).isEqualTo(T + HOUR);
    assertThat(rail.lastSeen()).isEqualTo(T + 3 * DAY);
    assertThat(rail.tlp).isEqualTo(Tlp.RED);
    DataOutputSerializer again = new DataOutputSerializer(64);
    ser.serialize(ser.copy(back), again);
    assertThat(again.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
  }
}
