package org.signalbox.jobs.correlate;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.schema.Sighting;

/**
 * The exact-value index: keyed by canonical observable ({@code TYPE|value}), holding every
 * indicator id with that value in one {@link ExactSlot}. Keyed state spreads the index over all
 * parallel subtasks and lets RocksDB keep it off-heap, so it grows with parallelism rather than
 * being copied into each task.
 *
 * <p>State layout (no compatibility with checkpoints taken before it: the state under {@code
 * exact-index} used to be a map from id to the whole indicator, and restoring such a checkpoint
 * fails rather than silently starting with an empty index).
 *
 * <p>Input 1: probes from telemetry. Input 2: changes from {@link IndicatorLifecycle}.
 */
public final class ExactIndicatorMatcher
    extends KeyedCoProcessFunction<String, ObservableProbe, IndicatorChange, Sighting> {
  private static final long serialVersionUID = 1L;

  private final boolean bootstrapGate;
  private transient ValueState<ExactSlot> slot;
  private transient ListState<ObservableProbe> waiting;
  private transient MatchMeter sightings;

  public ExactIndicatorMatcher(boolean bootstrapGate) {
    this.bootstrapGate = bootstrapGate;
  }

  @Override
  public void open(OpenContext openContext) {
    slot = getRuntimeContext().getState(new ValueStateDescriptor<>("exact-index", ExactSlot.class));
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("exact-waiting", ObservableProbe.class));
    sightings = MatchMeter.register(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement1(ObservableProbe probe, Context ctx, Collector<Sighting> out)
      throws Exception {
    if (BootstrapGate.holdBack(bootstrapGate, ctx.timerService(), waiting, probe)) {
      return;
    }
    match(probe, ctx.timerService().currentProcessingTime(), out);
  }

  @Override
  public void processElement2(IndicatorChange change, Context ctx, Collector<Sighting> out)
      throws Exception {
    ExactSlot current = slot.value();
    ExactSlot next = current == null ? new ExactSlot() : current;
    if (!next.apply(change)) {
      return;
    }
    if (next.isEmpty()) {
      slot.clear();
    } else {
      slot.update(next);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    // Every probe waiting under this key meets the same slot: read it once, and when the key holds
    // no indicator (most keys: a popular site queried by thousands of events) drop the waiting
    // probes without reading them at all.
    ExactSlot held = slot.value();
    if (held != null) {
      for (ObservableProbe probe : waiting.get()) {
        match(probe, held, now, out);
      }
    }
    waiting.clear();
  }

  private void match(ObservableProbe probe, long now, Collector<Sighting> out) throws Exception {
    ExactSlot held = slot.value();
    if (held != null) {
      match(probe, held, now, out);
    }
  }

  private void match(ObservableProbe probe, ExactSlot held, long now, Collector<Sighting> out) {
    // Usually one indicator per value; a value from several feeds makes one merged sighting.
    List<ExactEntry> matched = null;
    for (ExactEntry entry : held.entries) {
      if (entry.matchesAt(probe.eventTime)) {
        if (matched == null) {
          matched = new ArrayList<>(1);
        }
        matched.add(entry);
      }
    }
    if (matched != null) {
      Sightings.emitExact(probe, matched, now, s -> out.collect(sightings.emitted(s)));
    }
  }
}
