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
import org.apache.flink.util.clock.RelativeClock;
import org.signalbox.connectors.kafka.RawRecord;

/**
 * Watermarks of the indicators source that say "loaded": none until a partition has been read up to
 * the end offset it had when the job started, wall-clock time after that. See {@link
 * BootstrapGate}. The Kafka source runs one generator per partition that has delivered records and
 * emits their minimum, so the source's watermark moves only when every such partition has loaded.
 *
 * <p>Three rules keep the signal honest, each learnt the hard way:
 *
 * <ul>
 *   <li>No Flink idleness on this source. An idle input is left out of a two-input operator's
 *       watermark, and Flink counts a source as idle while it has not yet fetched anything; the
 *       gate then opened on the telemetry watermark alone, before the index had loaded, whenever
 *       the first fetch or the whole load took longer than the idle timeout.
 *   <li>A partition that delivers nothing is never waited for: the Kafka source creates a
 *       partition's generator with its first record. A partition that delivered records but then
 *       none for {@code idleTimeout} before its end offset (its tail was compacted away, or the end
 *       offset is a transaction marker) counts as loaded; the timeout runs on the source's input
 *       activity clock, which stands still while the source is back-pressured.
 *   <li>One reader ({@link CorrelateKafka} runs this source with parallelism 1): a reader that has
 *       no partition, or has not been given its partitions yet, cannot tell "nothing to load" from
 *       "not started", and would either hold the gate forever or let it open early.
 * </ul>
 *
 * When the topic held nothing at all at start-up, there is nothing to wait for and the source's
 * reader-wide generator (which never sees records) reports wall-clock time from the start.
 */
public final class IndicatorBootstrapWatermarks {
  private IndicatorBootstrapWatermarks() {}

  /**
   * @param endOffsetsAtStart end offset of each partition when the job started
   * @param nothingToLoad true when every partition was empty at start-up (end offset = first
   *     offset)
   * @param idleTimeout how long a partition that has delivered records may stay silent before its
   *     end offset and still count as loaded
   */
  public static WatermarkStrategy<RawRecord> strategy(
      Map<Integer, Long> endOffsetsAtStart, boolean nothingToLoad, Duration idleTimeout) {
    HashMap<Integer, Long> ends = new HashMap<>(endOffsetsAtStart);
    long idleMillis = idleTimeout.toMillis();
    WatermarkGeneratorSupplier<RawRecord> generators =
        ctx -> new Generator(ends, nothingToLoad, idleMillis, ctx.getInputActivityClock());
    TimestampAssignerSupplier<RawRecord> timestamps =
        ctx -> (TimestampAssigner<RawRecord>) (r, previous) -> r.timestamp;
    return WatermarkStrategy.forGenerator(generators).withTimestampAssigner(timestamps);
  }

  static final class Generator implements WatermarkGenerator<RawRecord> {
    private final Map<Integer, Long> endOffsets;
    private final long idleMillis;
    private final RelativeClock activity;
    private boolean seenRecords;
    private long lastRecordAt;
    private boolean loaded;

    Generator(
        Map<Integer, Long> endOffsets,
        boolean nothingToLoad,
        long idleMillis,
        RelativeClock activity) {
      this.endOffsets = endOffsets;
      this.idleMillis = idleMillis;
      this.activity = activity;
      this.loaded = nothingToLoad;
    }

    @Override
    public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
      seenRecords = true;
      lastRecordAt = activity.relativeTimeMillis();
      if (!loaded && record.offset + 1 >= endOffsets.getOrDefault(record.partition, 0L)) {
        loaded = true;
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      if (!loaded && seenRecords && activity.relativeTimeMillis() - lastRecordAt >= idleMillis) {
        loaded = true;
      }
      if (loaded) {
        output.emitWatermark(new Watermark(System.currentTimeMillis()));
      }
    }
  }
}
