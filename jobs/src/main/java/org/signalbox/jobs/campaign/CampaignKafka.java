package org.signalbox.jobs.campaign;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.common.KafkaSinks;
import org.signalbox.jobs.common.KafkaSources;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.feedback.FeedbackDecoder;
import org.signalbox.jobs.feedback.FeedbackOptions;
import org.signalbox.jobs.feedback.ReceivedFeedback;
import org.signalbox.jobs.sharing.DigestBuilder;
import org.signalbox.jobs.sharing.FeedTopicProvisioner;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.RoutedRecord;
import org.signalbox.jobs.sharing.RoutedRecordSerializer;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.DigestPeriod;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/**
 * Campaign detection as a job of its own on Kafka: sightings and members' feedback in, checked
 * against the member directory ({@code sharing.members}); indicator scores (topic
 * indicator-scores), alerts (raw, secretariat only), the shared feeds (alert copies and sighting
 * copies through one sink), the alerts' hourly/daily digests and dead letters out. Feed topics are
 * created by {@link FeedTopicProvisioner} when their first record is routed.
 */
public final class CampaignKafka {
  private CampaignKafka() {}

  /**
   * @throws IllegalArgumentException when {@code sharing.members} or {@code sharing.pseudonym-key}
   *     is missing or invalid: the job is refused when it is built, not at its first record
   */
  public static void attach(StreamExecutionEnvironment env, ReadableConfig conf, boolean bounded) {
    MemberDirectory directory = CampaignPipeline.members(conf);
    KafkaClientConfig client = KafkaOptions.client(conf);
    KafkaSinks sinks =
        KafkaSinks.forJob(
            env,
            conf,
            CampaignOptions.SINKS,
            client,
            conf.get(CampaignOptions.GROUP_ID),
            conf.get(CorrelateOptions.CHECKPOINT_INTERVAL),
            bounded);
    // read_committed (KafkaSources): correlate writes sightings in transactions; an aborted one's
    // sightings must never count towards a campaign.
    KafkaSourceBuilder<RawRecord> source =
        KafkaSources.raw(client)
            .setTopics(conf.get(CorrelateOptions.SIGHTINGS_TOPIC))
            .setGroupId(conf.get(CampaignOptions.GROUP_ID))
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setProperty("client.id.prefix", "signalbox-campaigns");
    if (bounded) {
      source.setBounded(OffsetsInitializer.latest());
    }
    SingleOutputStreamOperator<Sighting> sightings =
        env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "sightings")
            .uid("campaign-sightings-source")
            .process(
                new SightingDecoder(directory, conf.get(CorrelateOptions.MAX_FUTURE_SKEW)),
                TypeInformation.of(Sighting.class))
            .name("decode sightings")
            .uid("campaign-decode-sightings");

    KafkaSourceBuilder<RawRecord> feedbackSource =
        KafkaSources.raw(client)
            .setTopicPattern(Pattern.compile(conf.get(FeedbackOptions.FEEDBACK_TOPICS)))
            .setGroupId(conf.get(CampaignOptions.GROUP_ID))
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setProperty("client.id.prefix", "signalbox-campaign-feedback");
    if (bounded) {
      feedbackSource.setBounded(OffsetsInitializer.latest());
    }
    SingleOutputStreamOperator<ReceivedFeedback> feedback =
        env.fromSource(feedbackSource.build(), WatermarkStrategy.noWatermarks(), "feedback")
            .uid("campaign-feedback-source")
            .process(
                new FeedbackDecoder(directory, conf.get(CorrelateOptions.MAX_FUTURE_SKEW)),
                TypeInformation.of(ReceivedFeedback.class))
            .name("decode feedback")
            .uid("campaign-decode-feedback");

    CampaignPipeline.Scored scored = CampaignPipeline.build(sightings, feedback, conf);
    SingleOutputStreamOperator<CampaignAlert> alerts = scored.alerts();
    scored
        .scores()
        .sinkTo(
            sinks.avro(
                "indicator-scores",
                conf.get(FeedbackOptions.SCORES_TOPIC),
                AvroCodec::indicatorScore,
                IndicatorScore::getIndicatorId,
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC)))
        .name("indicator scores")
        .uid("indicator-scores-sink");
    alerts
        .sinkTo(
            sinks.avro(
                "campaign-alerts",
                conf.get(CampaignOptions.ALERTS_TOPIC),
                AvroCodec::campaignAlert,
                CampaignAlert::getAlertId,
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC)))
        .name("campaign alerts")
        .uid("campaign-alerts-sink");
    DataStream<RoutedRecord> feeds = CampaignPipeline.share(alerts, directory, conf);
    List<DigestPeriod> periods =
        DigestBuilder.parsePeriods(conf.get(CampaignOptions.DIGEST_PERIODS));
    if (!periods.isEmpty()) {
      // Digest topics go through the same provisioner and sink as the real-time feeds.
      feeds =
          feeds.union(
              feeds
                  .keyBy(r -> r.audience, Types.STRING)
                  .process(
                      new DigestBuilder(
                          periods, conf.getOptional(CampaignOptions.DIGEST_WINDOW).orElse(null)),
                      TypeInformation.of(RoutedRecord.class))
                  .name("alert digests")
                  .uid("alert-digest-builder"));
    }
    // Sighting copies join after the digests, which summarise alerts only, and leave through the
    // same provisioner and sink as the alert copies.
    feeds = feeds.union(CampaignPipeline.shareSightings(sightings, directory, conf));
    feeds
        .map(new FeedTopicProvisioner(client, 1))
        .name("feed topics")
        .uid("feed-topic-provisioner")
        .sinkTo(
            sinks.sink(
                "feeds", new RoutedRecordSerializer(conf.get(CorrelateOptions.DEAD_LETTER_TOPIC))))
        .name("feeds")
        .uid("campaign-feeds-sink");
    DeadLetters.counted(
            sightings
                .getSideOutput(DeadLetters.TAG)
                .union(
                    feedback.getSideOutput(DeadLetters.TAG),
                    scored.scores().getSideOutput(DeadLetters.TAG)),
            "campaign-count-dead-letters")
        .sinkTo(
            sinks.avro(
                "dead-letters",
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC),
                AvroCodec::deadLetter,
                DeadLetter::getOriginTopic,
                null))
        .name("campaign dead letters")
        .uid("campaign-dead-letter-sink");
  }
}
