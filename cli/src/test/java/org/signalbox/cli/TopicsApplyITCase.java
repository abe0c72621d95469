package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * {@code signalbox topics apply} on a real KRaft broker (which, like the ISAC's, creates no topic
 * on demand): the directory's topics with their compaction and retention, idempotent, differences
 * reported and stale topics kept; producers that find their topic missing say which and how to
 * create it; and the edge's records carry the time of sending as Kafka timestamp.
 */
class TopicsApplyITCase {

  static LocalKafkaBroker broker;

  @TempDir static Path dir;

  static Path members;

  @BeforeAll
  static void start() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    members = dir.resolve("members.yaml");
    Files.writeString(
        members,
        String.join(
            "\n",
            "secretariat: isac-secretariat",
            "partners: [national-cert]",
            "members:",
            "  - id: rail-a",
            "    sector: rail",
            "    groups: [rail]",
            "  - id: airport-b",
            "    sector: airport",
            "    groups: [airport]",
            ""));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  static Set<String> topics() throws Exception {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get();
    }
  }

  static Config config(String topic) throws Exception {
    try (Admin admin = admin()) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(r)).all().get().get(r);
    }
  }

  @Test
  void appliesEveryTopicOfTheDirectoryOnceAndReportsWhatDiffers() throws Exception {
    // Already there before the ISAC ran the command: indicators created by hand without
    // compaction, and the telemetry topic of a member who has since left.
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("indicators", 1, (short) 1)
                      .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "delete")),
                  new NewTopic("telemetry.left-c", 1, (short) 1)))
          .all()
          .get();
    }

    EdgeCommandsTest.Result dry =
        EdgeCommandsTest.run(
            "",
            "topics",
            "apply",
            "--members",
            members.toString(),
            "--bootstrap",
            broker.bootstrapServers(),
            "--partitions",
            "2",
            "--dry-run");
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("+ telemetry.rail-a", "+ feed.group.airport.digest-daily", "+ trends")
        .contains("would create")
        .contains("? telemetry.left-c");
    assertThat(topics()).doesNotContain("telemetry.rail-a", "trends");

    EdgeCommandsTest.Result applied =
        EdgeCommandsTest.run(
            "",
            "topics",
            "apply",
            "--members",
            members.toString(),
            "--bootstrap",
            broker.bootstrapServers(),
            "--partitions",
            "2",
            "--telemetry-retention",
            "3d");
    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(topics())
        .contains(
            "sightings",
            "deadletter",
            "campaign-alerts",
            "indicator-scores",
            "indicator-audit",
            "trends",
            "telemetry.rail-a",
            "telemetry.airport-b",
            "feedback.rail-a",
            "feedback.airport-b",
            "feed.member.rail-a",
            "feed.member.airport-b.digest-hourly",
            "feed.group.rail",
            "feed.community",
            "feed.public.digest-daily")
        // Stale, listed, not deleted.
        .contains("telemetry.left-c");
    assertThat(applied.out())
        .contains("~ indicators: cleanup.policy is delete, the plan says compact (left as it is)")
        .contains("~ indicators: partitions is 1, the plan says 2")
        .contains("? telemetry.left-c (stale");
    assertThat(config("indicators").get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
        .isEqualTo("delete");
    assertThat(config("indicator-scores").get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
        .isEqualTo("compact");
    assertThat(config("indicator-audit").get(TopicConfig.RETENTION_MS_CONFIG).value())
        .isEqualTo("-1");
    assertThat(config("trends").get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
    assertThat(config("telemetry.rail-a").get(TopicConfig.RETENTION_MS_CONFIG).value())
        .isEqualTo(String.valueOf(Duration.ofDays(3).toMillis()));
    try (Admin admin = admin()) {
      assertThat(
              admin
                  .describeTopics(List.of("telemetry.rail-a"))
                  .allTopicNames()
                  .get()
                  .get("telemetry.rail-a")
                  .partitions())
          .hasSize(2);
    }

    EdgeCommandsTest.Result again =
        EdgeCommandsTest.run(
            "",
            "topics",
            "apply",
            "--members",
            members.toString(),
            "--bootstrap",
            broker.bootstrapServers(),
            "--partitions",
            "2",
            "--telemetry-retention",
            "3d");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains(": created 0,").doesNotContain("+ ");
  }

  @Test
  void sanitizeStopsAtOnceNamingTheMissingTopicAndTheCommand(@TempDir Path work) throws Exception {
    Path log = zeekDnsLog(work, 1700000000L);
    EdgeCommandsTest.Result r =
        EdgeCommandsTest.run(
            "",
            "sanitize",
            "--format",
            "zeek",
            "--member",
            "not-a-member",
            "--sector",
            "rail",
            "--in",
            log.toString(),
            "--kafka",
            broker.bootstrapServers(),
            "--key-file",
            work.resolve("keys.yaml").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("topic telemetry.not-a-member does not exist")
        .contains("signalbox topics apply --members FILE");
    assertThat(topics()).doesNotContain("telemetry.not-a-member");
  }

  @Test
  void correlateAndImportStopAtOnceNamingTheMissingTopic(@TempDir Path work) throws Exception {
    EdgeCommandsTest.Result correlate =
        EdgeCommandsTest.run(
            "",
            "correlate",
            "--bootstrap",
            broker.bootstrapServers(),
            "--set",
            "correlate.sightings-topic=sightings-nowhere");
    assertThat(correlate.exit()).as(correlate.err()).isEqualTo(1);
    assertThat(correlate.err())
        .contains("correlate: topic")
        .contains("sightings-nowhere")
        .contains("signalbox topics apply");

    Path bundle =
        Files.writeString(
            work.resolve("b.json"),
            "{\"type\":\"bundle\",\"id\":\"bundle--00000000-0000-4000-8000-000000000001\","
                + "\"objects\":[]}");
    EdgeCommandsTest.Result imported =
        EdgeCommandsTest.run(
            "",
            "indicators",
            "import",
            "--format",
            "stix",
            "--kafka",
            broker.bootstrapServers(),
            "--topic",
            "indicators-nowhere",
            bundle.toString());
    assertThat(imported.exit()).as(imported.err()).isEqualTo(1);
    assertThat(imported.err())
        .contains("indicators import: topic indicators-nowhere does not exist")
        .contains("signalbox topics apply");
  }

  @Test
  void trendsStopsAtOnceNamingTheMissingTopic() {
    EdgeCommandsTest.Result r =
        EdgeCommandsTest.run(
            "",
            "trends",
            "--bootstrap",
            broker.bootstrapServers(),
            "--set",
            "trends.trends-topic=trends-nowhere",
            "--set",
            "trends.sightings-topic=sightings-nowhere");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("trends: topics sightings-nowhere, ")
        .contains("trends-nowhere")
        .contains(" do not exist on " + broker.bootstrapServers())
        .contains("signalbox topics apply");
  }

  @Test
  void theEdgeStampsTheTimeOfSendingAndKeepsTheEventTimeInTheRecord(@TempDir Path work)
      throws Exception {
    String topic = "telemetry.edge-time-d";
    try (Admin admin = admin()) {
      // One day of retention: a record stamped with its 2018 event time would be eligible for
      // deletion on arrival.
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.RETENTION_MS_CONFIG,
                              String.valueOf(Duration.ofDays(1).toMillis())))))
          .all()
          .get();
    }
    long eventSeconds = Instant.parse("2018-05-06T07:08:09Z").getEpochSecond();
    Path log = zeekDnsLog(work, eventSeconds);
    long before = System.currentTimeMillis();
    EdgeCommandsTest.Result r =
        EdgeCommandsTest.run(
            "",
            "sanitize",
            "--format",
            "zeek",
            "--member",
            "edge-time-d",
            "--sector",
            "rail",
            "--in",
            log.toString(),
            "--kafka",
            broker.bootstrapServers(),
            "--key-file",
            work.resolve("keys.yaml").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    long after = System.currentTimeMillis();

    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "edge-time-itcase");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (records.isEmpty() && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    assertThat(records).hasSize(1);
    ConsumerRecord<byte[], byte[]> rec = records.get(0);
    assertThat(rec.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
    assertThat(rec.timestamp()).isBetween(before, after);
    TelemetryEvent e = AvroCodec.telemetry().decode(rec.value());
    assertThat(e.getEventTime().getEpochSecond()).isEqualTo(eventSeconds);
  }

  static Path zeekDnsLog(Path dir, long epochSeconds) throws Exception {
    Path log = dir.resolve("dns.log");
    Files.writeString(
        log,
        String.join(
            "\n",
            "#separator \\x09",
            "#set_separator\t,",
            "#empty_field\t(empty)",
            "#unset_field\t-",
            "#path\tdns",
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\tanswers",
            "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tvector[string]",
            epochSeconds
                + ".100000\tC1\t10.1.2.3\t5353\t10.0.0.53\t53\tudp\tevil.example\tA\t198.51.100.7",
            ""),
        StandardCharsets.UTF_8);
    return log;
  }
}
