package org.signalbox.jobs.correlate;

import java.time.Duration;
import org.apache.avro.io.BinaryDecoder;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.signalbox.jobs.common.RawRecord;

/**
 * Watermarks of the telemetry source: bounded out-of-orderness over the events' own event time
 * ({@code eventTime} in the record, see {@link TelemetryEventTime}), but never below {@link
 * BootstrapGate#OPEN}, also for a partition that has delivered nothing yet.
 *
 * <p>Not the Kafka timestamp: that is when the edge sent the record (the edge stamps the time of
 * sending, so that retention counts from arrival and replayed old logs are not deleted at once);
 * event time is what the record says happened. A record that is not a telemetry event keeps its
 * Kafka timestamp; it becomes a dead letter in the decoder.
 *
 * <p>Why: the index operators see the minimum of the telemetry and indicator watermarks, and the
 * {@link BootstrapGate} is about the indicators only. Flink's own bounded out-of-orderness
 * generator stays at Long.MIN_VALUE until its partition's first record, and the Kafka source
 * reports the minimum over its partitions; with a backlog (the consumer drains one partition's
 * fetch before it turns to the next) or a quiet member topic (30 s until it counts as idle) the
 * telemetry side kept the gate shut long after the index had loaded: in the benchmark's backlog run
 * nearly every probe went through the gate's keyed state and timers.
 */
public final class TelemetryWatermarks {
  private TelemetryWatermarks() {}

  public static WatermarkStrategy<RawRecord> strategy(Duration outOfOrderness, Duration idleness) {
    long bound = outOfOrderness.toMillis();
    return WatermarkStrategy.<RawRecord>forGenerator(ctx -> new Generator(bound))
        .withTimestampAssigner(
            ctx -> {
              BinaryDecoder[] reuse = new BinaryDecoder[1];
              return (r, kafkaTimestamp) -> TelemetryEventTime.of(r.value, r.timestamp, reuse);
            })
        .withIdleness(idleness);
  }

  static final class Generator implements WatermarkGenerator<RawRecord> {
    private final long bound;
    private long maxTimestamp = Long.MIN_VALUE;

    Generator(long bound) {
      this.bound = bound;
    }

    @Override
    public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
      maxTimestamp = Math.max(maxTimestamp, timestamp);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      long progress =
          maxTimestamp == Long.MIN_VALUE
              ? BootstrapGate.OPEN
              : Math.max(BootstrapGate.OPEN, maxTimestamp - bound - 1);
      output.emitWatermark(new Watermark(progress));
    }
  }
}
