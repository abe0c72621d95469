package org.signalbox.jobs.trends;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.common.KafkaSinks;
import org.signalbox.jobs.common.KafkaSources;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.feedback.FeedbackOptions;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendRecord;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.RequiredTopics;

/**
 * Plugs the trends pipeline into Kafka: sightings, indicators, campaign alerts and members'
 * verdicts ({@code feedback.<member>}) in, trend records out. The member directory ({@code
 * sharing.members}) is read here, when the job is built, and travels with the job.
 */
public final class TrendsKafka {
  private TrendsKafka() {}

  /** Accumulator names of a bounded run's counts: records read per topic, trend records out. */
  public static final String READ_PREFIX = "trends-read:";

  public static final String WRITTEN = "trends-written";

  /**
   * What a job built by {@link #attach} reads: the topics of each input, in the order sightings,
   * indicators, campaign alerts, feedback. In a bounded run the feedback pattern is resolved to the
   * topics that exist when the job is built (possibly none); unbounded it is the pattern itself.
   */
  public record Inputs(
      Map<String, List<String>> topicsBySource, String feedbackPattern, boolean bounded) {
    /** Every topic read, in order. */
    public List<String> topics() {
      List<String> all = new ArrayList<>();
      topicsBySource.values().forEach(all::addAll);
      return all;
    }
  }

  /**
   * Builds the job.
   *
   * <p>A bounded run reads every topic from its beginning up to its end offsets at start-up, and
   * commits no offsets: it is a recomputation of the figures from what the topics hold, the same
   * whichever offsets a consumer group (the streaming job's, which has the same default group id)
   * has committed; it neither depends on nor moves them. The feedback pattern is resolved to the
   * topics that exist now, and with none the job has no feedback input at all: a pattern
   * subscription that matches nothing has no partitions to end, and the run would never finish.
   *
   * @param bounded read each topic up to its end offsets at start-up, then finish (all windows
   *     close at the end of input)
   * @throws RequiredTopics.MissingTopicsException when a topic it reads or writes does not exist
   */
  public static Inputs attach(
      StreamExecutionEnvironment env, ReadableConfig conf, boolean bounded) {
    KafkaClientConfig client = KafkaOptions.client(conf);
    String bootstrap = client.bootstrapServers();
    String sightingsTopic = conf.get(TrendsOptions.SIGHTINGS_TOPIC);
    String indicatorsTopic = conf.get(TrendsOptions.INDICATORS_TOPIC);
    String campaignsTopic = conf.get(TrendsOptions.CAMPAIGNS_TOPIC);
    String feedbackPattern = conf.get(FeedbackOptions.FEEDBACK_TOPICS);
    // The sink would otherwise wait a minute for metadata and fail the job, which then restarts.
    RequiredTopics.require(
        client,
        List.of(
            sightingsTopic,
            indicatorsTopic,
            campaignsTopic,
            conf.get(TrendsOptions.TRENDS_TOPIC),
            conf.get(TrendsOptions.DEAD_LETTER_TOPIC)),
        "trends",
        Duration.ofSeconds(30),
        KafkaOptions.CONFIG_HINT);
    KafkaSinks sinks =
        KafkaSinks.forJob(
            env,
            conf,
            TrendsOptions.SINKS,
            client,
            conf.get(TrendsOptions.GROUP_ID),
            conf.get(CorrelateOptions.CHECKPOINT_INTERVAL),
            bounded);
    List<String> feedbackTopics =
        bounded ? matchingTopics(client, Pattern.compile(feedbackPattern)) : List.of();
    Map<String, List<String>> topicsBySource = new LinkedHashMap<>();
    topicsBySource.put("sightings", List.of(sightingsTopic));
    topicsBySource.put("indicators", List.of(indicatorsTopic));
    topicsBySource.put("campaign alerts", List.of(campaignsTopic));
    topicsBySource.put("feedback", feedbackTopics);
    OffsetsInitializer resumed =
        bounded
            ? OffsetsInitializer.earliest()
            : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    KafkaSourceBuilder<RawRecord> sightings =
        KafkaSources.raw(client)
            .setTopics(sightingsTopic)
            .setGroupId(conf.get(TrendsOptions.GROUP_ID))
            .setStartingOffsets(resumed)
            .setProperty("client.id.prefix", "signalbox-trends-sightings");
    // Publication times come from the whole indicator history, so this is always read from the
    // start; it is compacted, so that is the newest version of each id plus recent updates.
    KafkaSourceBuilder<RawRecord> indicators =
        KafkaSources.raw(client)
            .setTopics(indicatorsTopic)
            .setGroupId(conf.get(TrendsOptions.GROUP_ID) + "-indicators")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setProperty("commit.offsets.on.checkpoint", "false")
            .setProperty("client.id.prefix", "signalbox-trends-indicators");
    KafkaSourceBuilder<RawRecord> campaigns =
        KafkaSources.raw(client)
            .setTopics(campaignsTopic)
            .setGroupId(conf.get(TrendsOptions.GROUP_ID) + "-campaigns")
            .setStartingOffsets(resumed)
            .setProperty("client.id.prefix", "signalbox-trends-campaigns");
    KafkaSourceBuilder<RawRecord> feedback =
        KafkaSources.raw(client)
            .setGroupId(conf.get(TrendsOptions.GROUP_ID) + "-feedback")
            .setStartingOffsets(resumed)
            .setProperty("client.id.prefix", "signalbox-trends-feedback");
    if (bounded) {
      for (KafkaSourceBuilder<RawRecord> b : List.of(sightings, indicators, campaigns, feedback)) {
        b.setBounded(OffsetsInitializer.latest());
        b.setProperty("commit.offsets.on.checkpoint", "false");
      }
      if (!feedbackTopics.isEmpty()) {
        feedback.setTopics(feedbackTopics);
      }
    } else {
      feedback.setTopicPattern(Pattern.compile(feedbackPattern));
      // Members join over time: look for new feedback.<member> topics every five minutes.
      feedback.setProperty("partition.discovery.interval.ms", "300000");
    }
    SingleOutputStreamOperator<Sighting> decodedSightings =
        counted(
                env.fromSource(sightings.build(), WatermarkStrategy.noWatermarks(), "sightings")
                    .uid("trends-sightings-source"),
                bounded,
                "sightings")
            .process(new AvroDecoder<>(AvroCodec::sighting, Sighting.class, "trends-decode"))
            .name("decode sightings")
            .uid("trends-decode-sightings");
    SingleOutputStreamOperator<Indicator> decodedIndicators =
        counted(
                env.fromSource(indicators.build(), WatermarkStrategy.noWatermarks(), "indicators")
                    .uid("trends-indicators-source"),
                bounded,
                "indicators")
            // A tombstone (deleted id) has no value: it is not an indicator, and not an error.
            .filter(r -> r.value != null)
            .name("skip tombstones")
            .uid("trends-skip-tombstones")
            .process(new AvroDecoder<>(AvroCodec::indicator, Indicator.class, "trends-decode"))
            .name("decode indicators")
            .uid("trends-decode-indicators");

    SingleOutputStreamOperator<CampaignAlert> decodedCampaigns =
        counted(
                env.fromSource(
                        campaigns.build(), WatermarkStrategy.noWatermarks(), "campaign alerts")
                    .uid("trends-campaigns-source"),
                bounded,
                "campaigns")
            .process(
                new AvroDecoder<>(AvroCodec::campaignAlert, CampaignAlert.class, "trends-decode"))
            .name("decode campaign alerts")
            .uid("trends-decode-campaigns");

    SingleOutputStreamOperator<Feedback> decodedFeedback =
        bounded && feedbackTopics.isEmpty()
            ? null
            : counted(
                    env.fromSource(feedback.build(), WatermarkStrategy.noWatermarks(), "feedback")
                        .uid("trends-feedback-source"),
                    bounded,
                    "feedback")
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

    DataStream<TrendRecord> trends = out.trends();
    if (bounded) {
      trends =
          trends
              .map(new RecordCount<TrendRecord>(WRITTEN, null))
              .returns(trends.getType())
              .name("count trend records")
              .uid("trends-count-written");
    }
    trends
        .sinkTo(
            sinks.avro(
                "trends",
                conf.get(TrendsOptions.TRENDS_TOPIC),
                AvroCodec::trendRecord,
                TrendsKafka::keyOf,
                conf.get(TrendsOptions.DEAD_LETTER_TOPIC)))
        .name("trends")
        .uid("trends-sink");
    DataStream<DeadLetter> deadLetters =
        decodedSightings
            .getSideOutput(DeadLetters.TAG)
            .union(
                decodedIndicators.getSideOutput(DeadLetters.TAG),
                decodedCampaigns.getSideOutput(DeadLetters.TAG));
    if (decodedFeedback != null) {
      deadLetters = deadLetters.union(decodedFeedback.getSideOutput(DeadLetters.TAG));
    }
    DeadLetters.counted(deadLetters, "trends-count-dead-letters")
        .sinkTo(
            sinks.avro(
                "dead-letters",
                conf.get(TrendsOptions.DEAD_LETTER_TOPIC),
                AvroCodec::deadLetter,
                DeadLetter::getOriginTopic,
                null))
        .name("dead letters")
        .uid("trends-dead-letter-sink");
    return new Inputs(topicsBySource, feedbackPattern, bounded);
  }

  /** In a bounded run, counts the records read per topic (accumulators {@link #READ_PREFIX}). */
  private static DataStream<RawRecord> counted(
      DataStream<RawRecord> records, boolean bounded, String name) {
    if (!bounded) {
      return records;
    }
    return records
        .map(new RecordCount<RawRecord>(READ_PREFIX, r -> r.topic))
        .returns(records.getType())
        .name("count " + name)
        .uid("trends-count-" + name);
  }

  /** The topics whose names match the pattern (whole name, as Kafka's pattern subscription). */
  static List<String> matchingTopics(KafkaClientConfig client, Pattern pattern) {
    String bootstrap = client.bootstrapServers();
    java.util.Properties p = client.admin();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(p)) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      return names.stream().filter(n -> pattern.matcher(n).matches()).sorted().toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "trends: cannot list the topics of " + bootstrap + ": " + e, e);
    }
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
