package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The whole chain as the ISAC runs it, through a real broker: a member's edge sanitizes a Zeek log
 * into {@code telemetry.<member>}, a STIX bundle is imported into {@code indicators}, and the
 * correlate job turns them into sightings. Nothing internal to the member reaches the sightings.
 */
class MemberToSightingITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final String ZEEK_DNS =
      String.join(
          "\n",
          "#separator \\x09",
          "#set_separator\t,",
          "#empty_field\t(empty)",
          "#unset_field\t-",
          "#path\tdns",
          "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\tanswers",
          "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tvector[string]",
          "1763900000.100000\tC1\t10.1.2.3\t5353\t10.0.0.53\t53\tudp\tEvil.Example\tA\t198.51.100.7",
          "1763900001.100000\tC2\t10.1.2.4\t5353\t10.0.0.53\t53\tudp\tfileserver.corp.lan\tA\t10.9.9.9",
          "1763900002.100000\tC3\t10.1.2.5\t5353\t10.0.0.53\t53\tudp\tcdn.parcel-track.example\tA\t203.0.113.80",
          "1763900003.100000\tC4\t10.1.2.6\t5353\t10.0.0.53\t53\tudp\twww.example.org\tA\t192.0.2.10",
          "");

  static String indicator(String uuid, String pattern) {
    return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--"
        + uuid
        + "\","
        + "\"created\":\"2025-11-01T00:00:00.000Z\",\"modified\":\"2025-11-01T00:00:00.000Z\","
        + "\"pattern\":\""
        + pattern
        + "\",\"pattern_type\":\"stix\","
        + "\"valid_from\":\"2025-11-01T00:00:00Z\","
        + "\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"]}";
  }

  @Test
  void aSanitizedMemberLogAndAStixBundleBecomeSightings(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("dns.log"), ZEEK_DNS, StandardCharsets.UTF_8);
    Path bundle =
        Files.writeString(
            dir.resolve("bundle.json"),
            "{\"type\":\"bundle\",\"id\":\"bundle--1f0c9b1e-1111-4c3a-9d7e-2b3c4d5e6f70\",\"objects\":["
                + indicator(
                    "11111111-2222-4333-8444-555555555555", "[domain-name:value = 'evil.example']")
                + ","
                + indicator(
                    "21111111-2222-4333-8444-555555555555",
                    "[domain-name:value LIKE '%.parcel-track.example']")
                + ","
                + indicator(
                    "31111111-2222-4333-8444-555555555555", "[ipv4-addr:value = '10.0.0.0/8']")
                + "]}");

    try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
      String bootstrap = broker.bootstrapServers();
      List<org.apache.kafka.clients.admin.NewTopic> topics =
          new ArrayList<>(SignalboxTopics.core(1));
      topics.add(SignalboxTopics.telemetry("rail-a", 1));
      SignalboxTopics.ensure(bootstrap, topics, Duration.ofSeconds(60));

      EdgeCommandsTest.Result edge =
          EdgeCommandsTest.run(
              "",
              "sanitize",
              "--format",
              "zeek",
              "--member",
              "rail-a",
              "--sector",
              "rail",
              "--in",
              log.toString(),
              "--kafka",
              bootstrap,
              "--key-file",
              dir.resolve("keys.yaml").toString());
      assertThat(edge.exit()).as(edge.err()).isZero();
      EdgeCommandsTest.Result imported =
          EdgeCommandsTest.run(
              "",
              "indicators",
              "import",
              bundle.toString(),
              "--format",
              "stix",
              "--kafka",
              bootstrap);
      assertThat(imported.exit()).as(imported.err()).isZero();

      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      Configuration conf = new Configuration();
      conf.set(PipelineOptions.GENERIC_TYPES, false);
      conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
      env.configure(conf);
      CorrelateKafka.attach(env, conf, true);
      env.execute("member to sighting");

      List<Sighting> sightings = new ArrayList<>();
      AvroCodec<Sighting> codec = AvroCodec.sighting();
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      // What the job committed: its sinks are exactly-once.
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<byte[], byte[]> c =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        TopicPartition tp = new TopicPartition(SignalboxTopics.SIGHTINGS, 0);
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        long end = c.endOffsets(List.of(tp)).get(tp);
        while (c.position(tp) < end) {
          c.poll(Duration.ofMillis(200))
              .forEach(
                  r -> {
                    try {
                      sightings.add(codec.decode(r.value()));
                    } catch (java.io.IOException e) {
                      throw new IllegalStateException(e);
                    }
                  });
        }
      }

      assertThat(sightings)
          .extracting(s -> s.getMatchedValue() + " " + s.getIndicatorId())
          .containsExactlyInAnyOrder(
              "evil.example indicator--11111111-2222-4333-8444-555555555555",
              "cdn.parcel-track.example indicator--21111111-2222-4333-8444-555555555555");
      // The 10.0.0.0/8 indicator must not fire: the edge anonymized and demoted internal
      // addresses, so none of them is an observable any more.
      assertThat(sightings.toString()).doesNotContain("10.1.2.").doesNotContain("fileserver");
      assertThat(sightings).allSatisfy(s -> assertThat(s.getMember()).isEqualTo("rail-a"));
    }
  }
}
