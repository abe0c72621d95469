package org.signalbox.jobs.trends;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.TrendsMetrics;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendRecord;
import org.signalbox.schema.support.Tlps;

/**
 * One figure (keyed by {@link TrendFact#figureKey()}: window, sector, metric, dimension): adds up
 * its facts until the watermark passes the window's end, then publishes one {@link TrendRecord} and
 * forgets the window.
 *
 * <p>A figure with fewer than k distinct members behind it is published with {@code suppressed} set
 * and no numbers: a reader sees that something was there without learning who. Indicator
 * publication (about sources, not members) and member volume (which names the member on purpose,
 * for the secretariat) are not suppressed.
 *
 * <p>A fact for a window that has already been published is late: adding it would publish a second,
 * contradicting figure, so it goes to {@link #LATE} and is counted instead.
 */
public final class TrendWindow extends KeyedProcessFunction<String, TrendFact, TrendRecord> {

  public static final OutputTag<TrendFact> LATE =
      new OutputTag<>("late-trend-facts", TypeInformation.of(TrendFact.class));

  private final int minMembers;
  private transient ValueState<TrendFact> total;
  private transient MapState<String, Boolean> members;
  private transient ListState<Long> latencies;
  private transient Counter late;
  private transient Counter suppressedFigures;
  private transient Counter figuresOut;

  public TrendWindow(int minMembers) {
    if (minMembers < 1) {
      throw new IllegalArgumentException("trends.min-members must be at least 1: " + minMembers);
    }
    this.minMembers = minMembers;
  }

  @Override
  public void open(OpenContext ctx) {
    total =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("total", TypeInformation.of(TrendFact.class)));
    members =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("members", Types.STRING, Types.BOOLEAN));
    latencies =
        getRuntimeContext().getListState(new ListStateDescriptor<>("latencies", Types.LONG));
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    late = group.counter(TrendsMetrics.TREND_FACTS_LATE);
    suppressedFigures = group.counter(TrendsMetrics.TREND_FIGURES_SUPPRESSED);
    figuresOut = group.counter(TrendsMetrics.TREND_FIGURES_OUT);
  }

  @Override
  public void processElement(TrendFact f, Context ctx, Collector<TrendRecord> out)
      throws Exception {
    if (f.windowEnd - 1 <= ctx.timerService().currentWatermark()) {
      late.inc();
      ctx.output(LATE, f);
      return;
    }
    TrendFact sum = total.value();
    if (sum == null) {
      sum = new TrendFact();
      sum.period = f.period;
      sum.windowStart = f.windowStart;
      sum.windowEnd = f.windowEnd;
      sum.sector = f.sector;
      sum.metric = f.metric;
      sum.dimension = f.dimension;
      sum.tlp = f.tlp;
      ctx.timerService().registerEventTimeTimer(f.windowEnd - 1);
    } else {
      sum.tlp = Tlps.mostRestrictive(sum.tlp, f.tlp);
    }
    sum.count += f.count;
    total.update(sum);
    if (f.member != null) {
      members.put(f.member, Boolean.TRUE);
    }
    if (f.latencyMillis >= 0) {
      latencies.add(f.latencyMillis);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrendRecord> out)
      throws Exception {
    TrendFact sum = total.value();
    if (sum == null) {
      return;
    }
    int distinct = 0;
    for (String ignored : members.keys()) {
      distinct++;
    }
    List<Long> times = new ArrayList<>();
    latencies.get().forEach(times::add);
    boolean memberBased =
        sum.metric != TrendMetric.INDICATORS_PUBLISHED && sum.metric != TrendMetric.MEMBER_VOLUME;
    boolean suppress = memberBased && distinct < minMembers;

    TrendRecord.Builder r =
        TrendRecord.newBuilder()
            .setPeriod(sum.period)
            .setWindowStart(Instant.ofEpochMilli(sum.windowStart))
            .setWindowEnd(Instant.ofEpochMilli(sum.windowEnd))
            .setSector(sum.sector)
            .setMetric(sum.metric)
            .setDimension(sum.dimension)
            .setSuppressed(suppress)
            .setMinMembers(minMembers)
            .setTlp(sum.tlp);
    if (suppress) {
      suppressedFigures.inc();
    } else {
      r.setMembers(sum.metric == TrendMetric.INDICATORS_PUBLISHED ? null : distinct);
      switch (sum.metric) {
        case PARTICIPATION -> r.setValue((long) distinct);
        case TIME_TO_FIRST_SIGHTING -> {
          Collections.sort(times);
          r.setValue((long) times.size());
          r.setMedianMillis(nearestRank(times, 0.5));
          r.setP90Millis(nearestRank(times, 0.9));
        }
        default -> r.setValue(sum.count);
      }
    }
    out.collect(r.build());
    figuresOut.inc();
    total.clear();
    members.clear();
    latencies.clear();
  }

  /** Nearest-rank percentile of sorted values: always one of the observed values. */
  static Long nearestRank(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return null;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
