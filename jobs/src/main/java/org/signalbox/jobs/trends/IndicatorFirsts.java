package org.signalbox.jobs.trends;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

/**
 * Per indicator id: when it was first published (INDICATORS_PUBLISHED per source) and when it was
 * first seen in telemetry (TIME_TO_FIRST_SIGHTING).
 *
 * <p>The first sighting is not decided on arrival: sightings arrive out of order, so the earliest
 * one is held until the watermark passes it, and only then reported. Publication time is the
 * earliest version of the indicator seen on the indicator stream; without that stream (or when the
 * sighting is the first word of the indicator) the matched version carried by the sighting stands
 * in, which overstates nothing but measures from the last update for indicators that changed.
 *
 * <p>State is kept for {@link TrendsOptions#INDICATOR_RETENTION} after the indicator's last
 * activity, then dropped; an indicator sighted again after that counts as first sighted again. That
 * is the price of not keeping every indicator id forever.
 */
public final class IndicatorFirsts
    extends KeyedCoProcessFunction<String, Sighting, Indicator, TrendFact> {

  private final long retentionMillis;
  private transient ValueState<Long> publishedAt;
  private transient ValueState<FirstSighting> pending;
  private transient ValueState<Boolean> sighted;
  private transient ValueState<Long> cleanupAt;

  public IndicatorFirsts(Duration retention) {
    this.retentionMillis = retention.toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    publishedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("published", Types.LONG));
    pending =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "pending-first-sighting", TypeInformation.of(FirstSighting.class)));
    sighted = getRuntimeContext().getState(new ValueStateDescriptor<>("sighted", Types.BOOLEAN));
    cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup", Types.LONG));
  }

  @Override
  public void processElement1(Sighting s, Context ctx, Collector<TrendFact> out) throws Exception {
    // A retro sighting (issue 17) stands for the member's events from firstSeen to lastSeen (its
    // eventTime): the first sighting is its firstSeen.
    long t =
        s.getFirstSeen() != null
            ? s.getFirstSeen().toEpochMilli()
            : s.getEventTime().toEpochMilli();
    keepUntil(t, ctx);
    if (Boolean.TRUE.equals(sighted.value())) {
      return;
    }
    FirstSighting first = pending.value();
    if (first != null && first.eventTime <= t) {
      return;
    }
    if (first != null) {
      ctx.timerService().deleteEventTimeTimer(first.eventTime);
    }
    FirstSighting earlier = new FirstSighting();
    earlier.eventTime = t;
    earlier.indicatorVersion = s.getIndicatorVersion().toEpochMilli();
    earlier.sector = s.getSector();
    earlier.member = s.getMember();
    earlier.tlp = s.getTlp();
    pending.update(earlier);
    ctx.timerService().registerEventTimeTimer(t);
  }

  @Override
  public void processElement2(Indicator i, Context ctx, Collector<TrendFact> out) throws Exception {
    long version = i.getVersion().toEpochMilli();
    keepUntil(version, ctx);
    Long known = publishedAt.value();
    if (known == null) {
      // The first version we hear of is the publication; later versions are updates.
      for (TrendPeriod p : TrendWindows.PERIODS) {
        out.collect(
            TrendFact.of(
                p,
                version,
                null,
                TrendMetric.INDICATORS_PUBLISHED,
                i.getSource(),
                null,
                1,
                i.getTlp()));
      }
    }
    publishedAt.update(known == null ? version : Math.min(known, version));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrendFact> out)
      throws Exception {
    FirstSighting first = pending.value();
    if (first != null && first.eventTime == timestamp) {
      Long published = publishedAt.value();
      long from =
          published == null ? first.indicatorVersion : Math.min(published, first.indicatorVersion);
      // Signed: telemetry older than the indicator (a retro-hunt) gives a negative time, how long
      // the attack went unseen before the indicator was published. Clamping it to 0 would hide
      // exactly the figure the secretariat needs most.
      long latency = first.eventTime - from;
      for (TrendPeriod p : TrendWindows.PERIODS) {
        for (Sector scope : new Sector[] {first.sector, null}) {
          TrendFact f =
              TrendFact.of(
                  p,
                  first.eventTime,
                  scope,
                  TrendMetric.TIME_TO_FIRST_SIGHTING,
                  "",
                  first.member,
                  1,
                  first.tlp);
          f.latencyMillis = latency;
          out.collect(f);
        }
      }
      pending.clear();
      sighted.update(true);
    }
    Long cleanup = cleanupAt.value();
    if (cleanup != null && cleanup == timestamp) {
      publishedAt.clear();
      pending.clear();
      sighted.clear();
      cleanupAt.clear();
    }
  }

  private void keepUntil(long activity, Context ctx) throws Exception {
    long until = activity + retentionMillis;
    Long current = cleanupAt.value();
    if (current != null && current >= until) {
      return;
    }
    if (current != null) {
      ctx.timerService().deleteEventTimeTimer(current);
    }
    cleanupAt.update(until);
    ctx.timerService().registerEventTimeTimer(until);
  }
}
