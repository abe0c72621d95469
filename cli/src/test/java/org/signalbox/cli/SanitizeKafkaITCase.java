package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * {@code signalbox sanitize --kafka} against a real KRaft broker: the records on {@code
 * telemetry.<member>} decode with the codec the correlate job uses and are keyed by event id.
 */
class SanitizeKafkaITCase {
  @Test
  void sanitizedZeekDnsLandsOnTheMembersTelemetryTopic(@TempDir Path dir) throws Exception {
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
            "1700000000.100000\tC1\t10.1.2.3\t5353\t10.0.0.53\t53\tudp\tevil.example\tA\t198.51.100.7",
            "1700000001.100000\tC2\t10.1.2.4\t5353\t10.0.0.53\t53\tudp\tfileserver.lan\tA\t10.9.9.9",
            "this line is broken",
            "1700000002.100000\tC3\t10.1.2.5\t5353\t192.0.2.53\t53\tudp\twww.example.org\tAAAA\t-",
            ""),
        StandardCharsets.UTF_8);
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
      // The ISAC creates member topics; the edge only writes to them.
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("telemetry.m-rail-01", 1, (short) 1))).all().get();
      }
      EdgeCommandsTest.Result r =
          EdgeCommandsTest.run(
              "",
              "sanitize",
              "--format",
              "zeek",
              "--member",
              "m-rail-01",
              "--sector",
              "rail",
              "--in",
              log.toString(),
              "--kafka",
              broker.bootstrapServers(),
              "--key-file",
              dir.resolve("keys.yaml").toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.err())
          .contains("events out: 3")
          .contains("lines rejected: 1")
          .contains("dns.log:10: rejected:");

      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "edge-itcase");
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
      List<TelemetryEvent> events = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of("telemetry.m-rail-01"));
        long deadline = System.currentTimeMillis() + 60_000;
        while (events.size() < 3 && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
            events.add(codec.decode(rec.value()));
            keys.add(new String(rec.key(), StandardCharsets.UTF_8));
          }
        }
      }
      assertThat(events).hasSize(3);
      assertThat(keys)
          .containsExactlyElementsOf(events.stream().map(TelemetryEvent::getEventId).toList());
      assertThat(events.get(0).getObservables())
          .contains(
              new Observable(ObservableType.DOMAIN, "evil.example", ObservableRole.QUERY),
              new Observable(ObservableType.IPV4, "198.51.100.7", ObservableRole.ANSWER));
      assertThat(events.get(1).getAttributes().get("dns.query")).startsWith("pn-k1-");
      assertThat(events.get(2).getObservables())
          .contains(new Observable(ObservableType.IPV4, "192.0.2.53", ObservableRole.DESTINATION));
      assertThat(events.toString()).doesNotContain("10.1.2.").doesNotContain("fileserver");
      assertThat(events).allMatch(e -> e.getProvenance().getPolicyId().equals("signalbox-default"));
    }
  }
}
