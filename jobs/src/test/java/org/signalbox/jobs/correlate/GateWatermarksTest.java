package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;

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

  /** A relative clock the test moves by hand. */
  static final class ManualClock implements RelativeClock {
    long now;

    @Override
    public long relativeTimeMillis() {
      return now;
    }

    @Override
    public long relativeTimeNanos() {
      return now * 1_000_000;
    }
  }

  static IndicatorBootstrapWatermarks.LoadTracker tracker(long[]... ranges) {
    Map<Integer, long[]> offsets = new java.util.HashMap<>();
    for (int p = 0; p < ranges.length; p++) {
      offsets.put(p, ranges[p]);
    }
    return new IndicatorBootstrapWatermarks.LoadTracker(offsets);
  }

  @Test
  void indicatorPartitionSaysLoadingUntilItsEndOffsetThenWallClock() {
    ManualClock clock = new ManualClock();
    var gen = new IndicatorBootstrapWatermarks.Generator(tracker(new long[] {0, 3}), 5_000, clock);
    Emitted out = new Emitted();

    gen.onPeriodicEmit(out);
    gen.onEvent(record(0, 0, 5), 5, out);
    gen.onEvent(record(0, 1, 6), 6, out);
    clock.now = 4_999; // silent, but not for long enough to count as a compacted-away tail
    gen.onPeriodicEmit(out);
    assertThat(out.values).containsOnly(BootstrapGate.LOADING);

    long before = System.currentTimeMillis();
    gen.onEvent(record(0, 2, 7), 7, out);
    gen.onPeriodicEmit(out);
    assertThat(out.last()).isGreaterThanOrEqualTo(before);
    assertThat(BootstrapGate.isOpen(out.last())).isTrue();
  }

  @Test
  void aPartitionThatStopsShortOfItsEndOffsetCountsAsLoadedAfterTheTimeout() {
    ManualClock clock = new ManualClock();
    var gen =
        new IndicatorBootstrapWatermarks.Generator(tracker(new long[] {0, 100}), 5_000, clock);
    Emitted out = new Emitted();
    gen.onEvent(record(0, 41, 5), 5, out); // the last record; offsets 42..99 were compacted away
    clock.now = 5_000;
    gen.onPeriodicEmit(out);
    assertThat(BootstrapGate.isOpen(out.last())).isTrue();
  }

  @Test
  void generatorsWithoutRecordsFollowTheReadersLoadAndNeverOpenItEarly() {
    // Flink creates a generator per assigned partition, and the source emits their minimum: the
    // generators of partitions that were empty at start-up, and the reader-wide one, see no
    // record and must neither hold the gate nor open it before the others have loaded.
    ManualClock clock = new ManualClock();
    var shared =
        tracker(new long[] {0, 0}, new long[] {5, 5}, new long[] {0, 2}, new long[] {0, 1});
    var empty0 = new IndicatorBootstrapWatermarks.Generator(shared, 5_000, clock);
    var empty1 = new IndicatorBootstrapWatermarks.Generator(shared, 5_000, clock);
    var p2 = new IndicatorBootstrapWatermarks.Generator(shared, 5_000, clock);
    var p3 = new IndicatorBootstrapWatermarks.Generator(shared, 5_000, clock);
    Emitted out0 = new Emitted();
    Emitted out1 = new Emitted();
    Emitted out2 = new Emitted();
    Emitted out3 = new Emitted();

    clock.now = 3_600_000; // an hour of silence opens nothing while partitions 2 and 3 load
    empty0.onPeriodicEmit(out0);
    empty1.onPeriodicEmit(out1);
    p2.onEvent(record(2, 0, 5), 5, out2);
    p2.onPeriodicEmit(out2);
    p3.onPeriodicEmit(out3);
    assertThat(out0.values).containsOnly(BootstrapGate.LOADING);
    assertThat(out1.values).containsOnly(BootstrapGate.LOADING);
    assertThat(out2.values).containsOnly(BootstrapGate.LOADING);
    assertThat(out3.values).containsOnly(BootstrapGate.LOADING);

    p2.onEvent(record(2, 1, 6), 6, out2);
    p3.onEvent(record(3, 0, 7), 7, out3);
    for (var g : List.of(empty0, empty1, p2, p3)) {
      Emitted out = new Emitted();
      g.onPeriodicEmit(out);
      assertThat(BootstrapGate.isOpen(out.last())).isTrue();
    }
  }

  @Test
  void anEmptyTopicHasNothingToWaitFor() {
    ManualClock clock = new ManualClock();
    var gen =
        new IndicatorBootstrapWatermarks.Generator(
            tracker(new long[] {0, 0}, new long[] {7, 7}), 5_000, clock);
    Emitted out = new Emitted();
    gen.onPeriodicEmit(out);
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
  void gateIsShutWhileTheIndicatorsSideHasNoWatermark() {
    // A two-input operator sees the minimum of its inputs.
    assertThat(BootstrapGate.isOpen(Math.min(BootstrapGate.OPEN, Long.MIN_VALUE))).isFalse();
    assertThat(BootstrapGate.isOpen(Math.min(BootstrapGate.OPEN, 1_000L))).isTrue();
  }
}
