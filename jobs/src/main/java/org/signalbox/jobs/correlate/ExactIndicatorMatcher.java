package org.signalbox.jobs.correlate;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.metrics.CorrelateMetrics;
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
 *
 * <p>With the retro-hunt on ({@link RetroHunt}, issue 17) it also keeps, under the same key, the
 * {@link RetroHistory} of the value: every probe is recorded after it was matched, and an upsert
 * that makes an indicator live (or widens its validity) is hunted against it. Both in one operator
 * so that one order decides, per value, whether an event is matched live or found by the hunt. The
 * history leaves state on processing-time timers, a day at a time, after the window.
 */
public final class ExactIndicatorMatcher
    extends KeyedCoProcessFunction<String, ObservableProbe, IndicatorChange, Sighting> {
  private static final long serialVersionUID = 1L;

  private final boolean bootstrapGate;

  /** Null when the retro-hunt is off. */
  private final RetroHunt retro;

  private transient ValueState<ExactSlot> slot;
  private transient ListState<ObservableProbe> waiting;
  private transient MatchMeter sightings;
  private transient ValueState<RetroHistory> history;
  private transient Counter retroSightings;
  private transient Counter retroOmitted;
  private transient Counter retroTooOld;

  public ExactIndicatorMatcher(boolean bootstrapGate) {
    this(bootstrapGate, null);
  }

  /**
   * @param retro the retro-hunt's settings, null for none
   */
  ExactIndicatorMatcher(boolean bootstrapGate, RetroHunt retro) {
    this.bootstrapGate = bootstrapGate;
    this.retro = retro;
  }

  @Override
  public void open(OpenContext openContext) {
    slot = getRuntimeContext().getState(new ValueStateDescriptor<>("exact-index", ExactSlot.class));
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("exact-waiting", ObservableProbe.class));
    sightings = MatchMeter.register(getRuntimeContext().getMetricGroup());
    if (retro != null) {
      history = getRuntimeContext().getState(RetroHunt.stateDescriptor("retro-history"));
      MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
      retroSightings = group.counter(CorrelateMetrics.RETRO_SIGHTINGS_OUT);
      retroOmitted = group.counter(CorrelateMetrics.RETRO_HISTORY_EVENTS_OMITTED);
      retroTooOld = group.counter(CorrelateMetrics.RETRO_HISTORY_EVENTS_TOO_OLD);
    }
  }

  @Override
  public void processElement1(ObservableProbe probe, Context ctx, Collector<Sighting> out)
      throws Exception {
    if (BootstrapGate.holdBack(bootstrapGate, ctx.timerService(), waiting, probe)) {
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    match(probe, now, out);
    remember(probe, now, ctx);
  }

  @Override
  public void processElement2(IndicatorChange change, Context ctx, Collector<Sighting> out)
      throws Exception {
    ExactSlot current = slot.value();
    ExactSlot next = current == null ? new ExactSlot() : current;
    // apply replaces an entry, never edits it: what was held stays readable for the hunt.
    ExactEntry before = current == null ? null : current.entry(change.indicatorId);
    if (!next.apply(change)) {
      return;
    }
    if (next.isEmpty()) {
      slot.clear();
    } else {
      slot.update(next);
    }
    if (retro != null && change.kind == ChangeKind.UPSERT) {
      ExactEntry after = next.entry(change.indicatorId);
      long[][] intervals = RetroHunt.newlyCovered(before, after);
      if (intervals.length > 0) {
        retro.hunt(
            change.key,
            history.value(),
            after,
            intervals,
            ctx.timerService().currentProcessingTime(),
            s -> {
              retroSightings.inc();
              out.collect(s);
            });
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      expireHistory(now, ctx);
      return;
    }
    if (retro != null) {
      // Behind the gate, every waiting probe is matched and then remembered, as if it had just
      // arrived.
      ExactSlot held = slot.value();
      for (ObservableProbe probe : waiting.get()) {
        if (held != null) {
          match(probe, held, now, out);
        }
        remember(probe, now, ctx);
      }
      waiting.clear();
      return;
    }
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

  /** Records {@code probe} in the history of its value; a no-op when the retro-hunt is off. */
  private void remember(ObservableProbe probe, long now, Context ctx) throws Exception {
    if (retro != null) {
      retro.remember(history, probe, now, ctx.timerService(), retroOmitted, retroTooOld);
    }
  }

  private void expireHistory(long now, OnTimerContext ctx) throws Exception {
    if (retro != null) {
      retro.expire(history, now, ctx.timerService());
    }
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
