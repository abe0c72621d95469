package org.signalbox.jobs.correlate;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.common.KafkaSinks;
import org.signalbox.jobs.common.KafkaSources;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/** Plugs the correlate pipeline into Kafka: the production wiring of {@link CorrelatePipeline}. */
public final class CorrelateKafka {
  private CorrelateKafka() {}

  /**
   * Adds the Kafka sources, the pipeline and the Kafka sinks to {@code env}.
   *
   * @param bounded read each topic up to its end offsets at start-up, then finish (tests, replays)
   */
  static final String BOOTSTRAP_ALIGNMENT_GROUP = "signalbox-indicator-bootstrap";

  static final Duration BOOTSTRAP_MAX_DRIFT = Duration.ofDays(365L * 1000);
  static final Duration BOOTSTRAP_ALIGNMENT_UPDATE = Duration.ofMillis(200);

  public static void attach(StreamExecutionEnvironment env, ReadableConfig conf, boolean bounded) {
    KafkaClientConfig client = KafkaOptions.client(conf);
    String indicatorsTopic = conf.get(CorrelateOptions.INDICATORS_TOPIC);
    // Built first: it turns on exactly-once checkpointing if the job has none, and refuses a
    // transaction timeout the broker would refuse, before anything else is wired.
    KafkaSinks sinks =
        KafkaSinks.forJob(
            env,
            conf,
            CorrelateOptions.SINKS,
            client,
            conf.get(CorrelateOptions.GROUP_ID),
            conf.get(CorrelateOptions.CHECKPOINT_INTERVAL),
            bounded);

    KafkaSourceBuilder<RawRecord> telemetry =
        KafkaSources.raw(client)
            .setTopicPattern(Pattern.compile(conf.get(CorrelateOptions.TELEMETRY_TOPICS)))
            .setGroupId(conf.get(CorrelateOptions.GROUP_ID))
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setProperty("partition.discovery.interval.ms", bounded ? "-1" : "10000")
            .setProperty("client.id.prefix", "signalbox-telemetry");
    // The index is rebuilt from the compacted topic on every start: it is the source of truth.
    KafkaSourceBuilder<RawRecord> indicators =
        KafkaSources.raw(client)
            .setTopics(indicatorsTopic)
            .setGroupId(conf.get(CorrelateOptions.GROUP_ID) + "-indicators")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setProperty("commit.offsets.on.checkpoint", "false")
            .setProperty("client.id.prefix", "signalbox-indicators");
    if (bounded) {
      telemetry.setBounded(OffsetsInitializer.latest());
      indicators.setBounded(OffsetsInitializer.latest());
    }

    Duration ooo = conf.get(CorrelateOptions.OUT_OF_ORDERNESS);
    WatermarkStrategy<RawRecord> telemetryWatermarks =
        TelemetryWatermarks.strategy(ooo, Duration.ofSeconds(30));
    Map<Integer, long[]> offsets = offsetRanges(client, indicatorsTopic);
    WatermarkStrategy<RawRecord> indicatorWatermarks =
        IndicatorBootstrapWatermarks.strategy(
            offsets, conf.get(CorrelateOptions.INDICATOR_IDLE_TIMEOUT));
    if (bounded && conf.get(CorrelateOptions.BOOTSTRAP_GATE)) {
      // Telemetry is not read while the indicators load. The indicators source's watermark is
      // BootstrapGate.LOADING (Long.MIN_VALUE + 1) until they have, and wall-clock time after; in
      // one alignment group with a drift of a thousand years, Flink pauses the telemetry splits
      // exactly while it is LOADING (any real time is more than that ahead of it) and never after
      // (no telemetry
      // time is that far from now). Without this, a backlog was read during the load and every
      // probe of it went through the gate's keyed state and timers: at a million indicators and
      // a million events that was three quarters of the run. The gate itself still decides.
      // Bounded runs only: there the indicators source ends (and its watermark with it) whatever
      // it read. Unbounded, a job restored after the load reads no indicator record, its source's
      // watermark stays at LOADING (BootstrapLatch opens the gate downstream, but
      // alignment looks at the source), and telemetry would never be read again.
      telemetryWatermarks =
          telemetryWatermarks.withWatermarkAlignment(
              BOOTSTRAP_ALIGNMENT_GROUP, BOOTSTRAP_MAX_DRIFT, BOOTSTRAP_ALIGNMENT_UPDATE);
      indicatorWatermarks =
          indicatorWatermarks.withWatermarkAlignment(
              BOOTSTRAP_ALIGNMENT_GROUP, BOOTSTRAP_MAX_DRIFT, BOOTSTRAP_ALIGNMENT_UPDATE);
    }
    DataStream<RawRecord> telemetryRecords =
        env.fromSource(telemetry.build(), telemetryWatermarks, "telemetry").uid("telemetry-source");
    // One reader, so that the bootstrap watermark is the minimum over every partition that has
    // records (see IndicatorBootstrapWatermarks). The decoder runs chained to it, on the same
    // thread: indicators come in thousands per hour, and a cold start of a million decodes in
    // seconds.
    DataStream<RawRecord> indicatorRecords =
        env.fromSource(indicators.build(), indicatorWatermarks, "indicators")
            .setParallelism(1)
            .uid("indicators-source");

    CorrelatePipeline.Outputs out =
        CorrelatePipeline.build(telemetryRecords, indicatorRecords, conf, bounded);

    out.sightings()
        .sinkTo(
            sinks.avro(
                "sightings",
                conf.get(CorrelateOptions.SIGHTINGS_TOPIC),
                AvroCodec::sighting,
                Sighting::getIndicatorId,
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC)))
        .name("sightings")
        .uid("sightings-sink");
    out.deadLetters()
        .sinkTo(
            sinks.avro(
                "dead-letters",
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC),
                AvroCodec::deadLetter,
                DeadLetter::getOriginTopic,
                null))
        .name("dead letters")
        .uid("dead-letter-sink");
    out.audits()
        .sinkTo(
            sinks.avro(
                "indicator-audit",
                conf.get(CorrelateOptions.INDICATOR_AUDIT_TOPIC),
                AvroCodec::indicatorAudit,
                IndicatorAudit::getIndicatorId,
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC)))
        .name("indicator audit")
        .uid("indicator-audit-sink");
  }

  /**
   * First and end offset ({@code [first, end]}) of every partition of {@code topic} now, for the
   * bootstrap gate.
   */
  static Map<Integer, long[]> offsetRanges(KafkaClientConfig client, String topic) {
    String bootstrap = client.bootstrapServers();
    Properties props = client.admin();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    // The end a read_committed reader can reach: the last stable offset, not the high watermark
    // (equal for the importers' non-transactional writes; the gate must not wait for more).
    ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
    try (Admin admin = Admin.create(props)) {
      TopicDescription d =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      d.partitions()
          .forEach(
              p -> {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
              });
      Map<Integer, long[]> ranges = new HashMap<>();
      admin
          .listOffsets(earliest, committed)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> ranges.put(tp.partition(), new long[] {info.offset(), 0}));
      admin
          .listOffsets(latest, committed)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> ranges.get(tp.partition())[1] = info.offset());
      return ranges;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot read the end offsets of topic '"
              + topic
              + "' at "
              + bootstrap
              + ": is the broker running and the topic created? ("
              + e.getMessage()
              + "). "
              + client.connectionHint(KafkaOptions.CONFIG_HINT),
          e);
    }
  }
}
