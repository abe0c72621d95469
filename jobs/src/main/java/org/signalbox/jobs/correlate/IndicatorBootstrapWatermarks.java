package org.signalbox.jobs.correlate;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.signalbox.connectors.kafka.RawRecord;

/**
 * Watermarks of the indicators source that say "loaded": {@link BootstrapGate#LOADING} until a
 * partition has been read up to the end offset it had when the job started, wall-clock time after
 * that. See {@link BootstrapGate}. The Kafka source runs one generator per partition and emits
 * their minimum, so the source's watermark moves only when every partition has loaded (or gone
 * idle: an empty partition, or a tail removed by compaction, never delivers its last offset).
 */
public final class IndicatorBootstrapWatermarks {
  private IndicatorBootstrapWatermarks() {}

  public static WatermarkStrategy<RawRecord> strategy(
      Map<Integer, Long> endOffsetsAtStart, Duration idleTimeout) {
    HashMap<Integer, Long> ends = new HashMap<>(endOffsetsAtStart);
    WatermarkGeneratorSupplier<RawRecord> generators = ctx -> new Generator(ends);
    TimestampAssignerSupplier<RawRecord> timestamps =
        ctx -> (TimestampAssigner<RawRecord>) (r, previous) -> r.timestamp;
    return WatermarkStrategy.forGenerator(generators)
        .withTimestampAssigner(timestamps)
        .withIdleness(idleTimeout);
  }

  static final class Generator implements WatermarkGenerator<RawRecord> {
    private final Map<Integer, Long> endOffsets;
    private boolean loaded;

    Generator(Map<Integer, Long> endOffsets) {
      this.endOffsets = endOffsets;
    }

    @Override
    public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
      if (!loaded && record.offset + 1 >= endOffsets.getOrDefault(record.partition, 0L)) {
        loaded = true;
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      // LOADING, rather than nothing, keeps this partition from counting as idle while it loads.
      output.emitWatermark(
          new Watermark(loaded ? System.currentTimeMillis() : BootstrapGate.LOADING));
    }
  }
}
