package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.gateway.GatewayFixtures.campaignAlert;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The gateway across a broker restart: while the broker is away a member is still served what the
 * gateway holds, every poll answered; once the broker is back, what the router wrote meanwhile
 * shows up without a restart of the gateway.
 */
class GatewayBrokerRestartITCase {

  static final String FEED = SignalboxTopics.feedTopic("member:m-a");
  static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void aMemberIsServedWhileTheBrokerIsAwayAndSeesNewAlertsOnceItIsBack(@TempDir Path dir)
      throws Exception {
    LocalKafkaBroker.Options options =
        new LocalKafkaBroker.Options()
            .dataDir(dir.resolve("broker"))
            .readinessTimeout(Duration.ofSeconds(120));
    LocalKafkaBroker broker = LocalKafkaBroker.start(options);
    String bootstrap = broker.bootstrapServers();
    options.port(Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
    Gateway.Embedded gateway = null;
    try {
      SignalboxTopics.ensure(
          bootstrap, List.of(new NewTopic(FEED, 1, (short) 1)), Duration.ofSeconds(60));
      send(bootstrap, "before-1", "before-2");
      gateway =
          Gateway.startEmbedded(
              bootstrap,
              List.of(new Gateway.EmbeddedMember("m-a", "a-secret", List.of("member:m-a"))));
      TaxiiSpecClient member = new TaxiiSpecClient(gateway.url(), "m-a", "a-secret");
      String collection = gateway.collectionUrl("member:m-a");
      assertThat(awaitAlerts(member, collection, Set.of("before-1", "before-2")))
          .containsExactlyInAnyOrder("before-1", "before-2");

      broker.close();
      // Away: every poll is answered, with what the gateway holds.
      for (int i = 0; i < 10; i++) {
        assertThat(alerts(member, collection))
            .as("poll %d with the broker away", i)
            .containsExactlyInAnyOrder("before-1", "before-2");
        Thread.sleep(500);
      }

      broker = LocalKafkaBroker.start(options);
      send(broker.bootstrapServers(), "after-1");
      assertThat(awaitAlerts(member, collection, Set.of("before-1", "before-2", "after-1")))
          .as("the alert written after the restart is served")
          .containsExactlyInAnyOrder("before-1", "before-2", "after-1");
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      broker.close();
    }
  }

  static void send(String bootstrap, String... alertIds) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    AvroCodec<CampaignAlert> codec = AvroCodec.campaignAlert();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (String id : alertIds) {
        producer
            .send(
                new ProducerRecord<>(
                    FEED,
                    id.getBytes(StandardCharsets.UTF_8),
                    codec.encode(campaignAlert(id, 1).build())))
            .get();
      }
    }
  }

  /** The alert ids of the groupings the member is served (every page); fails on a non-200. */
  static Set<String> alerts(TaxiiSpecClient member, String collection) throws Exception {
    Set<String> out = new TreeSet<>();
    for (TaxiiSpecClient.Answer page : member.pages(collection + "objects/", Map.of())) {
      assertThat(page.status()).isEqualTo(200);
      for (JsonNode o : page.body().path("objects")) {
        for (String id : List.of("before-1", "before-2", "after-1")) {
          if (o.get("id").asText().equals(StixObjects.stixId("grouping", id))) {
            out.add(id);
          }
        }
      }
    }
    return out;
  }

  static Set<String> awaitAlerts(TaxiiSpecClient member, String collection, Set<String> expected)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Set<String> seen = alerts(member, collection);
    while (!seen.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      seen = alerts(member, collection);
    }
    return seen;
  }
}
