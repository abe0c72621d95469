package org.signalbox.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

class KafkaSinksTest {

  static final KafkaClientConfig SASL =
      KafkaClientConfig.of(
          "b:9093",
          Map.of(
              "security.protocol", "SASL_SSL",
              "sasl.mechanism", "SCRAM-SHA-512",
              "sasl.jaas.config", "x required username=\"u\" password=\"p\";"));

  static final Duration TEN_S = Duration.ofSeconds(10);

  static KafkaSinks sinks(
      StreamExecutionEnvironment env, Configuration conf, boolean bounded, Duration brokerMax) {
    return KafkaSinks.forJob(
        env,
        conf,
        CorrelateOptions.SINKS,
        SASL,
        "signalbox-correlate",
        TEN_S,
        bounded,
        c -> Optional.ofNullable(brokerMax));
  }

  static Object field(KafkaSink<?> sink, String name) throws Exception {
    Field f = KafkaSink.class.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(sink);
  }

  @Test
  void exactlyOnceByDefaultWithOwnPrefixPerSinkAnExplicitTimeoutAndCheckpointsTurnedOn()
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
    KafkaSinks sinks = sinks(env, new Configuration(), false, Duration.ofMinutes(15));

    assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
    assertThat(env.getCheckpointConfig().getCheckpointingConsistencyMode())
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(TEN_S.toMillis());

    KafkaSink<Sighting> sightings =
        sinks.avro("sightings", "sightings", AvroCodec::sighting, Sighting::getIndicatorId, "dl");
    KafkaSink<DeadLetter> deadLetters =
        sinks.avro("dead-letters", "dl", AvroCodec::deadLetter, DeadLetter::getOriginTopic, null);
    assertThat(field(sightings, "deliveryGuarantee")).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(field(sightings, "transactionalIdPrefix"))
        .isEqualTo("signalbox-correlate-sightings");
    assertThat(field(deadLetters, "transactionalIdPrefix"))
        .isEqualTo("signalbox-correlate-dead-letters");
    assertThat(field(sightings, "transactionNamingStrategy"))
        .isEqualTo(TransactionNamingStrategy.INCREMENTING);
    Properties producer = (Properties) field(sightings, "kafkaProducerConfig");
    assertThat(producer)
        .containsEntry("transaction.timeout.ms", "600000")
        .containsEntry("bootstrap.servers", "b:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", "x required username=\"u\" password=\"p\";");

    assertThatThrownBy(
            () -> sinks.avro("sightings", "other", AvroCodec::sighting, Sighting::getMember, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two Kafka sinks named 'sightings'");
  }

  @Test
  void thePrefixIsConfigurableAndAReplayNeverSharesItWithTheStreamingJob() throws Exception {
    Configuration conf = new Configuration();
    conf.set(CorrelateOptions.SINKS.transactionalIdPrefix(), "isac-eu-correlate");
    KafkaSinks streaming =
        sinks(StreamExecutionEnvironment.getExecutionEnvironment(), conf, false, null);
    KafkaSinks replay =
        sinks(StreamExecutionEnvironment.getExecutionEnvironment(), conf, true, null);
    assertThat(streaming.transactionalIdPrefix("sightings"))
        .isEqualTo("isac-eu-correlate-sightings");
    assertThat(replay.transactionalIdPrefix("sightings"))
        .isEqualTo("isac-eu-correlate-bounded-sightings");
  }

  @Test
  void atLeastOnceWritesWithoutTransactionsAndLeavesCheckpointingAlone() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(CorrelateOptions.SINKS.deliveryGuarantee(), "AT_LEAST_ONCE");
    KafkaSinks sinks = sinks(env, conf, false, Duration.ofSeconds(1));
    assertThat(sinks.guarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
    KafkaSink<Sighting> s =
        sinks.avro("sightings", "sightings", AvroCodec::sighting, Sighting::getIndicatorId, null);
    assertThat(field(s, "deliveryGuarantee")).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
  }

  @Test
  void aTimeoutTheBrokerOrTheCheckpointIntervalWouldBreakIsRefusedSayingWhatToDo() {
    Configuration tooLong = new Configuration();
    tooLong.set(CorrelateOptions.SINKS.transactionTimeout(), Duration.ofHours(1));
    assertThatThrownBy(
            () ->
                sinks(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    tooLong,
                    false,
                    Duration.ofMinutes(15)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("correlate.transaction-timeout is PT1H")
        .hasMessageContaining("transaction.max.timeout.ms = 900000 ms")
        .hasMessageContaining("Lower correlate.transaction-timeout or raise");

    Configuration tooShort = new Configuration();
    tooShort.set(CorrelateOptions.SINKS.transactionTimeout(), Duration.ofSeconds(30));
    assertThatThrownBy(
            () ->
                sinks(StreamExecutionEnvironment.getExecutionEnvironment(), tooShort, false, null))
        .hasMessageContaining("less than the checkpoint interval (PT10S) plus a minute");

    Configuration notOne = new Configuration();
    notOne.set(CorrelateOptions.SINKS.deliveryGuarantee(), "maybe-once");
    assertThatThrownBy(
            () -> sinks(StreamExecutionEnvironment.getExecutionEnvironment(), notOne, false, null))
        .hasMessage(
            "correlate.delivery-guarantee: 'maybe-once' is neither exactly-once nor at-least-once");
  }

  @Test
  void exactlyOnceSinksInAJobThatCheckpointsAtLeastOnceAreRefused() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(5000, CheckpointingMode.AT_LEAST_ONCE);
    assertThatThrownBy(() -> sinks(env, new Configuration(), false, null))
        .hasMessageContaining("checkpoints AT_LEAST_ONCE (execution.checkpointing.mode)");
  }

  @Test
  void aJobThatCheckpointsAlreadyKeepsItsIntervalAndBatchModeNeedsNone() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(3000, CheckpointingMode.EXACTLY_ONCE);
    sinks(env, new Configuration(), false, null);
    assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(3000);

    Configuration batch = new Configuration();
    batch.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    StreamExecutionEnvironment b = StreamExecutionEnvironment.getExecutionEnvironment(batch);
    sinks(b, new Configuration(), true, null);
    assertThat(b.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
  }

  @Test
  void everyJobHasTheThreeOptionsUnderItsOwnKeysDefaultingToExactlyOnce() {
    for (KafkaSinkOptions o :
        new KafkaSinkOptions[] {
          CorrelateOptions.SINKS, CampaignOptions.SINKS, TrendsOptions.SINKS
        }) {
      assertThat(o.deliveryGuarantee().defaultValue()).isEqualTo(KafkaSinkOptions.EXACTLY_ONCE);
      assertThat(o.transactionTimeout().defaultValue()).isEqualTo(Duration.ofMinutes(10));
      assertThat(CorrelateOptions.describe(o.deliveryGuarantee()))
          .contains("duplicates")
          .contains("checkpoint");
    }
    assertThat(CampaignOptions.SINKS.deliveryGuarantee().key())
        .isEqualTo("campaign.delivery-guarantee");
    assertThat(TrendsOptions.SINKS.transactionalIdPrefix().key())
        .isEqualTo("trends.transactional-id-prefix");
    assertThat(CorrelateOptions.ALL).containsAll(CorrelateOptions.SINKS.all());
    assertThat(CampaignOptions.ALL).containsAll(CampaignOptions.SINKS.all());
    assertThat(TrendsOptions.ALL).containsAll(TrendsOptions.SINKS.all());
  }

  @Test
  void theJobsClientConfigComesFromTheFileAndThePrefixMap(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("correlate.properties");
    Files.writeString(
        file,
        "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
            + "sasl.jaas.config=x required username=\"correlate\" password=\"s3cret\";\n"
            + "ssl.truststore.location=/etc/a.p12\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Configuration conf = new Configuration();
    conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "kafka-1:9093");
    conf.set(KafkaOptions.CONFIG_FILE, file.toString());
    conf.setString("kafka.properties.ssl.truststore.location", "/etc/b.p12");
    KafkaClientConfig client = KafkaOptions.client(conf);
    assertThat(client.bootstrapServers()).isEqualTo("kafka-1:9093");
    assertThat(client.settings())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.location", "/etc/b.p12");
    assertThat(client.flinkSource()).containsEntry("isolation.level", "read_committed");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KafkaOptions.client(conf))
        .hasMessageStartingWith("kafka.config-file: ")
        .hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void aPasswordOnTheCommandLineIsRefusedAReferenceIsNot() {
    assertThatThrownBy(
            () ->
                KafkaOptions.refuseSecretsOnCommandLine(
                    Map.of(
                        "kafka.properties.ssl.key.password", "changeit",
                        "correlate.group-id", "g"),
                    "--set"))
        .hasMessageContaining("--set kafka.properties.ssl.key.password puts a password")
        .hasMessageNotContaining("changeit");
    KafkaOptions.refuseSecretsOnCommandLine(
        Map.of(
            "kafka.properties.sasl.jaas.config",
            "x required username=\"u\" password=\"${env:KAFKA_PASSWORD}\";"),
        "--set");
  }
}
