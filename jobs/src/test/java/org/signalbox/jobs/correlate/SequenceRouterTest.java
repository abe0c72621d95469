package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;
import static org.signalbox.jobs.correlate.Fixtures.upsert;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.stix.match.BreadthLimits;

/**
 * The router sends an event once per sequence pattern a leaf of which it satisfies, and only then.
 */
class SequenceRouterTest {
  static final String SEQ = "indicator--5e900000-0000-4000-8000-00000000000a";
  static final String OTHER = "indicator--5e900000-0000-4000-8000-00000000000b";
  static final String SINGLE = "indicator--5e900000-0000-4000-8000-00000000000c";

  KeyedBroadcastOperatorTestHarness<String, PatternProbe, IndicatorChange, SequenceProbe> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new SequenceRouter(true, BreadthLimits.DEFAULT, Duration.ofHours(24)),
            PatternProbe::eventKey,
            Types.STRING,
            SequenceRouter.SEQUENCES);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  static Indicator pattern(String id, String text) {
    return indicator(id, null, null).setMatchKind(MatchKind.PATTERN).setPattern(text).build();
  }

  static PatternProbe probe(String id, Observable... o) {
    return PatternProbe.of(
        new DecodedTelemetry(event(id, "m-rail-01", Sector.RAIL, T0.plusSeconds(5), o), 0));
  }

  int keyedEntries() {
    var operator = (AbstractStreamOperator<?>) harness.getOperator();
    return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend()).numKeyValueStateEntries();
  }

  List<SequenceProbe> routed() {
    List<SequenceProbe> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  @Test
  void routesOncePerPatternWithItsLeavesAndWitnesses() throws Exception {
    // Early: held back by the gate until the patterns are loaded.
    harness.processElement(
        probe(
            "both",
            obs(ObservableType.DOMAIN, "stager.example", ObservableRole.QUERY),
            obs(ObservableType.IPV4, "203.0.113.9", ObservableRole.DESTINATION)),
        0);
    harness.processBroadcastElement(
        upsert(
            pattern(
                SEQ,
                "[domain-name:value = 'stager.example'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.9']")),
        0);
    harness.processBroadcastElement(
        upsert(pattern(OTHER, "[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES")), 0);
    harness.processBroadcastElement(
        upsert(pattern(SINGLE, "[domain-name:value = 'stager.example']")), 0);
    assertThat(routed()).isEmpty();
    assertThat(keyedEntries()).isEqualTo(1);

    harness.watermark(T0.toEpochMilli());
    List<SequenceProbe> out = routed();
    assertThat(out).hasSize(1);
    SequenceProbe p = out.get(0);
    assertThat(p.indicatorId).isEqualTo(SEQ);
    assertThat(p.leaves).isEqualTo(0b11);
    assertThat(p.witnesses)
        .extracting(Observable::getValue)
        .containsExactlyInAnyOrder("stager.example", "203.0.113.9");
    assertThat(p.indicatorVersion).isEqualTo(T0.toEpochMilli());
    assertThat(keyedEntries()).isZero();

    // An event no leaf wants goes nowhere; one for the other pattern goes there only.
    harness.processElement(
        probe("none", obs(ObservableType.IPV4, "192.0.2.1", ObservableRole.SOURCE)), 0);
    harness.processElement(
        probe("other", obs(ObservableType.IPV4, "198.51.100.1", ObservableRole.SOURCE)), 0);
    assertThat(routed())
        .extracting(x -> x.eventId + " " + x.indicatorId + " " + x.leaves)
        .containsExactly("other " + OTHER + " 1");
  }

  @Test
  void aWithdrawnPatternIsNoLongerRouted() throws Exception {
    harness.watermark(T0.toEpochMilli());
    IndicatorChange up =
        upsert(pattern(OTHER, "[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES"));
    harness.processBroadcastElement(up, 0);
    harness.processBroadcastElement(
        IndicatorChange.of(
            ChangeKind.TOMBSTONE,
            up.key,
            up.indicatorId,
            up.version + 1,
            IndexTarget.PATTERN,
            null),
        0);
    harness.processElement(
        probe("other", obs(ObservableType.IPV4, "198.51.100.1", ObservableRole.SOURCE)), 0);
    assertThat(routed()).isEmpty();
  }
}
