package org.signalbox.jobs.correlate;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;
import org.signalbox.jobs.common.RawRecord;

/**
 * Watermarks of the indicators source that say "loaded": {@link BootstrapGate#LOADING} until every
 * partition that held records at start-up has been read up to the end offset it had then,
 * wall-clock time after that. See {@link BootstrapGate}.
 *
 * <p>Flink's source operator creates one generator per assigned partition (on assignment, not on
 * the partition's first record) and emits their minimum. A generator of a partition that was empty
 * at start-up sees no record and so cannot tell "nothing to load" from "not fetched yet"; were it
 * to decide alone it would hold the gate shut for ever. So every generator of one reader shares a
 * {@link LoadTracker}: the set of partitions that still have records to load. Each generator
 * reports the partitions it reads, and all of them (the reader-wide one and those of empty
 * partitions too) emit wall-clock time once the set is empty.
 *
 * <p>Three rules keep the signal honest, each learnt the hard way:
 *
 * <ul>
 *   <li>No Flink idleness on this source. An idle input is left out of a two-input operator's
 *       watermark, and Flink counts a source as idle while it has not yet fetched anything; the
 *       gate then opened on the telemetry watermark alone, before the index had loaded, whenever
 *       the first fetch or the whole load took longer than the idle timeout.
 *   <li>A partition that was empty at start-up is never waited for (it is not in the tracker). A
 *       partition that delivered records but then none for {@code idleTimeout} before its end
 *       offset (its tail was compacted away, or the end offset is a transaction marker) counts as
 *       loaded; the timeout runs on the source's input activity clock, which stands still while the
 *       source is back-pressured.
 *   <li>One reader ({@link CorrelateKafka} runs this source with parallelism 1), so that one
 *       tracker sees every partition.
 * </ul>
 *
 * A job restored from a checkpoint resumes each partition at its checkpointed offset; partitions
 * that had loaded before the checkpoint deliver nothing more, so this signal alone would stay
 * silent: {@link BootstrapLatch} carries the gate's open state across restores.
 */
public final class IndicatorBootstrapWatermarks {
  private IndicatorBootstrapWatermarks() {}

  /**
   * @param offsetsAtStart first and end offset ({@code [first, end]}) of each partition when the
   *     job started
   * @param idleTimeout how long a partition that has delivered records may stay silent before its
   *     end offset and still count as loaded
   */
  public static WatermarkStrategy<RawRecord> strategy(
      Map<Integer, long[]> offsetsAtStart, Duration idleTimeout) {
    return WatermarkStrategy.forGenerator(new Generators(offsetsAtStart, idleTimeout.toMillis()))
        .withTimestampAssigner(
            (TimestampAssignerSupplier<RawRecord>)
                ctx -> (TimestampAssigner<RawRecord>) (r, previous) -> r.timestamp);
  }

  /** Makes the generators of one reader, all sharing one tracker. */
  static final class Generators implements WatermarkGeneratorSupplier<RawRecord> {
    private static final long serialVersionUID = 1L;
    private final HashMap<Integer, long[]> offsets;
    private final long idleMillis;
    // Made in the task, after deserialization: one per reader, shared by its generators.
    private transient LoadTracker tracker;

    Generators(Map<Integer, long[]> offsets, long idleMillis) {
      this.offsets = new HashMap<>(offsets);
      this.idleMillis = idleMillis;
    }

    @Override
    public WatermarkGenerator<RawRecord> createWatermarkGenerator(Context ctx) {
      if (tracker == null) {
        tracker = new LoadTracker(offsets);
      }
      return new Generator(tracker, idleMillis, ctx.getInputActivityClock());
    }
  }

  /** The partitions of one reader that still have records to load. */
  static final class LoadTracker {
    private final Map<Integer, Long> endOffsets = new HashMap<>();
    private final Set<Integer> pending = new HashSet<>();

    LoadTracker(Map<Integer, long[]> offsetsAtStart) {
      offsetsAtStart.forEach(
          (partition, range) -> {
            endOffsets.put(partition, range[1]);
            if (range[1] > range[0]) {
              pending.add(partition);
            }
          });
    }

    synchronized void read(int partition, long offset) {
      if (offset + 1 >= endOffsets.getOrDefault(partition, 0L)) {
        pending.remove(partition);
      }
    }

    synchronized void loaded(Set<Integer> partitions) {
      pending.removeAll(partitions);
    }

    synchronized boolean done() {
      return pending.isEmpty();
    }
  }

  static final class Generator implements WatermarkGenerator<RawRecord> {
    private final LoadTracker tracker;
    private final long idleMillis;
    private final RelativeClock activity;
    private final Set<Integer> partitionsSeen = new HashSet<>();
    private long lastRecordAt;

    Generator(LoadTracker tracker, long idleMillis, RelativeClock activity) {
      this.tracker = tracker;
      this.idleMillis = idleMillis;
      this.activity = activity;
    }

    @Override
    public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
      lastRecordAt = activity.relativeTimeMillis();
      partitionsSeen.add(record.partition);
      tracker.read(record.partition, record.offset);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      if (!partitionsSeen.isEmpty() && activity.relativeTimeMillis() - lastRecordAt >= idleMillis) {
        tracker.loaded(partitionsSeen);
      }
      output.emitWatermark(
          new Watermark(tracker.done() ? System.currentTimeMillis() : BootstrapGate.LOADING));
    }
  }
}
