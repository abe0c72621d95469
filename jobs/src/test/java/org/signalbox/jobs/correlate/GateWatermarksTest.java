package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;
import org.signalbox.connectors.kafka.RawRecord;

/** The watermarks the bootstrap gate reads: what each source emits before and after loading. */
class GateWatermarksTest {

  /** Collects what a generator emits; fails the test if anything marks itself idle. */
  static final class Emitted implements WatermarkOutput {
    final List<Long> values = new ArrayList<>();

    @Override
    public void emitWatermark(Watermark watermark) {
      values.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      throw new AssertionError("a generator marked itself idle");
    }

    @Override
    public void markActive() {}

    long last() {
      return values.get(values.size() - 1);
    }
  }

  static RawRecord record(int partition, long offset, long timestamp) {
    return new RawRecord("t", partition, offset, timestamp, null, new byte[0]);
  }

  @Test
  void indicatorPartitionReportsLoadingUntilItsEndOffsetThenWallClock() {
    var gen = new IndicatorBootstrapWatermarks.Generator(Map.of(0, 3L));
    Emitted out = new Emitted();

    // Before any record, and while reading, the partition is present but not loaded: Flink must
    // not count it as idle (no watermark at all would), and the gate must stay shut.
    gen.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(BootstrapGate.LOADING);
    assertThat(BootstrapGate.isOpen(out.last())).isFalse();
    gen.onEvent(record(0, 0, 5), 5, out);
    gen.onEvent(record(0, 1, 6), 6, out);
    gen.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(BootstrapGate.LOADING);

    long before = System.currentTimeMillis();
    gen.onEvent(record(0, 2, 7), 7, out);
    gen.onPeriodicEmit(out);
    assertThat(out.last()).isGreaterThanOrEqualTo(before);
    assertThat(BootstrapGate.isOpen(out.last())).isTrue();
  }

  @Test
  void telemetryNeverHoldsTheGate() {
    var gen = new TelemetryWatermarks.Generator(5_000);
    Emitted out = new Emitted();

    gen.onPeriodicEmit(out); // no record yet: still at least OPEN
    assertThat(out.last()).isEqualTo(BootstrapGate.OPEN);
    assertThat(BootstrapGate.isOpen(out.last())).isTrue();

    gen.onEvent(record(0, 0, 100_000), 100_000, out);
    gen.onEvent(record(0, 1, 90_000), 90_000, out);
    gen.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(100_000 - 5_000 - 1);
  }

  @Test
  void gateIsShutWhileEitherSideIsBelowOpen() {
    // A two-input operator sees the minimum of its inputs.
    assertThat(BootstrapGate.isOpen(Math.min(BootstrapGate.OPEN, BootstrapGate.LOADING))).isFalse();
    assertThat(BootstrapGate.isOpen(Math.min(BootstrapGate.OPEN, 1_000L))).isTrue();
    assertThat(BootstrapGate.isOpen(Long.MIN_VALUE)).isFalse();
  }
}
