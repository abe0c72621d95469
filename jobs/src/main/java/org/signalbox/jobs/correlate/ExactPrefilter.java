package org.signalbox.jobs.correlate;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.correlate.index.CountingBloomFilter;
import org.signalbox.jobs.metrics.CorrelateMetrics;

/**
 * Drops, before the keyBy shuffle, the probes whose value no live exact indicator has: most
 * observables match nothing, and each one that crosses the network costs a serialization, a
 * transfer and a state lookup in the exact index. Runs at the parallelism of the probes, each
 * subtask holding the same {@link CountingBloomFilter} of the hashes of all live exact values, fed
 * by every lifecycle subtask's {@link IndicatorLifecycle#EXACT_KEYS} (broadcast).
 *
 * <p>It fails open. It filters only while it knows its filter is complete, and passes every probe
 * otherwise, so no sighting is lost to it; a false positive only costs the probe the shuffle:
 *
 * <ul>
 *   <li>until the bootstrap gate opens (the watermark of this two-input operator, as at the exact
 *       index, is below {@link BootstrapGate#OPEN} while indicators that existed at start-up are
 *       still on their way), with or without {@code correlate.bootstrap-gate};
 *   <li>after a restore, until the gate opens again (the filter restored from the checkpoint is as
 *       complete as the lifecycle state restored with it, but the indicators written while the job
 *       was down are still being read);
 *   <li>for ever, after a restore from a checkpoint without a filter (taken before the filter
 *       existed): the lifecycle would never tell it the values it already holds. Starting the job
 *       afresh from the indicators topic builds one.
 * </ul>
 *
 * <p>State: the filter, checkpointed by subtask 0 alone into union operator state, so any
 * parallelism restores it and the checkpoint holds one copy (all subtasks hold the same filter at a
 * barrier: checkpoints are aligned, so each has applied the same deltas from every lifecycle
 * subtask). It is about {@value CountingBloomFilter#COUNTERS_PER_KEY}/2 bytes per expected value.
 * Under at-least-once checkpointing (no alignment) a replayed removal could be counted twice; the
 * job's exactly-once sinks refuse that mode.
 *
 * <p>A probe of a value whose indicator arrives at the same moment races the indicator, here as at
 * the index without the filter (probe and change reach the index by different paths).
 */
public final class ExactPrefilter
    extends CoProcessFunction<ObservableProbe, ExactKeyDelta, ObservableProbe>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  private final long expectedKeys;
  private transient CountingBloomFilter filter;
  private transient boolean usable;
  private transient ListState<byte[]> stored;
  private transient Counter dropped;
  private transient Counter passedOpen;

  /**
   * @param expectedKeys live exact values the filter is sized for (about 1% false positives)
   */
  public ExactPrefilter(long expectedKeys) {
    this.expectedKeys = expectedKeys;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    stored =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    "exact-prefilter", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    filter = null;
    if (context.isRestored()) {
      for (byte[] bytes : stored.get()) {
        if (filter == null && bytes != null && bytes.length > 0) {
          filter = CountingBloomFilter.fromBytes(bytes);
        }
      }
      usable = filter != null;
    } else {
      usable = true;
    }
    if (filter == null) {
      filter = new CountingBloomFilter(expectedKeys);
    }
  }

  @Override
  public void open(OpenContext openContext) {
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    dropped = metrics.counter(CorrelateMetrics.EXACT_PROBES_FILTERED);
    passedOpen = metrics.counter(CorrelateMetrics.EXACT_PROBES_UNFILTERED);
  }

  @Override
  public void processElement1(ObservableProbe probe, Context ctx, Collector<ObservableProbe> out) {
    if (!usable || !BootstrapGate.isOpen(ctx.timerService().currentWatermark())) {
      passedOpen.inc();
      out.collect(probe);
    } else if (filter.mightContain(CountingBloomFilter.hash(probe.key))) {
      out.collect(probe);
    } else {
      dropped.inc();
    }
  }

  @Override
  public void processElement2(ExactKeyDelta delta, Context ctx, Collector<ObservableProbe> out) {
    if (delta.added) {
      filter.add(delta.hash);
    } else {
      filter.remove(delta.hash);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    // An unusable filter is not written: restoring it would make it look complete.
    if (usable && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
      stored.update(List.of(filter.toBytes()));
    } else {
      stored.clear();
    }
  }

  /** For tests: whether the filter would be consulted at this watermark. */
  boolean filtering(long watermark) {
    return usable && BootstrapGate.isOpen(watermark);
  }
}
