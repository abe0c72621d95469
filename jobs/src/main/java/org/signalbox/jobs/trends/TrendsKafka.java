package org.signalbox.jobs.trends;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.signalbox.connectors.kafka.AvroKafkaSinks;
import org.signalbox.connectors.kafka.RawRecord;
import org.signalbox.connectors.kafka.RawRecordDeserializer;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.feedback.FeedbackOptions;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendRecord;
import org.signalbox.schema.support.AvroCodec;

/**
 * Plugs the trends pipeline into Kafka: sightings, indicators, campaign alerts and members'
 * verdicts ({@code feedback.<member>}) in, trend records out. The member directory ({@code
 * sharing.members}) is read here, when the job is built, and travels with the job.
 */
public final class TrendsKafka {
  private TrendsKafka() {}

  /**
   * @param bounded read each topic up to its end offsets at start-up, then finish (all windows
   *     close at the end of input)
   */
  public static void attach(StreamExecutionEnvironment env, ReadableConfig conf, boolean bounded) {
    String bootstrap = conf.get(CorrelateOptions.BOOTSTRAP_SERVERS);
    KafkaSourceBuilder<RawRecord> sightings =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(conf.get(TrendsOptions.SIGHTINGS_TOPIC))
            .setGroupId(conf.get(TrendsOptions.GROUP_ID))
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("client.id.prefix", "signalbox-trends-sightings");
    // Publication times come from the whole indicator history, so this is always read from the
    // start; it is compacted, so that is the newest version of each id plus recent updates.
    KafkaSourceBuilder<RawRecord> indicators =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(conf.get(TrendsOptions.INDICATORS_TOPIC))
            .setGroupId(conf.get(TrendsOptions.GROUP_ID) + "-indicators")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("commit.offsets.on.checkpoint", "false")
            .setProperty("client.id.prefix", "signalbox-trends-indicators");
    KafkaSourceBuilder<RawRecord> campaigns =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(conf.get(TrendsOptions.CAMPAIGNS_TOPIC))
            .setGroupId(conf.get(TrendsOptions.GROUP_ID) + "-campaigns")
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("client.id.prefix", "signalbox-trends-campaigns");
    KafkaSourceBuilder<RawRecord> feedback =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopicPattern(Pattern.compile(conf.get(FeedbackOptions.FEEDBACK_TOPICS)))
            .setGroupId(conf.get(TrendsOptions.GROUP_ID) + "-feedback")
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("client.id.prefix", "signalbox-trends-feedback");
    if (bounded) {
      sightings.setBounded(OffsetsInitializer.latest());
      indicators.setBounded(OffsetsInitializer.latest());
      campaigns.setBounded(OffsetsInitializer.latest());
      feedback.setBounded(OffsetsInitializer.latest());
    } else {
      // Members join over time: look for new feedback.<member> topics every five minutes.
      feedback.setProperty("partition.discovery.interval.ms", "300000");
    }
    SingleOutputStreamOperator<Sighting> decodedSightings =
        env.fromSource(sightings.build(), WatermarkStrategy.noWatermarks(), "sightings")
            .uid("trends-sightings-source")
            .process(new AvroDecoder<>(AvroCodec::sighting, Sighting.class, "trends-decode"))
            .name("decode sightings")
            .uid("trends-decode-sightings");
    SingleOutputStreamOperator<Indicator> decodedIndicators =
        env.fromSource(indicators.build(), WatermarkStrategy.noWatermarks(), "indicators")
            .uid("trends-indicators-source")
            // A tombstone (deleted id) has no value: it is not an indicator, and not an error.
            .filter(r -> r.value != null)
            .name("skip tombstones")
            .uid("trends-skip-tombstones")
            .process(new AvroDecoder<>(AvroCodec::indicator, Indicator.class, "trends-decode"))
            .name("decode indicators")
            .uid("trends-decode-indicators");

    SingleOutputStreamOperator<CampaignAlert> decodedCampaigns =
        env.fromSource(campaigns.build(), WatermarkStrategy.noWatermarks(), "campaign alerts")
            .uid("trends-campaigns-source")
            .process(
                new AvroDecoder<>(AvroCodec::campaignAlert, CampaignAlert.class, "trends-decode"))
            .name("decode campaign alerts")
            .uid("trends-decode-campaigns");

    SingleOutputStreamOperator<Feedback> decodedFeedback =
        env.fromSource(feedback.build(), WatermarkStrategy.noWatermarks(), "feedback")
            .uid("trends-feedback-source")
            .process(new VerdictDecoder())
            .name("decode verdicts")
            .uid("trends-decode-feedback");

    TrendsPipeline.Outputs out =
        TrendsPipeline.build(
            decodedSightings,
            decodedIndicators,
            decodedCampaigns,
            decodedFeedback,
            directory(conf),
            conf);

    out.trends()
        .sinkTo(
            AvroKafkaSinks.of(
                bootstrap,
                conf.get(TrendsOptions.TRENDS_TOPIC),
                AvroCodec::trendRecord,
                TrendsKafka::keyOf,
                conf.get(TrendsOptions.DEAD_LETTER_TOPIC)))
        .name("trends")
        .uid("trends-sink");
    DeadLetters.counted(
            decodedSightings
                .getSideOutput(DeadLetters.TAG)
                .union(
                    decodedIndicators.getSideOutput(DeadLetters.TAG),
                    decodedCampaigns.getSideOutput(DeadLetters.TAG),
                    decodedFeedback.getSideOutput(DeadLetters.TAG)),
            "trends-count-dead-letters")
        .sinkTo(
            AvroKafkaSinks.of(
                bootstrap,
                conf.get(TrendsOptions.DEAD_LETTER_TOPIC),
                AvroCodec::deadLetter,
                DeadLetter::getOriginTopic))
        .name("dead letters")
        .uid("trends-dead-letter-sink");
  }

  /**
   * The directory named by {@code sharing.members}, or null when none is configured.
   *
   * @throws IllegalArgumentException when the file is not a valid directory (with the place of the
   *     fault)
   */
  public static MemberDirectory directory(ReadableConfig conf) {
    String file = conf.getOptional(TrendsOptions.MEMBERS).orElse(null);
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      return MemberDirectory.load(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the member directory " + file, e);
    }
  }

  /** One series (sector, metric, dimension) per key, so its windows stay in order. */
  static String keyOf(TrendRecord r) {
    return r.getPeriod()
        + "|"
        + (r.getSector() == null ? "*" : r.getSector().name())
        + "|"
        + r.getMetric()
        + "|"
        + r.getDimension();
  }
}
