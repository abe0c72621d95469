package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.importers.stix.StixBundleReader;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * {@code signalbox sightings export --stix --kafka} against a real KRaft broker: the Avro records
 * on the sightings topic become a STIX bundle and a garbage record is reported, not fatal.
 */
class SightingsExportKafkaITCase {

  private static final String INDICATOR = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

  @Test
  void readsTheTopicToItsEndAndReportsUndecodableRecords(@TempDir Path dir) throws Exception {
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("sightings", 2, (short) 1))).all().get();
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      AvroCodec<org.signalbox.schema.Sighting> codec = AvroCodec.sighting();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 3; i++) {
          String id = "sighting--6f1a2b3c-0000-3000-8000-00000000000" + i;
          producer
              .send(
                  new ProducerRecord<>(
                      "sightings",
                      i % 2,
                      id.getBytes(StandardCharsets.UTF_8),
                      codec.encode(
                          StixExportSightingsCommandTest.sighting(
                              id, INDICATOR, i == 2 ? Tlp.RED : Tlp.GREEN))))
              .get();
        }
        producer
            .send(
                new ProducerRecord<>(
                    "sightings", 1, null, "garbage".getBytes(StandardCharsets.UTF_8)))
            .get();
      }

      Path out = dir.resolve("bundle.json");
      EdgeCommandsTest.Result r =
          EdgeCommandsTest.run(
              "",
              "sightings",
              "export",
              "--stix",
              "--kafka",
              broker.bootstrapServers(),
              "--out",
              out.toString());

      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.err())
          .contains("REJECTED sightings/1@1: not a sighting record")
          .contains("exported 3 sightings, rejected 1 (4 records read)");
      JsonNode bundle = new ObjectMapper().readTree(out.toFile());
      List<String> types = bundle.path("objects").findValuesAsText("type");
      assertThat(types.stream().filter("sighting"::equals)).hasSize(3);
      assertThat(bundle.path("objects").findValuesAsText("id"))
          .contains(
              "sighting--6f1a2b3c-0000-3000-8000-000000000000",
              "sighting--6f1a2b3c-0000-3000-8000-000000000001",
              "sighting--6f1a2b3c-0000-3000-8000-000000000002");
      assertThat(new StixBundleReader().read(out).rejected()).isEmpty();
    }
  }
}
