package org.signalbox.jobs.correlate;

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
import org.signalbox.schema.Sighting;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.PatternIndex;
import org.signalbox.stix.match.UnsupportedPatternException;
import org.signalbox.stix.pattern.InvalidPatternException;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.stix.sequence.SequencePattern;

/**
 * STIX patterns that are more than one comparison (OR of values, LIKE, MATCHES, IN, NOT...),
 * evaluated against all observables of one telemetry event. Text comparisons run on Lucene automata
 * (see UntrustedRegex), never on backtracking regular expressions, so a hostile pattern from a feed
 * cannot stall the job.
 *
 * <p>The patterns live in a {@link PatternIndex}: an event is tested only against the patterns
 * whose values, networks or parent domains it carries (a Lucene Monitor pre-filter), plus the text
 * patterns (MATCHES, LIKE) of its observable types, with the same results as testing them all.
 * Patterns it cannot run are kept in state, so revocation works, and counted in {@code
 * indicatorPatternsUnsupported}; patterns of several observations or with a qualifier (WITHIN,
 * REPEATS, START/STOP) are the {@link SequenceRouter}'s and {@link SequenceMatcher}'s, and counted
 * here only when the sequence branch is off (correlate.sequences).
 *
 * <p>Keyed by event only to give the bootstrap gate keyed state and timers.
 */
public final class PatternIndicatorMatcher
    extends KeyedBroadcastProcessFunction<String, PatternProbe, IndicatorChange, Sighting> {
  private static final long serialVersionUID = 1L;

  public static final MapStateDescriptor<String, IndexEntry> PATTERNS =
      new MapStateDescriptor<>("pattern-index", String.class, IndexEntry.class);

  private final boolean bootstrapGate;
  private final BreadthLimits limits;
  private final boolean sequencesMatched;
  private transient ListState<PatternProbe> waiting;
  private transient MatchMeter sightings;
  private transient Counter unsupported;

  // Derived from PATTERNS; rebuilt after a restore.
  private transient PatternIndex index;

  /**
   * @param limits the breadth limits the decoder applied (correlate.min-*); patterns past them were
   *     dead-lettered there, and the index compiles with the same limits so the two never disagree
   */
  public PatternIndicatorMatcher(boolean bootstrapGate, BreadthLimits limits) {
    this(bootstrapGate, limits, false);
  }

  /**
   * @param sequencesMatched the sequence matcher runs patterns that span observations (and counts
   *     those it cannot), so they are not counted here
   */
  public PatternIndicatorMatcher(
      boolean bootstrapGate, BreadthLimits limits, boolean sequencesMatched) {
    this.bootstrapGate = bootstrapGate;
    this.limits = limits;
    this.sequencesMatched = sequencesMatched;
  }

  @Override
  public void open(OpenContext openContext) {
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("pattern-waiting", PatternProbe.class));
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    sightings = MatchMeter.register(getRuntimeContext().getMetricGroup());
    unsupported = metrics.counter(CorrelateMetrics.INDICATOR_PATTERNS_UNSUPPORTED);
  }

  @Override
  public void processElement(PatternProbe event, ReadOnlyContext ctx, Collector<Sighting> out)
      throws Exception {
    if (BootstrapGate.holdBack(bootstrapGate, ctx.timerService(), waiting, event)) {
      return;
    }
    match(event, ctx.getBroadcastState(PATTERNS), ctx.timerService().currentProcessingTime(), out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    for (PatternProbe event : waiting.get()) {
      match(event, ctx.getBroadcastState(PATTERNS), now, out);
    }
    waiting.clear();
  }

  @Override
  public void processBroadcastElement(IndicatorChange change, Context ctx, Collector<Sighting> out)
      throws Exception {
    BroadcastState<String, IndexEntry> patterns = ctx.getBroadcastState(PATTERNS);
    ensureIndexed(patterns);
    IndexEntry current = patterns.get(change.indicatorId);
    IndexEntry next = IndexEntry.merge(current, change);
    if (next == current) {
      return;
    }
    index.remove(change.indicatorId);
    if (next == null) {
      patterns.remove(change.indicatorId);
      return;
    }
    patterns.put(change.indicatorId, next);
    if (next.indicator != null) {
      compile(change.indicatorId, next);
    }
  }

  private void match(
      PatternProbe event,
      ReadOnlyBroadcastState<String, IndexEntry> patterns,
      long now,
      Collector<Sighting> out)
      throws Exception {
    ensureIndexed(patterns);
    for (PatternIndex.Match m : index.witnesses(event.observables)) {
      IndexEntry entry = patterns.get(m.indicatorId());
      if (entry == null || !entry.matchesAt(event.eventTime)) {
        continue;
      }
      for (Observable w : m.witnesses()) {
        out.collect(
            sightings.emitted(Sightings.of(ObservableProbe.of(event, w), entry.indicator, now)));
      }
    }
  }

  private void ensureIndexed(ReadOnlyBroadcastState<String, IndexEntry> patterns) throws Exception {
    if (index != null) {
      return;
    }
    index = new PatternIndex();
    for (Map.Entry<String, IndexEntry> e : patterns.immutableEntries()) {
      if (e.getValue().indicator != null) {
        compile(e.getKey(), e.getValue());
      }
    }
  }

  private void compile(String id, IndexEntry entry) {
    StixPattern pattern = null;
    try {
      pattern = StixPattern.parse(entry.indicator.getPattern());
      index.put(id, pattern, limits);
    } catch (UnsupportedPatternException | InvalidPatternException e) {
      // Invalid patterns were dead-lettered by the decoder; unsupported ones wait for a matcher.
      if (!(sequencesMatched && pattern != null && SequencePattern.isSequence(pattern))) {
        unsupported.inc();
      }
    }
  }

  @Override
  public void close() throws Exception {
    // The index's Lucene Monitor runs a thread of its own.
    if (index != null) {
      index.close();
      index = null;
    }
    super.close();
  }
}
