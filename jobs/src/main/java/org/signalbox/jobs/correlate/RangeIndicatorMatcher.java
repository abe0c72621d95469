package org.signalbox.jobs.correlate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.correlate.index.CidrTrie;
import org.signalbox.jobs.correlate.index.DomainSuffixTrie;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;

/**
 * CIDR and domain-suffix indicators. A range cannot be found by hashing the value, so every subtask
 * holds all of them: broadcast state keyed by indicator id is the checkpointed truth, and tries
 * built from it answer "which networks contain this address" and "which parents does this domain
 * have" in time proportional to the address length, not the number of ranges.
 *
 * <p>Range indicators are the small set (thousands, not millions); broadcast state lives on the
 * heap and in every task's checkpoint, which is why exact values do not go here.
 *
 * <p>The probe side is keyed only to give the bootstrap gate keyed state and timers.
 *
 * <p>With the retro-hunt on ({@link RetroHunt}), it also keeps the {@link RetroHistory} of each IP
 * and domain value it is sent (keyed state under the probe's key, as the exact index does), and an
 * upsert that makes a range indicator live is hunted against every value of this subtask's history
 * the range contains. The history is partitioned by hashed value, so that is a scan of all of this
 * subtask's history keys ({@code applyToKeyedState}), in the broadcast element's call: its time
 * grows with the history, not the range (measured in the README), and it emits at most {@link
 * #MAX_RANGE_SIGHTINGS} sightings per indicator and subtask (the rest counted in {@code
 * retroRangeSightingsCapped}).
 */
public final class RangeIndicatorMatcher
    extends KeyedBroadcastProcessFunction<String, ObservableProbe, IndicatorChange, Sighting> {
  private static final long serialVersionUID = 1L;

  public static final MapStateDescriptor<String, IndexEntry> RANGES =
      new MapStateDescriptor<>("range-index", String.class, IndexEntry.class);

  /** Most retro sightings one range indicator emits per subtask. */
  static final int MAX_RANGE_SIGHTINGS = 10_000;

  private static final ValueStateDescriptor<RetroHistory> HISTORY =
      RetroHunt.stateDescriptor("range-retro-history");

  private final boolean bootstrapGate;

  /** Null when the retro-hunt is off. */
  private final RetroHunt retro;

  private transient ListState<ObservableProbe> waiting;
  private transient MatchMeter sightings;
  private transient ValueState<RetroHistory> history;
  private transient Counter retroSightings;
  private transient Counter retroOmitted;
  private transient Counter retroTooOld;
  private transient Counter retroCapped;

  // Derived from RANGES; rebuilt after a restore, when this task first touches the index.
  private transient CidrTrie networks;
  private transient DomainSuffixTrie parents;

  public RangeIndicatorMatcher(boolean bootstrapGate) {
    this(bootstrapGate, null);
  }

  /**
   * @param retro the retro-hunt's settings, null for none
   */
  RangeIndicatorMatcher(boolean bootstrapGate, RetroHunt retro) {
    this.bootstrapGate = bootstrapGate;
    this.retro = retro;
  }

  @Override
  public void open(OpenContext openContext) {
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("range-waiting", ObservableProbe.class));
    sightings = MatchMeter.register(getRuntimeContext().getMetricGroup());
    if (retro != null) {
      history = getRuntimeContext().getState(HISTORY);
      MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
      retroSightings = group.counter(CorrelateMetrics.RETRO_SIGHTINGS_OUT);
      retroOmitted = group.counter(CorrelateMetrics.RETRO_HISTORY_EVENTS_OMITTED);
      retroTooOld = group.counter(CorrelateMetrics.RETRO_HISTORY_EVENTS_TOO_OLD);
      retroCapped = group.counter(CorrelateMetrics.RETRO_RANGE_SIGHTINGS_CAPPED);
    }
  }

  @Override
  public void processElement(ObservableProbe probe, ReadOnlyContext ctx, Collector<Sighting> out)
      throws Exception {
    if (BootstrapGate.holdBack(bootstrapGate, ctx.timerService(), waiting, probe)) {
      return;
    }
    ReadOnlyBroadcastState<String, IndexEntry> ranges = ctx.getBroadcastState(RANGES);
    List<String> ids = rangesOf(ranges, probe.type, probe.value);
    long now = ctx.timerService().currentProcessingTime();
    if (!ids.isEmpty()) {
      match(probe, ids, ranges, now, out);
    }
    if (retro != null) {
      retro.remember(history, probe, now, ctx.timerService(), retroOmitted, retroTooOld);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      if (retro != null) {
        retro.expire(history, now, ctx.timerService());
      }
      return;
    }
    ReadOnlyBroadcastState<String, IndexEntry> ranges = ctx.getBroadcastState(RANGES);
    if (retro != null) {
      String key = ctx.getCurrentKey();
      List<String> ids =
          rangesOf(ranges, ObservableProbe.typeOfKey(key), ObservableProbe.valueOfKey(key));
      for (ObservableProbe probe : waiting.get()) {
        if (!ids.isEmpty()) {
          match(probe, ids, ranges, now, out);
        }
        retro.remember(history, probe, now, ctx.timerService(), retroOmitted, retroTooOld);
      }
      waiting.clear();
      return;
    }
    // Every probe waiting under this key has the key's value, so they all fall in the same
    // ranges: look them up once, and when there are none (most keys) drop the waiting probes
    // without reading them.
    String key = ctx.getCurrentKey();
    List<String> ids =
        rangesOf(ranges, ObservableProbe.typeOfKey(key), ObservableProbe.valueOfKey(key));
    if (!ids.isEmpty()) {
      for (ObservableProbe probe : waiting.get()) {
        match(probe, ids, ranges, now, out);
      }
    }
    waiting.clear();
  }

  @Override
  public void processBroadcastElement(IndicatorChange change, Context ctx, Collector<Sighting> out)
      throws Exception {
    BroadcastState<String, IndexEntry> ranges = ctx.getBroadcastState(RANGES);
    ensureTries(ranges);
    IndexEntry current = ranges.get(change.indicatorId);
    IndexEntry next = IndexEntry.merge(current, change);
    if (next == current) {
      return;
    }
    if (current != null && current.indicator != null) {
      unindex(change.indicatorId, current);
    }
    if (next == null) {
      ranges.remove(change.indicatorId);
    } else {
      ranges.put(change.indicatorId, next);
      if (next.indicator != null) {
        index(change.indicatorId, next);
      }
    }
    if (retro != null && change.kind == ChangeKind.UPSERT && next != null) {
      hunt(change.indicatorId, current, next, ctx, out);
    }
  }

  /** The retro-hunt of a range indicator that {@code next} made live, over this subtask. */
  private void hunt(
      String id, IndexEntry current, IndexEntry next, Context ctx, Collector<Sighting> out)
      throws Exception {
    ExactEntry after = asEntry(id, next);
    long[][] intervals = RetroHunt.newlyCovered(asEntry(id, current), after);
    if (intervals.length == 0) {
      return;
    }
    // A trie of this one range, so that "contains" means exactly what it means for live matching.
    CidrTrie network = new CidrTrie();
    DomainSuffixTrie parent = new DomainSuffixTrie();
    boolean cidr = next.indicator.getMatchKind() == MatchKind.CIDR;
    if (cidr) {
      network.add(IpNetwork.parse(next.indicator.getValue()), id);
    } else {
      parent.add(next.indicator.getValue(), id);
    }
    long now = ctx.currentProcessingTime();
    long[] emitted = {0};
    List<String> hit = new ArrayList<>(1);
    ctx.applyToKeyedState(
        HISTORY,
        (key, state) -> {
          ObservableType type = ObservableProbe.typeOfKey(key);
          if (cidr != (type == ObservableType.IPV4 || type == ObservableType.IPV6)) {
            return;
          }
          hit.clear();
          if (cidr) {
            network.forEachMatch(ObservableProbe.valueOfKey(key), hit::add);
          } else {
            parent.forEachMatch(ObservableProbe.valueOfKey(key), hit::add);
          }
          if (hit.isEmpty()) {
            return;
          }
          retro.hunt(
              key,
              state.value(),
              after,
              intervals,
              now,
              s -> {
                if (emitted[0] < MAX_RANGE_SIGHTINGS) {
                  emitted[0]++;
                  retroSightings.inc();
                  out.collect(s);
                } else {
                  retroCapped.inc();
                }
              });
        });
  }

  /** What the hunt needs of an index entry, as the exact index keeps it; null for none. */
  private static ExactEntry asEntry(String id, IndexEntry e) {
    if (e == null) {
      return null;
    }
    if (e.tombstone || e.indicator == null) {
      return ExactEntry.tombstone(id, e.version);
    }
    return ExactEntry.upsert(id, e.version, e.indicator);
  }

  /** The sightings of {@code probe} among the ranges {@code ids} that contain its value. */
  private void match(
      ObservableProbe probe,
      List<String> ids,
      ReadOnlyBroadcastState<String, IndexEntry> ranges,
      long now,
      Collector<Sighting> out)
      throws Exception {
    List<Indicator> matched = new ArrayList<>(ids.size());
    for (String id : ids) {
      IndexEntry entry = ranges.get(id);
      if (entry != null && entry.matchesAt(probe.eventTime)) {
        matched.add(entry.indicator);
      }
    }
    if (!matched.isEmpty()) {
      Sightings.emit(probe, matched, now, s -> out.collect(sightings.emitted(s)));
    }
  }

  /** Ids of the ranges (networks, parent domains) that contain {@code value}. */
  private List<String> rangesOf(
      ReadOnlyBroadcastState<String, IndexEntry> ranges, ObservableType type, String value)
      throws Exception {
    ensureTries(ranges);
    List<String> ids = new ArrayList<>(2);
    if (type == ObservableType.IPV4 || type == ObservableType.IPV6) {
      networks.forEachMatch(value, ids::add);
    } else if (type == ObservableType.DOMAIN) {
      parents.forEachMatch(value, ids::add);
    }
    return ids;
  }

  private void ensureTries(ReadOnlyBroadcastState<String, IndexEntry> ranges) throws Exception {
    if (networks != null) {
      return;
    }
    networks = new CidrTrie();
    parents = new DomainSuffixTrie();
    for (Map.Entry<String, IndexEntry> e : ranges.immutableEntries()) {
      if (e.getValue().indicator != null) {
        index(e.getKey(), e.getValue());
      }
    }
  }

  private void index(String id, IndexEntry entry) throws InvalidObservableException {
    if (entry.indicator.getMatchKind() == MatchKind.CIDR) {
      networks.add(IpNetwork.parse(entry.indicator.getValue()), id);
    } else {
      parents.add(entry.indicator.getValue(), id);
    }
  }

  private void unindex(String id, IndexEntry entry) throws InvalidObservableException {
    if (entry.indicator.getMatchKind() == MatchKind.CIDR) {
      networks.remove(IpNetwork.parse(entry.indicator.getValue()), id);
    } else {
      parents.remove(entry.indicator.getValue(), id);
    }
  }
}
