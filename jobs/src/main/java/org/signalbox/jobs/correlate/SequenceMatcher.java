package org.signalbox.jobs.correlate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.core.DeterministicIds;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.Observable;
import org.signalbox.schema.SequenceObservation;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.sequence.SequencePattern;
import org.signalbox.stix.sequence.SequenceRun;

/**
 * Matches one sequence pattern over the events of one scope (a member by default, or a sector), in
 * event time: keyed by scope and indicator id, fed by the {@link SequenceRouter} with the events
 * that satisfied one of the pattern's bracketed observations.
 *
 * <p>Events wait in {@code pending} until the watermark passes them and are then offered to a
 * {@link SequenceRun} in event-time order (ties by event id), so the result does not depend on the
 * order in which they arrived, and the streaming job and the bounded run agree. An event that
 * arrives behind the watermark by at most {@code allowedLateness} is offered at once (counted in
 * {@code sequenceLateEvents}): it still completes a match with what is buffered. One later than
 * that is counted in {@code sequenceEventsTooLate} and not offered.
 *
 * <p>State per key: the pending events and the buffered observations (each event in at most one
 * match; see {@link SequenceRun}), at most {@code maxBuffered} (past it the oldest is evicted and
 * counted). Each buffered observation has an event-time timer at the end of its window plus the
 * lateness, when no future event can complete a match with it any more; so when a scope's
 * observations have all expired, no state and no timer is left for its key.
 */
public final class SequenceMatcher
    extends KeyedBroadcastProcessFunction<String, SequenceProbe, IndicatorChange, Sighting> {
  private static final long serialVersionUID = 1L;

  /** Most leaf candidates one search tries before it gives up (sequenceSearchesAborted). */
  static final long SEARCH_BUDGET = 200_000;

  private static final Comparator<SequenceProbe> EVENT_TIME_ORDER =
      Comparator.<SequenceProbe>comparingLong(p -> p.eventTime)
          .thenComparing(p -> p.eventId, Comparator.nullsFirst(Comparator.naturalOrder()));

  private final Duration maxWindow;
  private final long allowedLateness;
  private final int maxBuffered;
  private final BreadthLimits limits;

  private transient ListState<SequenceProbe> pending;
  private transient ListState<SequenceProbe> buffered;
  private transient MatchMeter sightings;
  private transient Counter matches;
  private transient Counter expired;
  private transient Counter overflows;
  private transient Counter aborted;
  private transient Counter late;
  private transient Counter tooLate;

  // Compiled from the broadcast entries, by indicator id and version.
  private transient Map<String, Compiled> compiled;

  private record Compiled(long version, SequencePattern pattern) {}

  public SequenceMatcher(
      Duration maxWindow, Duration allowedLateness, int maxBuffered, BreadthLimits limits) {
    if (maxBuffered < 1) {
      throw new IllegalArgumentException("max buffered must be positive: " + maxBuffered);
    }
    this.maxWindow = maxWindow;
    this.allowedLateness = allowedLateness.toMillis();
    this.maxBuffered = maxBuffered;
    this.limits = limits;
  }

  @Override
  public void open(OpenContext openContext) {
    pending =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("sequence-pending", SequenceProbe.class));
    buffered =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("sequence-buffered", SequenceProbe.class));
    sightings = MatchMeter.register(getRuntimeContext().getMetricGroup());
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    matches = metrics.counter(CorrelateMetrics.SEQUENCE_MATCHES);
    expired = metrics.counter(CorrelateMetrics.SEQUENCE_OBSERVATIONS_EXPIRED);
    overflows = metrics.counter(CorrelateMetrics.SEQUENCE_BUFFER_OVERFLOWS);
    aborted = metrics.counter(CorrelateMetrics.SEQUENCE_SEARCHES_ABORTED);
    late = metrics.counter(CorrelateMetrics.SEQUENCE_LATE_EVENTS);
    tooLate = metrics.counter(CorrelateMetrics.SEQUENCE_EVENTS_TOO_LATE);
    compiled = new HashMap<>();
  }

  @Override
  public void processElement(SequenceProbe probe, ReadOnlyContext ctx, Collector<Sighting> out)
      throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    if (probe.eventTime > watermark) {
      pending.add(probe);
      ctx.timerService().registerEventTimeTimer(probe.eventTime);
      return;
    }
    if (probe.eventTime >= minus(watermark, allowedLateness)) {
      late.inc();
      offer(
          probe.indicatorId,
          List.of(probe),
          pending.get(),
          watermark,
          ctx.getBroadcastState(SequenceRouter.SEQUENCES),
          ctx.timerService(),
          out);
      return;
    }
    tooLate.inc();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out)
      throws Exception {
    List<SequenceProbe> due = new ArrayList<>();
    List<SequenceProbe> rest = new ArrayList<>();
    String indicatorId = null;
    for (SequenceProbe p : pending.get()) {
      (p.eventTime <= timestamp ? due : rest).add(p);
      indicatorId = p.indicatorId;
    }
    if (indicatorId != null) {
      pending.update(rest);
    }
    if (indicatorId == null) {
      for (SequenceProbe p : buffered.get()) {
        indicatorId = p.indicatorId;
        break;
      }
    }
    if (indicatorId == null) {
      return;
    }
    due.sort(EVENT_TIME_ORDER);
    offer(
        indicatorId,
        due,
        rest,
        timestamp,
        ctx.getBroadcastState(SequenceRouter.SEQUENCES),
        ctx.timerService(),
        out);
  }

  /**
   * Offers {@code due} (in order) to the key's run, after expiring what the watermark has closed,
   * and keeps what is left buffered.
   */
  private void offer(
      String indicatorId,
      List<SequenceProbe> due,
      Iterable<SequenceProbe> stillPending,
      long watermark,
      ReadOnlyBroadcastState<String, IndexEntry> patterns,
      TimerService timers,
      Collector<Sighting> out)
      throws Exception {
    IndexEntry entry = patterns.get(indicatorId);
    SequencePattern pattern = entry == null || entry.indicator == null ? null : pattern(entry);
    List<SequenceRun.Observation<SequenceProbe>> held = new ArrayList<>();
    long dropped = 0;
    for (SequenceProbe p : buffered.get()) {
      // A buffered observation of an older version of the pattern may not fit the new one.
      if (pattern != null && p.indicatorVersion == entry.version) {
        held.add(new SequenceRun.Observation<>(p.eventTime, p.leaves, p));
      } else {
        dropped++;
      }
    }
    if (pattern == null) {
      expired.inc(dropped + due.size());
      buffered.clear();
      return;
    }
    SequenceRun<SequenceProbe> run = new SequenceRun<>(pattern, held, maxBuffered, SEARCH_BUDGET);
    long window = pattern.windowMillis();
    // Event times whose expiry timer is (or will be) registered.
    java.util.Set<Long> timed = new java.util.HashSet<>();
    for (SequenceRun.Observation<SequenceProbe> o : held) {
      timed.add(o.time());
    }
    dropped += run.expire(minus(minus(watermark, allowedLateness), window));
    for (SequenceProbe p : due) {
      if (p.indicatorVersion != entry.version || !entry.matchesAt(p.eventTime)) {
        dropped++;
        continue;
      }
      SequenceRun.Match<SequenceProbe> m =
          run.offer(new SequenceRun.Observation<>(p.eventTime, p.leaves, p));
      if (m != null) {
        matches.inc();
        for (Sighting s : sightings(m, entry, timers.currentProcessingTime())) {
          out.collect(sightings.emitted(s));
        }
      } else if (!run.buffered().isEmpty()
          && run.buffered().get(run.buffered().size() - 1).payload() == p) {
        // Buffered: its window closes, for every future event, at this timer.
        timers.registerEventTimeTimer(plus(plus(p.eventTime, window), allowedLateness + 1));
        timed.add(p.eventTime);
      }
    }
    // Observations consumed by a match or evicted leave their timers behind: deleted here, unless
    // another buffered observation needs the same one or a pending event waits on that instant.
    java.util.Set<Long> needed = new java.util.HashSet<>();
    for (SequenceRun.Observation<SequenceProbe> o : run.buffered()) {
      needed.add(o.time());
    }
    java.util.Set<Long> waiting = new java.util.HashSet<>();
    for (SequenceProbe p : stillPending) {
      waiting.add(p.eventTime);
    }
    for (long t : timed) {
      long timer = plus(plus(t, window), allowedLateness + 1);
      if (!needed.contains(t) && !waiting.contains(timer)) {
        timers.deleteEventTimeTimer(timer);
      }
    }
    expired.inc(dropped);
    overflows.inc(run.overflows());
    aborted.inc(run.aborted());
    List<SequenceProbe> keep = new ArrayList<>(run.buffered().size());
    for (SequenceRun.Observation<SequenceProbe> o : run.buffered()) {
      keep.add(o.payload());
    }
    buffered.update(keep);
  }

  private SequencePattern pattern(IndexEntry entry) {
    Compiled c = compiled.get(entry.indicator.getId());
    if (c == null || c.version() != entry.version) {
      SequencePattern p = SequenceRouter.compileFor(entry, maxWindow, limits);
      if (p == null) {
        return null;
      }
      c = new Compiled(entry.version, p);
      compiled.put(entry.indicator.getId(), c);
    }
    return c.pattern();
  }

  @Override
  public void processBroadcastElement(IndicatorChange change, Context ctx, Collector<Sighting> out)
      throws Exception {
    var patterns = ctx.getBroadcastState(SequenceRouter.SEQUENCES);
    IndexEntry current = patterns.get(change.indicatorId);
    IndexEntry next = IndexEntry.merge(current, change);
    if (next == current) {
      return;
    }
    compiled.remove(change.indicatorId);
    // Keyed state of a withdrawn or changed pattern is dropped when its key next runs, or at the
    // latest at its observations' expiry timers.
    if (next == null) {
      patterns.remove(change.indicatorId);
    } else {
      patterns.put(change.indicatorId, next);
    }
  }

  /**
   * The sightings of a match: one per member whose events took part (one, in the default member
   * scope). Each lists only its own member's observations in {@code sequence}, so that in sector
   * scope no member's telemetry reaches another member's feed through it; its event fields and
   * matched value are those of its member's last observation; its marking is the most restrictive
   * of all the match's events and the indicator, since it is derived from all of them.
   */
  static List<Sighting> sightings(SequenceRun.Match<SequenceProbe> m, IndexEntry entry, long now) {
    List<SequenceRun.Observation<SequenceProbe>> obs = m.observations();
    int[] leaves = m.leaves();
    Integer[] order = new Integer[obs.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparing(i -> obs.get(i).payload(), EVENT_TIME_ORDER));
    Tlp tlp = entry.indicator.getTlp();
    TreeSet<String> eventIds = new TreeSet<>();
    java.util.TreeMap<String, List<Integer>> byMember = new java.util.TreeMap<>();
    for (int i : order) {
      SequenceProbe p = obs.get(i).payload();
      tlp = Tlps.mostRestrictive(tlp, p.tlp);
      eventIds.add(p.member + '\t' + p.eventId + '\t' + leaves[i]);
      byMember.computeIfAbsent(p.member, k -> new ArrayList<>()).add(i);
    }
    List<Sighting> out = new ArrayList<>(byMember.size());
    for (List<Integer> own : byMember.values()) {
      List<SequenceObservation> sequence = new ArrayList<>();
      ObservableProbe last = null;
      for (int i : own) {
        SequenceProbe p = obs.get(i).payload();
        boolean first = true;
        for (int w = 0; w < p.witnesses.size(); w++) {
          if (p.witnessLeaves[w] != leaves[i]) {
            continue;
          }
          Observable o = p.witnesses.get(w);
          sequence.add(
              SequenceObservation.newBuilder()
                  .setEventId(p.eventId)
                  .setEventTime(Instant.ofEpochMilli(p.eventTime))
                  .setType(o.getType())
                  .setValue(o.getValue())
                  .setRole(o.getRole())
                  .setObservation(leaves[i])
                  .build());
          if (first) {
            // In event-time order, so the last event's first witness is what remains.
            first = false;
            last = new ObservableProbe();
            last.key = ObservableProbe.keyOf(o.getType(), o.getValue());
            last.type = o.getType();
            last.value = o.getValue();
            last.role = o.getRole();
            last.setEvent(p);
          }
        }
      }
      Sighting s = Sightings.of(last, entry.indicator, now);
      s.setSequence(sequence);
      s.setTlp(tlp);
      s.setSightingId(
          DeterministicIds.of(
              "sighting",
              last.member
                  + '\n'
                  + entry.indicator.getId()
                  + "\nsequence\n"
                  + String.join("\n", eventIds)));
      out.add(s);
    }
    return out;
  }

  private static long minus(long t, long d) {
    return t < Long.MIN_VALUE + d ? Long.MIN_VALUE : t - d;
  }

  private static long plus(long t, long d) {
    return t > Long.MAX_VALUE - d ? Long.MAX_VALUE : t + d;
  }
}
