package org.signalbox.jobs.trends;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.signalbox.core.Tlps;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.TrendsMetrics;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendRecord;

/**
 * One figure (keyed by {@link TrendFact#figureKey()}: window, sector, metric, dimension): adds up
 * its facts until the watermark passes the window's end, then publishes one {@link TrendRecord} and
 * forgets the window.
 *
 * <p>A figure with fewer than k distinct members behind it is published with {@code suppressed} set
 * and no numbers: a reader sees that something was there without learning who. Indicator
 * publication (about sources, not members) and the per-member figures (which name the member on
 * purpose, for the secretariat: volume, load, contributions) are not suppressed.
 *
 * <p>With a member directory, closing the all-sector "contributors" participation figure also
 * publishes the consumer-only figures (members of the directory that contributed nothing), for all
 * sectors and for each sector of the directory. Consumer-only is the directory's size minus the
 * contributors in it, so it is suppressed whenever those contributors are fewer than k: published
 * beside the directory's size, it would give the suppressed count away.
 *
 * <p>A fact for a window that has already been published is late: adding it would publish a second,
 * contradicting figure, so it goes to {@link #LATE} and is counted instead.
 */
public final class TrendWindow extends KeyedProcessFunction<String, TrendFact, TrendRecord> {

  public static final OutputTag<TrendFact> LATE =
      new OutputTag<>("late-trend-facts", TypeInformation.of(TrendFact.class));

  private final int minMembers;

  /** May be null: then no consumer-only figures and no capacities. */
  private final MemberDirectory directory;

  private transient ValueState<TrendFact> total;
  private transient MapState<String, Boolean> members;

  /** MEMBERS_OVER_CAPACITY only: records per member in the window. */
  private transient MapState<String, Long> memberRecords;

  private transient ListState<Long> latencies;
  private transient Counter late;
  private transient Counter suppressedFigures;
  private transient Counter figuresOut;

  public TrendWindow(int minMembers) {
    this(minMembers, null);
  }

  public TrendWindow(int minMembers, MemberDirectory directory) {
    if (minMembers < 1) {
      throw new IllegalArgumentException("trends.min-members must be at least 1: " + minMembers);
    }
    this.minMembers = minMembers;
    this.directory = directory;
  }

  @Override
  public void open(OpenContext ctx) {
    total =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("total", TypeInformation.of(TrendFact.class)));
    members =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("members", Types.STRING, Types.BOOLEAN));
    memberRecords =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("member-records", Types.STRING, Types.LONG));
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
    sum.falsePositives += f.falsePositives;
    sum.truePositives += f.truePositives;
    total.update(sum);
    if (f.metric == TrendMetric.MEMBERS_OVER_CAPACITY) {
      Long seen = memberRecords.get(f.member);
      memberRecords.put(f.member, (seen == null ? 0 : seen) + f.count);
    } else if (f.member != null) {
      members.put(f.member, Boolean.TRUE);
    }
    if (f.latencyMillis != TrendFact.NO_LATENCY) {
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
    List<String> distinctMembers = new ArrayList<>();
    members.keys().forEach(distinctMembers::add);
    int distinct = distinctMembers.size();
    long overCapacity = 0;
    if (sum.metric == TrendMetric.MEMBERS_OVER_CAPACITY) {
      // The members compared are those with a declared capacity and sightings that day.
      distinct = 0;
      for (var e : memberRecords.entries()) {
        distinct++;
        if (e.getValue() > capacity(e.getKey())) {
          overCapacity++;
        }
      }
    }
    List<Long> times = new ArrayList<>();
    latencies.get().forEach(times::add);
    boolean memberBased =
        switch (sum.metric) {
          case INDICATORS_PUBLISHED, MEMBER_VOLUME, MEMBER_CONTRIBUTIONS, MEMBER_LOAD -> false;
          default -> true;
        };
    boolean suppress = memberBased && distinct < minMembers;

    TrendRecord.Builder r = header(sum, sum.sector, sum.dimension, suppress);
    if (!suppress) {
      r.setMembers(sum.metric == TrendMetric.INDICATORS_PUBLISHED ? null : distinct);
      switch (sum.metric) {
        case PARTICIPATION -> r.setValue((long) distinct);
        case TIME_TO_FIRST_SIGHTING -> {
          Collections.sort(times);
          r.setValue((long) times.size());
          r.setMedianMillis(nearestRank(times, 0.5));
          r.setP90Millis(nearestRank(times, 0.9));
        }
        case FEEDBACK_BY_SOURCE, FEEDBACK_UNKNOWN_INDICATOR -> {
          r.setValue(sum.count);
          r.setFalsePositives(sum.falsePositives);
          r.setTruePositives(sum.truePositives);
          long votes = sum.falsePositives + sum.truePositives;
          r.setRatio(votes == 0 ? null : (double) sum.falsePositives / votes);
        }
        case MEMBER_LOAD -> {
          r.setValue(sum.count);
          long capacity = capacity(sum.dimension);
          if (capacity < Long.MAX_VALUE) {
            r.setCapacity(capacity);
            r.setRatio((double) sum.count / capacity);
          }
        }
        case MEMBERS_OVER_CAPACITY -> r.setValue(overCapacity);
        default -> r.setValue(sum.count);
      }
    }
    publish(r, out);
    if (directory != null
        && sum.metric == TrendMetric.PARTICIPATION
        && sum.sector == null
        && Contributions.CONTRIBUTORS.equals(sum.dimension)) {
      consumerOnly(sum, distinctMembers, out);
    }
    total.clear();
    members.clear();
    memberRecords.clear();
    latencies.clear();
  }

  private TrendRecord.Builder header(
      TrendFact sum, Sector sector, String dimension, boolean suppress) {
    return TrendRecord.newBuilder()
        .setPeriod(sum.period)
        .setWindowStart(Instant.ofEpochMilli(sum.windowStart))
        .setWindowEnd(Instant.ofEpochMilli(sum.windowEnd))
        .setSector(sector)
        .setMetric(sum.metric)
        .setDimension(dimension)
        .setSuppressed(suppress)
        .setMinMembers(minMembers)
        .setTlp(sum.tlp);
  }

  private void publish(TrendRecord.Builder r, Collector<TrendRecord> out) {
    if (r.getSuppressed()) {
      suppressedFigures.inc();
    }
    out.collect(r.build());
    figuresOut.inc();
  }

  /** Daily capacity of a member; Long.MAX_VALUE when none is declared (never over capacity). */
  private long capacity(String member) {
    if (directory == null) {
      return Long.MAX_VALUE;
    }
    return directory
        .member(member)
        .map(MemberDirectory.Member::dailyCapacity)
        .filter(c -> c > 0)
        .orElse(Long.MAX_VALUE);
  }

  /**
   * Members of the directory without a contribution in the window, for all sectors and per sector
   * of the directory (a sector where nobody contributed included: it is all consumers).
   */
  private void consumerOnly(TrendFact sum, List<String> contributors, Collector<TrendRecord> out) {
    Set<String> contributed = new HashSet<>(contributors);
    Map<Sector, int[]> bySector = new EnumMap<>(Sector.class);
    int listed = 0;
    int contributing = 0;
    for (MemberDirectory.Member m : directory.members()) {
      int[] c = bySector.computeIfAbsent(m.sector(), x -> new int[2]);
      c[0]++;
      listed++;
      if (contributed.contains(m.id())) {
        c[1]++;
        contributing++;
      }
    }
    publishConsumerOnly(sum, null, listed, contributing, out);
    for (var e : bySector.entrySet()) {
      publishConsumerOnly(sum, e.getKey(), e.getValue()[0], e.getValue()[1], out);
    }
  }

  private void publishConsumerOnly(
      TrendFact sum, Sector sector, int listed, int contributing, Collector<TrendRecord> out) {
    boolean suppress = contributing < minMembers;
    TrendRecord.Builder r = header(sum, sector, Contributions.CONSUMER_ONLY, suppress);
    if (!suppress) {
      r.setValue((long) (listed - contributing)).setMembers(listed);
    }
    publish(r, out);
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
