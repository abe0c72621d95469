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
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.correlate.index.CidrTrie;
import org.signalbox.jobs.correlate.index.DomainSuffixTrie;
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
 */
public final class RangeIndicatorMatcher
    extends KeyedBroadcastProcessFunction<String, ObservableProbe, IndicatorChange, Sighting> {
  private static final long serialVersionUID = 1L;

  public static final MapStateDescriptor<String, IndexEntry> RANGES =
      new MapStateDescriptor<>("range-index", String.class, IndexEntry.class);

  private final boolean bootstrapGate;
  private transient ListState<ObservableProbe> waiting;
  private transient MatchMeter sightings;

  // Derived from RANGES; rebuilt after a restore, when this task first touches the index.
  private transient CidrTrie networks;
  private transient DomainSuffixTrie parents;

  public RangeIndicatorMatcher(boolean bootstrapGate) {
    this.bootstrapGate = bootstrapGate;
  }

  @Override
  public void open(OpenContext openContext) {
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("range-waiting", ObservableProbe.class));
    sightings = MatchMeter.register(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(ObservableProbe probe, ReadOnlyContext ctx, Collector<Sighting> out)
      throws Exception {
    if (BootstrapGate.holdBack(bootstrapGate, ctx.timerService(), waiting, probe)) {
      return;
    }
    ReadOnlyBroadcastState<String, IndexEntry> ranges = ctx.getBroadcastState(RANGES);
    List<String> ids = rangesOf(ranges, probe.type, probe.value);
    if (!ids.isEmpty()) {
      match(probe, ids, ranges, ctx.timerService().currentProcessingTime(), out);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Sighting> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    ReadOnlyBroadcastState<String, IndexEntry> ranges = ctx.getBroadcastState(RANGES);
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
