package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.probe;
import static org.signalbox.jobs.correlate.Fixtures.upsert;

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
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;

class RangeIndicatorMatcherTest {
  KeyedBroadcastOperatorTestHarness<String, ObservableProbe, IndicatorChange, Sighting> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new RangeIndicatorMatcher(true),
            p -> p.key,
            Types.STRING,
            RangeIndicatorMatcher.RANGES);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  /** Keyed state entries (the waiting probes); the broadcast index is checked separately. */
  int waitingEntries() {
    var operator = (AbstractStreamOperator<?>) harness.getOperator();
    return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend()).numKeyValueStateEntries();
  }

  List<Sighting> sightings() {
    List<Sighting> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  IndicatorChange cidr(String id, String net) {
    return upsert(indicator(id, ObservableType.IPV4, net).setMatchKind(MatchKind.CIDR).build());
  }

  IndicatorChange suffix(String id, String parent) {
    return upsert(
        indicator(id, ObservableType.DOMAIN, parent).setMatchKind(MatchKind.DOMAIN_SUFFIX).build());
  }

  @Test
  void cidrAndSuffixMatch() throws Exception {
    harness.processBroadcastElement(
        cidr("indicator--6e657400-0000-4000-8000-000000000000", "198.51.100.0/24"), 0);
    harness.processBroadcastElement(
        cidr("indicator--77696465-0000-4000-8000-000000000000", "198.51.0.0/16"), 0);
    harness.processBroadcastElement(
        suffix("indicator--646f6d00-0000-4000-8000-000000000000", "example.org"), 0);
    harness.watermark(T0.toEpochMilli());

    harness.processElement(
        probe("in", ObservableType.IPV4, "198.51.100.200", T0.plusSeconds(1)), 0);
    harness.processElement(probe("out", ObservableType.IPV4, "198.52.0.1", T0.plusSeconds(1)), 0);
    harness.processElement(
        probe("sub", ObservableType.DOMAIN, "a.b.example.org", T0.plusSeconds(1)), 0);
    harness.processElement(
        probe("apex", ObservableType.DOMAIN, "example.org", T0.plusSeconds(1)), 0);
    harness.processElement(
        probe("lookalike", ObservableType.DOMAIN, "badexample.org", T0.plusSeconds(1)), 0);

    assertThat(sightings())
        .extracting(s -> s.getEventId() + "->" + s.getIndicatorId())
        .containsExactlyInAnyOrder(
            "in->indicator--6e657400-0000-4000-8000-000000000000",
            "in->indicator--77696465-0000-4000-8000-000000000000",
            "sub->indicator--646f6d00-0000-4000-8000-000000000000");
  }

  @Test
  void revokedRangeStopsMatchingAndRemovalEmptiesBroadcastState() throws Exception {
    IndicatorChange up = cidr("indicator--6e657400-0000-4000-8000-000000000000", "198.51.100.0/24");
    harness.processBroadcastElement(up, 0);
    harness.processBroadcastElement(
        IndicatorChange.of(
            ChangeKind.TOMBSTONE, up.key, up.indicatorId, up.version + 1, IndexTarget.RANGE, null),
        0);
    harness.watermark(T0.toEpochMilli());

    harness.processElement(probe("in", ObservableType.IPV4, "198.51.100.9", T0.plusSeconds(1)), 0);
    assertThat(sightings()).isEmpty();
    assertThat(harness.getBroadcastState(RangeIndicatorMatcher.RANGES).entries()).hasSize(1);

    harness.processBroadcastElement(
        IndicatorChange.of(
            ChangeKind.REMOVE, up.key, up.indicatorId, up.version + 1, IndexTarget.RANGE, null),
        0);
    assertThat(harness.getBroadcastState(RangeIndicatorMatcher.RANGES).entries()).isEmpty();
  }

  @Test
  void probesBeforeLoadingWaitAndAreThenMatched() throws Exception {
    harness.processElement(
        probe("early", ObservableType.DOMAIN, "x.example.org", T0.plusSeconds(1)), 0);
    harness.processBroadcastElement(
        suffix("indicator--646f6d00-0000-4000-8000-000000000000", "example.org"), 0);
    assertThat(sightings()).isEmpty();
    assertThat(waitingEntries()).isEqualTo(1);

    harness.watermark(T0.toEpochMilli());

    assertThat(sightings()).extracting(Sighting::getEventId).containsExactly("early");
    assertThat(waitingEntries()).isZero();
  }
}
