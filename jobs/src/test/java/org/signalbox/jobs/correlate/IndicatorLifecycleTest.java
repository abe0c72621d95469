package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.indicator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;

class IndicatorLifecycleTest {
  static final Duration GRACE = Duration.ofHours(1);
  static final Duration RETENTION = Duration.ofDays(7);

  KeyedOneInputStreamOperatorTestHarness<IndicatorKey, IndicatorUpdate, IndicatorChange> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new IndicatorLifecycle(GRACE, RETENTION, true)),
            u -> IndicatorKey.of(u.id),
            TypeInformation.of(IndicatorKey.class));
    harness.open();
    harness.setProcessingTime(T0.toEpochMilli());
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  void send(Indicator ind) throws Exception {
    harness.processElement(new StreamRecord<>(IndicatorUpdate.upsert(ind)));
  }

  List<String> drain() {
    List<String> out =
        harness.extractOutputValues().stream().map(Object::toString).collect(Collectors.toList());
    harness.getOutput().clear();
    return out;
  }

  @Test
  void newerVersionWinsAndLateOlderVersionIsIgnored() throws Exception {
    Indicator v2 =
        indicator("indicator--a", ObservableType.IPV4, "198.51.100.7")
            .setVersion(T0.plusSeconds(60))
            .build();
    Indicator v1 = indicator("indicator--a", ObservableType.IPV4, "198.51.100.8").build();

    send(v2);
    send(v1);

    assertThat(drain())
        .containsExactly(
            "UPSERT indicator--a@"
                + T0.plusSeconds(60).toEpochMilli()
                + " -> EXACT IPV4|198.51.100.7");
  }

  @Test
  void aMovedValueWithdrawsTheOldIndexEntry() throws Exception {
    send(indicator("indicator--a", ObservableType.DOMAIN, "old.example").build());
    send(
        indicator("indicator--a", ObservableType.DOMAIN, "new.example")
            .setVersion(T0.plusSeconds(1))
            .build());

    long v2 = T0.plusSeconds(1).toEpochMilli();
    assertThat(drain())
        .containsExactly(
            "UPSERT indicator--a@" + T0.toEpochMilli() + " -> EXACT DOMAIN|old.example",
            "TOMBSTONE indicator--a@" + v2 + " -> EXACT DOMAIN|old.example",
            "UPSERT indicator--a@" + v2 + " -> EXACT DOMAIN|new.example");
  }

  @Test
  void revocationLeavesAMarkThenStateIsEmptyAfterRetention() throws Exception {
    send(indicator("indicator--a", ObservableType.IPV4, "198.51.100.7").build());
    send(
        indicator("indicator--a", ObservableType.IPV4, "198.51.100.7")
            .setVersion(T0.plusSeconds(5))
            .setRevoked(true)
            .build());
    // Older version replayed during the retention: still ignored.
    send(indicator("indicator--a", ObservableType.IPV4, "198.51.100.7").build());
    assertThat(drain()).hasSize(2).last().asString().startsWith("TOMBSTONE");
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(T0.plus(RETENTION).toEpochMilli());

    assertThat(drain()).singleElement().asString().startsWith("REMOVE indicator--a");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void expiredIndicatorLeavesStateAfterTheGrace() throws Exception {
    Instant until = T0.plus(Duration.ofDays(1));
    send(
        indicator("indicator--a", ObservableType.IPV4, "198.51.100.7")
            .setValidUntil(until)
            .build());
    drain();

    harness.setProcessingTime(until.plus(GRACE).toEpochMilli() - 1);
    assertThat(drain()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

    harness.setProcessingTime(until.plus(GRACE).toEpochMilli());
    assertThat(drain()).singleElement().asString().startsWith("REMOVE indicator--a");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void anUpdateMovesTheExpiryTimerInsteadOfAddingOne() throws Exception {
    send(
        indicator("indicator--a", ObservableType.IPV4, "198.51.100.7")
            .setValidUntil(T0.plus(Duration.ofDays(1)))
            .build());
    send(
        indicator("indicator--a", ObservableType.IPV4, "198.51.100.7")
            .setVersion(T0.plusSeconds(1))
            .setValidUntil(T0.plus(Duration.ofDays(30)))
            .build());
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(T0.plus(Duration.ofDays(2)).toEpochMilli());
    drain();
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
  }

  @Test
  void kafkaTombstoneWithdrawsTheCurrentVersion() throws Exception {
    send(
        indicator("indicator--a", ObservableType.IPV4, "198.51.100.0/24")
            .setMatchKind(MatchKind.CIDR)
            .build());
    harness.processElement(new StreamRecord<>(IndicatorUpdate.deletion("indicator--a")));

    assertThat(drain())
        .containsExactly(
            "UPSERT indicator--a@" + T0.toEpochMilli() + " -> RANGE CIDR|198.51.100.0/24",
            "TOMBSTONE indicator--a@" + T0.toEpochMilli() + " -> RANGE CIDR|198.51.100.0/24");
    harness.setProcessingTime(T0.plus(RETENTION).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void deletionOfAnUnknownIdChangesNothing() throws Exception {
    harness.processElement(new StreamRecord<>(IndicatorUpdate.deletion("indicator--nobody")));
    assertThat(drain()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }
}
