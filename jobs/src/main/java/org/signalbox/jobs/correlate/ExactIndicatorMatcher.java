package org.signalbox.jobs.correlate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;

/**
 * The exact-value index: keyed by canonical observable ({@code TYPE|value}), holding every
 * indicator id with that value. Keyed state spreads the index over all parallel subtasks and lets
 * RocksDB keep it off-heap, so it grows with parallelism rather than being copied into each task.
 *
 * <p>Input 1: probes from telemetry. Input 2: changes from {@link IndicatorLifecycle}.
 */
public final class ExactIndicatorMatcher
    extends KeyedCoProcessFunction<String, ObservableProbe, IndicatorChange, Sighting> {
  private static final long serialVersionUID = 1L;

  private final boolean bootstrapGate;
  private transient MapState<String, IndexEntry> entries;
  private transient ListState<ObservableProbe> waiting;
  private transient Counter sightings;

  public ExactIndicatorMatcher(boolean bootstrapGate) {
    this.bootstrapGate = bootstrapGate;
  }

  @Override
  public void open(OpenContext openContext) {
    entries =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("exact-index", String.class, IndexEntry.class));
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("exact-waiting", ObservableProbe.class));
    sightings =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup(CorrelateMetrics.GROUP)
            .counter(CorrelateMetrics.SIGHTINGS_OUT);
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
    IndexEntry current = entries.get(change.indicatorId);
    IndexEntry next = IndexEntry.merge(current, change);
    if (next == current) {
      return;
    }
    if (next == null) {
      entries.remove(change.indicatorId);
      if (entries.isEmpty()) {
        entries.clear();
      }
    } else {
      entries.put(change.indicatorId, next);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    for (ObservableProbe probe : waiting.get()) {
      match(probe, now, out);
    }
    waiting.clear();
  }

  private void match(ObservableProbe probe, long now, Collector<Sighting> out) throws Exception {
    // Usually one indicator per value; a value from several feeds makes one merged sighting.
    List<Indicator> matched = null;
    for (Map.Entry<String, IndexEntry> e : entries.entries()) {
      IndexEntry entry = e.getValue();
      if (entry.matchesAt(probe.eventTime)) {
        if (matched == null) {
          matched = new ArrayList<>(1);
        }
        matched.add(entry.indicator);
      }
    }
    if (matched != null) {
      Sightings.emit(
          probe,
          matched,
          now,
          s -> {
            sightings.inc();
            out.collect(s);
          });
    }
  }
}
