package org.signalbox.jobs.correlate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.Observable;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.PatternIndex;
import org.signalbox.stix.match.UnsupportedPatternException;
import org.signalbox.stix.pattern.InvalidPatternException;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.stix.sequence.SequencePattern;

/**
 * Finds, for each telemetry event, the sequence patterns (STIX patterns that span observations, or
 * carry a qualifier) one of whose bracketed observations the event satisfies, and sends the event
 * once per such pattern to the {@link SequenceMatcher}, with the leaves it satisfied and their
 * witnesses. An event is tested only against the leaves whose values it carries: every leaf is a
 * single-observation pattern in a {@link PatternIndex} (the Lucene pre-filter of the pattern
 * index), so most events, which satisfy no leaf, go no further.
 *
 * <p>Patterns with a leaf the single-observation matcher cannot run (an object path it does not
 * cover, an ordering) are kept in state, so revocation works, and counted in {@code
 * indicatorPatternsUnsupported}; patterns whose window was capped at {@code
 * correlate.sequence-max-window} in {@code sequenceWindowsCapped}.
 *
 * <p>Keyed by event only to give the bootstrap gate keyed state and timers.
 */
public final class SequenceRouter
    extends KeyedBroadcastProcessFunction<String, PatternProbe, IndicatorChange, SequenceProbe> {
  private static final long serialVersionUID = 1L;

  public static final MapStateDescriptor<String, IndexEntry> SEQUENCES =
      new MapStateDescriptor<>("sequence-patterns", String.class, IndexEntry.class);

  private final boolean bootstrapGate;
  private final BreadthLimits limits;
  private final Duration maxWindow;
  private transient ListState<PatternProbe> waiting;
  private transient Counter unsupported;
  private transient Counter capped;
  private transient Counter routed;

  // Derived from SEQUENCES; rebuilt after a restore. Leaf ids are "<indicator id>\n<leaf>".
  private transient PatternIndex leaves;
  private transient Map<String, SequencePattern> compiled;

  public SequenceRouter(boolean bootstrapGate, BreadthLimits limits, Duration maxWindow) {
    this.bootstrapGate = bootstrapGate;
    this.limits = limits;
    this.maxWindow = maxWindow;
  }

  @Override
  public void open(OpenContext openContext) {
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("sequence-waiting", PatternProbe.class));
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    unsupported = metrics.counter(CorrelateMetrics.INDICATOR_PATTERNS_UNSUPPORTED);
    capped = metrics.counter(CorrelateMetrics.SEQUENCE_WINDOWS_CAPPED);
    routed = metrics.counter(CorrelateMetrics.SEQUENCE_OBSERVATIONS_ROUTED);
  }

  @Override
  public void processElement(PatternProbe event, ReadOnlyContext ctx, Collector<SequenceProbe> out)
      throws Exception {
    if (BootstrapGate.holdBack(bootstrapGate, ctx.timerService(), waiting, event)) {
      return;
    }
    route(event, ctx.getBroadcastState(SEQUENCES), out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SequenceProbe> out)
      throws Exception {
    for (PatternProbe event : waiting.get()) {
      route(event, ctx.getBroadcastState(SEQUENCES), out);
    }
    waiting.clear();
  }

  @Override
  public void processBroadcastElement(
      IndicatorChange change, Context ctx, Collector<SequenceProbe> out) throws Exception {
    BroadcastState<String, IndexEntry> patterns = ctx.getBroadcastState(SEQUENCES);
    ensureIndexed(patterns);
    IndexEntry current = patterns.get(change.indicatorId);
    IndexEntry next = IndexEntry.merge(current, change);
    if (next == current) {
      return;
    }
    forget(change.indicatorId);
    if (next == null) {
      patterns.remove(change.indicatorId);
      return;
    }
    patterns.put(change.indicatorId, next);
    if (next.indicator != null) {
      compile(change.indicatorId, next);
    }
  }

  private void route(
      PatternProbe event,
      ReadOnlyBroadcastState<String, IndexEntry> patterns,
      Collector<SequenceProbe> out)
      throws Exception {
    ensureIndexed(patterns);
    if (compiled.isEmpty()) {
      return;
    }
    Map<String, SequenceProbe> byIndicator = new LinkedHashMap<>();
    Map<String, List<Integer>> leafOf = new HashMap<>();
    leaves.witnesses(
        event.observables,
        (leafId, witnesses) -> {
          int cut = leafId.lastIndexOf('\n');
          String id = leafId.substring(0, cut);
          int leaf = Integer.parseInt(leafId.substring(cut + 1));
          SequenceProbe p =
              byIndicator.computeIfAbsent(
                  id,
                  k -> {
                    SequenceProbe s = new SequenceProbe();
                    s.setEvent(event);
                    s.indicatorId = k;
                    s.witnesses = new ArrayList<>();
                    return s;
                  });
          p.leaves |= 1L << leaf;
          List<Integer> l = leafOf.computeIfAbsent(id, k -> new ArrayList<>());
          for (Observable w : witnesses) {
            p.witnesses.add(w);
            l.add(leaf);
          }
        });
    for (SequenceProbe p : byIndicator.values()) {
      IndexEntry entry = patterns.get(p.indicatorId);
      if (entry == null || entry.indicator == null || !entry.matchesAt(p.eventTime)) {
        continue;
      }
      p.indicatorVersion = entry.version;
      List<Integer> l = leafOf.get(p.indicatorId);
      p.witnessLeaves = new int[l.size()];
      for (int i = 0; i < l.size(); i++) {
        p.witnessLeaves[i] = l.get(i);
      }
      routed.inc();
      out.collect(p);
    }
  }

  private void ensureIndexed(ReadOnlyBroadcastState<String, IndexEntry> patterns) throws Exception {
    if (leaves != null) {
      return;
    }
    leaves = new PatternIndex();
    compiled = new HashMap<>();
    for (Map.Entry<String, IndexEntry> e : patterns.immutableEntries()) {
      if (e.getValue().indicator != null) {
        compile(e.getKey(), e.getValue());
      }
    }
  }

  private void forget(String id) {
    SequencePattern old = compiled.remove(id);
    if (old != null) {
      for (int i = 0; i < old.leafCount(); i++) {
        leaves.remove(id + '\n' + i);
      }
    }
  }

  private void compile(String id, IndexEntry entry) {
    SequencePattern p;
    try {
      StixPattern parsed = StixPattern.parse(entry.indicator.getPattern());
      if (!SequencePattern.isSequence(parsed)) {
        return; // the pattern index's
      }
      p = SequencePattern.compile(parsed, maxWindow, limits);
    } catch (UnsupportedPatternException | InvalidPatternException e) {
      // Invalid patterns were dead-lettered by the decoder; unsupported ones wait for a matcher.
      unsupported.inc();
      return;
    }
    if (p.windowCapped()) {
      capped.inc();
    }
    compiled.put(id, p);
    for (int i = 0; i < p.leafCount(); i++) {
      leaves.put(id + '\n' + i, p.leaf(i));
    }
  }

  /** The compiled pattern of an indicator, for the matcher (which compiles the same way). */
  static SequencePattern compileFor(IndexEntry entry, Duration maxWindow, BreadthLimits limits) {
    try {
      StixPattern parsed = StixPattern.parse(entry.indicator.getPattern());
      return SequencePattern.isSequence(parsed)
          ? SequencePattern.compile(parsed, maxWindow, limits)
          : null;
    } catch (UnsupportedPatternException | InvalidPatternException e) {
      return null;
    }
  }

  @Override
  public void close() throws Exception {
    if (leaves != null) {
      leaves.close();
      leaves = null;
    }
    super.close();
  }
}
