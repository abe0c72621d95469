package org.signalbox.jobs.trends;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendRecord;

/**
 * The trends pipeline, shared by the streaming job and the report's batch run.
 *
 * <pre>
 * sightings  --flatMap--> facts (sightings, participation, load) ---------+
 *     +--keyBy(indicator id)--+                                          |
 * indicators --keyBy(id)------+--> first publication / sighting ---------+
 *     +--flatMap--> members' indicator contributions --------------------+
 *     +--origin---+                                                      +--keyBy(figure)--> window --> trend records
 * sightings --origin--+--keyBy(indicator id)--+                          |                      \--> late facts
 * feedback ---keyBy(indicator id)-------------+--> verdicts by source ---+
 *     +--flatMap--> members' verdict contributions ----------------------+
 * campaign alerts --flatMap--> campaign facts ---------------------------+
 * </pre>
 *
 * Timestamps and watermarks are assigned here, from the sighting's event time and the indicator's
 * version, so callers only supply the records.
 */
public final class TrendsPipeline {
  private TrendsPipeline() {}

  /** What the pipeline produces. */
  public record Outputs(DataStream<TrendRecord> trends, DataStream<TrendFact> late) {}

  /**
   * @param sightings the correlate job's sightings
   * @param indicators indicator records for publication times and sources; may be null, then
   *     publication counts are absent and time-to-first-sighting measures from the matched version
   * @param conf {@link TrendsOptions}
   */
  public static Outputs build(
      DataStream<Sighting> sightings, DataStream<Indicator> indicators, ReadableConfig conf) {
    return build(sightings, indicators, null, conf);
  }

  /**
   * @param campaigns campaign alert revisions from the campaigns topic (raw member ids); may be
   *     null, then there are no campaign figures
   */
  public static Outputs build(
      DataStream<Sighting> sightings,
      DataStream<Indicator> indicators,
      DataStream<CampaignAlert> campaigns,
      ReadableConfig conf) {
    return build(sightings, indicators, campaigns, null, null, conf);
  }

  /**
   * @param feedback members' verdicts (member taken from the topic that proves it); may be null,
   *     then there are no feedback figures
   * @param directory the member directory; may be null, then no indicator contributions by members,
   *     no consumer-only figures and no load against capacity
   */
  public static Outputs build(
      DataStream<Sighting> sightings,
      DataStream<Indicator> indicators,
      DataStream<CampaignAlert> campaigns,
      DataStream<Feedback> feedback,
      MemberDirectory directory,
      ReadableConfig conf) {
    Duration disorder = conf.get(TrendsOptions.OUT_OF_ORDERNESS);
    DataStream<Sighting> timedSightings =
        sightings
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<Sighting>forBoundedOutOfOrderness(disorder)
                    .withTimestampAssigner((s, ts) -> s.getEventTime().toEpochMilli())
                    .withIdleness(Duration.ofMinutes(1)))
            .name("sighting times")
            .uid("trends-sighting-times");
    if (indicators == null) {
      // An empty bounded input ends at once, so it never holds the watermark back.
      indicators =
          NoRecords.of(sightings.getExecutionEnvironment(), Indicator.class, "no indicators");
    }
    DataStream<Indicator> timedIndicators =
        indicators
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<Indicator>forBoundedOutOfOrderness(disorder)
                    .withTimestampAssigner((i, ts) -> i.getVersion().toEpochMilli())
                    .withIdleness(Duration.ofMinutes(1)))
            .name("indicator times")
            .uid("trends-indicator-times");

    DataStream<TrendFact> sightingFacts =
        timedSightings
            .flatMap(new SightingFacts(directory))
            .name("sighting facts")
            .uid("sighting-facts");

    DataStream<TrendFact> indicatorFacts =
        timedSightings
            .keyBy(s -> s.getIndicatorId(), Types.STRING)
            .connect(timedIndicators.keyBy(i -> i.getId(), Types.STRING))
            .process(new IndicatorFirsts(conf.get(TrendsOptions.INDICATOR_RETENTION)))
            .name("first publication and sighting")
            .uid("indicator-firsts");

    DataStream<TrendFact> facts = sightingFacts.union(indicatorFacts);
    if (campaigns != null) {
      facts =
          facts.union(
              campaigns
                  .assignTimestampsAndWatermarks(
                      WatermarkStrategy.<CampaignAlert>forBoundedOutOfOrderness(disorder)
                          .withTimestampAssigner((a, ts) -> a.getLastSeen().toEpochMilli())
                          .withIdleness(Duration.ofMinutes(1)))
                  .name("campaign alert times")
                  .uid("trends-campaign-times")
                  .flatMap(new CampaignFacts())
                  .name("campaign facts")
                  .uid("campaign-facts"));
    }
    if (directory != null) {
      facts =
          facts.union(
              timedIndicators
                  .flatMap(new IndicatorContributions(directory))
                  .name("indicator contributions")
                  .uid("indicator-contributions"));
    }
    if (feedback != null) {
      DataStream<Feedback> timedFeedback =
          feedback
              .assignTimestampsAndWatermarks(
                  WatermarkStrategy.<Feedback>forBoundedOutOfOrderness(disorder)
                      .withTimestampAssigner((f, ts) -> f.getReportedAt().toEpochMilli())
                      .withIdleness(Duration.ofMinutes(1)))
              .name("verdict times")
              .uid("trends-feedback-times");
      DataStream<IndicatorOrigin> origins =
          timedIndicators
              .map(IndicatorOrigin::of, TypeInformation.of(IndicatorOrigin.class))
              .name("indicator sources")
              .uid("indicator-origins")
              .union(
                  timedSightings
                      .map(IndicatorOrigin::of, TypeInformation.of(IndicatorOrigin.class))
                      .name("sighted indicator sources")
                      .uid("sighting-origins"));
      facts =
          facts.union(
              timedFeedback
                  .keyBy(f -> f.getIndicatorId(), Types.STRING)
                  .connect(origins.keyBy(o -> o.indicatorId, Types.STRING))
                  .process(new VerdictsBySource(conf.get(TrendsOptions.INDICATOR_RETENTION)))
                  .name("verdicts by source")
                  .uid("verdicts-by-source"),
              timedFeedback
                  .flatMap(new VerdictContributions(directory))
                  .name("verdict contributions")
                  .uid("verdict-contributions"));
    }
    SingleOutputStreamOperator<TrendRecord> trends =
        facts
            .keyBy(TrendFact::figureKey, Types.STRING)
            .process(new TrendWindow(conf.get(TrendsOptions.MIN_MEMBERS), directory))
            .name("trend windows")
            .uid("trend-windows");

    return new Outputs(trends, trends.getSideOutput(TrendWindow.LATE));
  }
}
