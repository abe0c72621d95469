package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.gateway.GatewayFixtures.campaignAlert;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.TlpMarkingDefinitions;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * Campaign alerts as the sharing router writes them (each member's own feed and the community feed,
 * on the router's topic names) on a real local broker, served by a gateway started with {@link
 * Gateway#startEmbedded}, and polled by two members, each of whom sees only its own feed and the
 * community's.
 */
class GatewayCampaignAlertsITCase {

  static LocalKafkaBroker broker;
  static Gateway.Embedded gateway;

  static final String A_OWN = "ca-indicator-a-own";
  static final String B_OWN = "ca-actor-b-own";
  static final String SHARED = "ca-technique-shared";
  static final String SHARED_AMBER = "ca-technique-amber-in-community";

  @BeforeAll
  static void start() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    String aTopic = SignalboxTopics.feedTopic("member:m-a");
    String bTopic = SignalboxTopics.feedTopic("member:m-b");
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        List.of(
            new NewTopic(aTopic, 1, (short) 1),
            new NewTopic(bTopic, 1, (short) 1),
            new NewTopic(SignalboxTopics.COMMUNITY_FEED, 2, (short) 1)),
        Duration.ofSeconds(60));
    AvroCodec<CampaignAlert> codec = AvroCodec.campaignAlert();
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      // m-a's own feed: one alert in two revisions, RED (a member's own feed may carry it).
      for (int rev = 1; rev <= 2; rev++) {
        send(p, aTopic, A_OWN, codec.encode(campaignAlert(A_OWN, rev).setTlp(Tlp.RED).build()));
      }
      send(p, bTopic, B_OWN, codec.encode(campaignAlert(B_OWN, 1).build()));
      // community: revision 1 below the publication threshold (counts withheld), revision 2 not.
      send(
          p,
          SignalboxTopics.COMMUNITY_FEED,
          SHARED,
          codec.encode(
              campaignAlert(SHARED, 1)
                  .setTlp(Tlp.GREEN)
                  .setCountsWithheld(true)
                  .setMemberCount(0)
                  .setSectorCount(0)
                  .setSectors(List.of())
                  .setMembers(List.of())
                  .build()));
      send(
          p,
          SignalboxTopics.COMMUNITY_FEED,
          SHARED,
          codec.encode(campaignAlert(SHARED, 2).setTlp(Tlp.GREEN).build()));
      // Misrouted AMBER in the community feed: the gateway's own ceiling (GREEN) holds it back.
      send(
          p,
          SignalboxTopics.COMMUNITY_FEED,
          SHARED_AMBER,
          codec.encode(campaignAlert(SHARED_AMBER, 1).build()));
    }
    gateway =
        Gateway.startEmbedded(
            broker.bootstrapServers(),
            List.of(
                new Gateway.EmbeddedMember("m-a", "a-secret", List.of("member:m-a", "community")),
                new Gateway.EmbeddedMember("m-b", "b-secret", List.of("member:m-b", "community"))));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while ((gateway.held("member:m-a") < 2
            || gateway.held("member:m-b") < 1
            || gateway.held("community") < 2)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(gateway.held("member:m-a")).isEqualTo(2);
    assertThat(gateway.held("member:m-b")).isEqualTo(1);
    assertThat(gateway.held("community")).isEqualTo(2);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void eachMemberSeesItsOwnFeedAndTheCommunityOnly() throws Exception {
    TaxiiSpecClient a = new TaxiiSpecClient(gateway.url(), "m-a", "a-secret");
    TaxiiSpecClient b = new TaxiiSpecClient(gateway.url(), "m-b", "b-secret");
    assertThat(collectionIds(a))
        .containsExactlyInAnyOrder(
            idOf(gateway.collectionUrl("member:m-a")), idOf(gateway.collectionUrl("community")));
    assertThat(collectionIds(b))
        .containsExactlyInAnyOrder(
            idOf(gateway.collectionUrl("member:m-b")), idOf(gateway.collectionUrl("community")));

    Map<String, JsonNode> aOwn = byAlert(a, gateway.collectionUrl("member:m-a"));
    assertThat(aOwn).containsOnlyKeys(A_OWN);
    JsonNode own = aOwn.get(A_OWN);
    assertThat(own.get("type").asText()).isEqualTo("grouping");
    assertThat(own.get("x_signalbox_revision").asInt()).isEqualTo(2);
    assertThat(own.get("object_marking_refs").get(0).asText())
        .isEqualTo(TlpMarkingDefinitions.TLP2_RED);
    assertThat(byAlert(b, gateway.collectionUrl("member:m-b"))).containsOnlyKeys(B_OWN);

    for (TaxiiSpecClient member : List.of(a, b)) {
      Map<String, JsonNode> community = byAlert(member, gateway.collectionUrl("community"));
      assertThat(community).as("the AMBER alert is withheld").containsOnlyKeys(SHARED);
      assertThat(community.get(SHARED).get("x_signalbox_member_count").asInt()).isEqualTo(4);
    }

    // Each one's own feed is closed to the other, even by URL: 404 as if it did not exist.
    for (String sub : List.of("", "objects/", "manifest/")) {
      assertThat(b.get(gateway.collectionUrl("member:m-a") + sub, Map.of()).status())
          .isEqualTo(404);
      assertThat(a.get(gateway.collectionUrl("member:m-b") + sub, Map.of()).status())
          .isEqualTo(404);
    }
  }

  @Test
  void revisionsAreVersionsAndWithheldCountsStayOmittedInTheirVersion() throws Exception {
    TaxiiSpecClient a = new TaxiiSpecClient(gateway.url(), "m-a", "a-secret");
    String community = gateway.collectionUrl("community");
    String id = StixObjects.stixId("grouping", SHARED);
    TaxiiSpecClient.Answer versions = a.get(community + "objects/" + id + "/versions/", Map.of());
    assertThat(versions.status()).isEqualTo(200);
    assertThat(versions.body().get("versions"))
        .extracting(JsonNode::asText)
        .containsExactly("2026-11-01T00:10:00.000Z", "2026-11-01T00:20:00.000Z");
    JsonNode first =
        a.get(community + "objects/" + id + "/", Map.of("match[version]", "first"))
            .body()
            .get("objects")
            .get(0);
    assertThat(first.get("x_signalbox_revision").asInt()).isEqualTo(1);
    assertThat(first.get("x_signalbox_counts_withheld").asBoolean()).isTrue();
    assertThat(first.has("x_signalbox_member_count")).isFalse();
    assertThat(first.has("x_signalbox_sectors")).isFalse();
    assertThat(
            a.get(community + "objects/" + id + "/", Map.of("match[version]", "all"))
                .body()
                .get("objects"))
        .hasSize(2);
    assertThat(
            a.get(community + "objects/", Map.of("match[type]", "grouping")).body().get("objects"))
        .hasSize(1);
  }

  static Set<String> collectionIds(TaxiiSpecClient c) throws Exception {
    TaxiiSpecClient.Answer list = c.get(gateway.apiRootUrl() + "collections/", Map.of());
    assertThat(list.status()).isEqualTo(200);
    Set<String> ids = new java.util.HashSet<>();
    list.body().get("collections").forEach(col -> ids.add(col.get("id").asText()));
    return ids;
  }

  static String idOf(String collectionUrl) {
    String[] parts = collectionUrl.split("/");
    return parts[parts.length - 1];
  }

  /** The latest version of every grouping, by the alert id its STIX id was made from. */
  static Map<String, JsonNode> byAlert(TaxiiSpecClient c, String collectionUrl) throws Exception {
    Map<String, String> alertByStixId = new HashMap<>();
    for (String alert : List.of(A_OWN, B_OWN, SHARED, SHARED_AMBER)) {
      alertByStixId.put(StixObjects.stixId("grouping", alert), alert);
    }
    Map<String, JsonNode> out = new HashMap<>();
    for (TaxiiSpecClient.Answer page : c.pages(collectionUrl + "objects/", Map.of())) {
      for (JsonNode o : page.body().path("objects")) {
        String alert = alertByStixId.get(o.get("id").asText());
        assertThat(alert).as("unexpected object %s", o).isNotNull();
        out.put(alert, o);
      }
    }
    return out;
  }

  static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value)
      throws Exception {
    p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
  }
}
