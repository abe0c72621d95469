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
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;

/** The retro-hunt of CIDR and domain-suffix indicators in the range index (issue 17). */
class RangeRetroHuntTest {
  static final long DAY = RetroHistory.DAY_MS;
  static final long T = T0.toEpochMilli();
  static final String NET = "indicator--72000000-0000-4000-8000-000000000001";
  static final String SUFFIX = "indicator--72000000-0000-4000-8000-000000000002";

  KeyedBroadcastOperatorTestHarness<String, ObservableProbe, IndicatorChange, Sighting> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new RangeIndicatorMatcher(false, new RetroHunt(Duration.ofDays(30), 64, true)),
            p -> p.key,
            Types.STRING,
            RangeIndicatorMatcher.RANGES);
    harness.open();
    harness.setProcessingTime(T + 10 * DAY);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  void send(String id, String member, ObservableType type, String value, long time)
      throws Exception {
    TelemetryEvent e =
        event(
            id,
            member,
            Sector.RAIL,
            Instant.ofEpochMilli(time),
            obs(type, value, ObservableRole.QUERY));
    harness.processElement(ObservableProbe.of(e, type, value, ObservableRole.QUERY, time), time);
  }

  /** Keyed state entries (the histories); the broadcast index is not keyed. */
  int keyedEntries() {
    var operator = (AbstractStreamOperator<?>) harness.getOperator();
    return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend()).numKeyValueStateEntries();
  }

  List<Sighting> sightings() {
    List<Sighting> out = harness.extractOutputValues();
    harness.getOutput().clear();
    out.sort(Comparator.comparing(Sighting::getMatchedValue).thenComparing(Sighting::getMember));
    return out;
  }

  void publish(String id, ObservableType type, String value, MatchKind kind, long validFrom)
      throws Exception {
    harness.processBroadcastElement(
        upsert(
            indicator(id, type, value)
                .setMatchKind(kind)
                .setValidFrom(Instant.ofEpochMilli(validFrom))
                .setVersion(Instant.ofEpochMilli(T + 9 * DAY))
                .build()),
        0);
  }

  @Test
  void aCidrFindsEveryValueInsideItAndNothingOutside() throws Exception {
    send("a1", "m-rail-01", ObservableType.IPV4, "198.51.100.7", T + DAY);
    send("a2", "m-rail-01", ObservableType.IPV4, "198.51.100.7", T + 2 * DAY);
    send("b1", "m-air-02", ObservableType.IPV4, "198.51.7.9", T + DAY);
    send("c1", "m-air-02", ObservableType.IPV4, "198.52.0.1", T + DAY);
    send("d1", "m-air-02", ObservableType.DOMAIN, "evil.example.org", T + DAY);
    // Inside the network, but before the validity.
    send("e1", "m-port-03", ObservableType.IPV4, "198.51.0.1", T - DAY);

    publish(NET, ObservableType.IPV4, "198.51.0.0/16", MatchKind.CIDR, T);

    List<Sighting> out = sightings();
    assertThat(out)
        .extracting(s -> s.getMatchedValue() + " " + s.getMember() + " " + s.getCount())
        .containsExactly("198.51.100.7 m-rail-01 2", "198.51.7.9 m-air-02 1");
    assertThat(out)
        .allSatisfy(
            s -> {
              assertThat(s.getRetro()).isTrue();
              assertThat(s.getIndicatorId()).isEqualTo(NET);
              assertThat(s.getMatchKind()).isEqualTo(MatchKind.CIDR);
            });
  }

  @Test
  void aDomainSuffixFindsItsSubdomainsButNotTheParentItself() throws Exception {
    send("a1", "m-rail-01", ObservableType.DOMAIN, "c2.evil.example.org", T + DAY);
    send("b1", "m-air-02", ObservableType.DOMAIN, "evil.example.org", T + DAY);
    send("c1", "m-air-02", ObservableType.DOMAIN, "notevil.example.org", T + DAY);
    send("d1", "m-air-02", ObservableType.IPV4, "198.51.100.7", T + DAY);

    publish(SUFFIX, ObservableType.DOMAIN, "evil.example.org", MatchKind.DOMAIN_SUFFIX, T);

    // As live matching: a strict suffix on a label boundary.
    assertThat(sightings())
        .extracting(s -> s.getMatchedValue() + " " + s.getMember())
        .containsExactly("c2.evil.example.org m-rail-01");

    // After the range is live, a new subdomain is matched live, not retro.
    send("a2", "m-rail-01", ObservableType.DOMAIN, "x.evil.example.org", T + 9 * DAY);
    assertThat(sightings()).singleElement().extracting(Sighting::getRetro).isEqualTo(false);
  }

  @Test
  void theRangeHistoryLeavesStateAfterTheWindow() throws Exception {
    send("a1", "m-rail-01", ObservableType.IPV4, "198.51.100.7", T + DAY);
    send("b1", "m-air-02", ObservableType.DOMAIN, "a.example.org", T + 2 * DAY);
    assertThat(keyedEntries()).isEqualTo(2);
    harness.setProcessingTime(T + 40 * DAY);
    assertThat(keyedEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }
}
