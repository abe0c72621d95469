package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.gateway.GatewayFixtures.T0;
import static org.signalbox.gateway.GatewayFixtures.indicator;
import static org.signalbox.gateway.GatewayFixtures.sighting;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.TlpMarkingDefinitions;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The gateway end to end: sightings and indicators of two audiences are written to their feed
 * topics on a real local broker, the gateway reads them, and two members poll it with a TAXII
 * client written from the specification.
 */
class GatewayITCase {

  static LocalKafkaBroker broker;
  static Gateway gateway;
  static String root;

  static final Set<String> RAIL_IDS = new HashSet<>();
  static final Set<String> AVIATION_IDS = new HashSet<>();
  static final String TWO_VERSIONS = "indicator--00000000-0000-4000-8000-00000000000a";

  // On the indicators topic, referred to by rail-op-0's own feed (member:rail-op-0).
  static final String OWN_FEED = "member:rail-op-0";
  static final String REF_GREEN = uuidId("indicator", 0x501);
  static final String REF_AMBER = uuidId("indicator", 0x502);
  static final String REF_RED = uuidId("indicator", 0x503);
  static final String REF_LATE = uuidId("indicator", 0x504);
  static final String UNREFERENCED = uuidId("indicator", 0x505);

  @BeforeAll
  static void start() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        List.of(
            SignalboxTopics.feed("rail", 2),
            SignalboxTopics.feed("aviation", 1),
            SignalboxTopics.feed(OWN_FEED, 1),
            SignalboxTopics.indicators(2)),
        Duration.ofSeconds(60));
    AvroCodec<Indicator> ic = AvroCodec.indicator();
    AvroCodec<Sighting> sc = AvroCodec.sighting();
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      // rail: 7 indicators (one in two versions), 5 sightings, one RED sighting the collection
      // (max AMBER) must withhold, and one undecodable record.
      for (int i = 0; i < 7; i++) {
        Indicator ind =
            indicator(uuidId("indicator", 0x100 + i), ObservableType.DOMAIN, "r" + i + ".example")
                .build();
        send(p, "feed.rail", ind.getId(), ic.encode(ind));
        RAIL_IDS.add(ind.getId());
      }
      Indicator v1 = indicator(TWO_VERSIONS, ObservableType.IPV4, "198.51.100.7").build();
      Indicator v2 =
          indicator(TWO_VERSIONS, ObservableType.IPV4, "198.51.100.7")
              .setVersion(T0.plusSeconds(60))
              .setConfidence(95)
              .build();
      send(p, "feed.rail", TWO_VERSIONS, ic.encode(v1));
      send(p, "feed.rail", TWO_VERSIONS, ic.encode(v2));
      RAIL_IDS.add(TWO_VERSIONS);
      for (int i = 0; i < 5; i++) {
        Sighting s =
            sighting(uuidId("sighting", 0x200 + i), TWO_VERSIONS, "rail-op-" + (i % 2)).build();
        send(p, "feed.rail", s.getIndicatorId(), sc.encode(s));
        RAIL_IDS.add(s.getSightingId());
      }
      Sighting red =
          sighting(uuidId("sighting", 0x2ff), TWO_VERSIONS, "rail-op-0").setTlp(Tlp.RED).build();
      send(p, "feed.rail", red.getIndicatorId(), sc.encode(red));
      send(p, "feed.rail", "junk", "not avro".getBytes(StandardCharsets.UTF_8));
      // aviation: 2 indicators, 2 sightings.
      for (int i = 0; i < 2; i++) {
        Indicator ind =
            indicator(uuidId("indicator", 0x300 + i), ObservableType.DOMAIN, "a" + i + ".example")
                .build();
        send(p, "feed.aviation", ind.getId(), ic.encode(ind));
        AVIATION_IDS.add(ind.getId());
        Sighting s = sighting(uuidId("sighting", 0x400 + i), ind.getId(), "airline-x").build();
        send(p, "feed.aviation", s.getIndicatorId(), sc.encode(s));
        AVIATION_IDS.add(s.getSightingId());
      }
      // rail-op-0's own feed: sightings of indicators the feed itself does not carry, and an
      // alert; the indicators are on the indicators topic only, one of them RED from another
      // member, one published only after the gateway started.
      for (Indicator ind :
          List.of(
              indicator(REF_GREEN, ObservableType.DOMAIN, "g.example").build(),
              indicator(REF_AMBER, ObservableType.DOMAIN, "a.example").setTlp(Tlp.AMBER).build(),
              indicator(REF_RED, ObservableType.DOMAIN, "r.example")
                  .setTlp(Tlp.RED)
                  .setSource("airline-x")
                  .build(),
              indicator(UNREFERENCED, ObservableType.DOMAIN, "u.example").build())) {
        send(p, SignalboxTopics.INDICATORS, ind.getId(), ic.encode(ind));
      }
      String ownTopic = SignalboxTopics.feedTopic(OWN_FEED);
      List<String> refs = List.of(REF_GREEN, REF_RED, REF_LATE);
      for (int i = 0; i < refs.size(); i++) {
        String ref = refs.get(i);
        Sighting s =
            sighting(uuidId("sighting", 0x600 + i), ref, "rail-op-0")
                .setMatchedValue("seen." + ref.substring(ref.length() - 3) + ".example")
                .setTlp(ref.equals(REF_RED) ? Tlp.RED : Tlp.GREEN)
                .build();
        send(p, ownTopic, ref, sc.encode(s));
      }
      CampaignAlert alert =
          GatewayFixtures.campaignAlert("alert-own", 1)
              .setIndicatorIds(List.of(REF_AMBER, REF_RED))
              .build();
      send(p, ownTopic, "alert-own", AvroCodec.campaignAlert().encode(alert));
    }
    GatewayConfig config =
        GatewayFixtures.config(
            new String[][] {{"rail-op", "rail"}, {"airline", "aviation"}, {"rail-zero", OWN_FEED}},
            "rail",
            "aviation",
            OWN_FEED);
    config.collections.get(2).maxTlp = null; // a member's own feed: up to RED
    // airline-x opted in to attribution: its sightings name it, after its identity object.
    config.attributedMembers = List.of("airline-x");
    // The tests page and probe in bursts; the per-member rate has tests of its own.
    config.limits = new GatewayLimits();
    config.limits.requestsPerUserPerSecond = 10_000;
    config.validate();
    AVIATION_IDS.add(StixObjects.namedIdentityId("airline-x"));
    gateway =
        Gateway.start(
            config, broker.bootstrapServers(), "127.0.0.1", 0, 0, TaxiiTransport.plainLoopback());
    root = "http://127.0.0.1:" + gateway.port() + "/";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    // rail holds 14 object versions (7 + 2 + 5), aviation 5 (2 + 2 + airline-x's identity).
    while ((gateway.held("rail") < 14 || gateway.held("aviation") < 5)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(gateway.held("rail")).isEqualTo(14);
    assertThat(gateway.held("aviation")).isEqualTo(5);
    // The own feed: 3 sightings, the grouping, rail-op-0's identity (its own feed names it), and
    // the two indicators its marking allows there (GREEN, AMBER); not RED, not the unreferenced.
    while (gateway.held(OWN_FEED) < 7 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(gateway.held(OWN_FEED)).isEqualTo(7);
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

  static String collectionsPath(TaxiiSpecClient c) throws Exception {
    TaxiiSpecClient.Answer discovery = c.get("taxii2/", Map.of());
    assertThat(discovery.status()).isEqualTo(200);
    String apiRoot = discovery.body().get("api_roots").get(0).asText();
    TaxiiSpecClient.Answer rootInfo = c.get(apiRoot, Map.of());
    assertThat(rootInfo.body().get("versions").get(0).asText()).isEqualTo(TaxiiSpecClient.MEDIA);
    return apiRoot + "collections/";
  }

  static String onlyCollection(TaxiiSpecClient c) throws Exception {
    TaxiiSpecClient.Answer list = c.get(collectionsPath(c), Map.of());
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().get("collections")).hasSize(1);
    JsonNode col = list.body().get("collections").get(0);
    assertThat(col.get("can_read").asBoolean()).isTrue();
    assertThat(col.get("can_write").asBoolean()).isFalse();
    return collectionsPath(c) + col.get("id").asText() + "/";
  }

  static Set<String> idsOf(List<TaxiiSpecClient.Answer> pages) {
    Set<String> ids = new HashSet<>();
    for (TaxiiSpecClient.Answer a : pages) {
      a.body().path("objects").forEach(o -> assertThat(ids.add(o.get("id").asText())).isTrue());
    }
    return ids;
  }

  @Test
  void eachMemberSeesExactlyItsAudienceWithCorrectPaging() throws Exception {
    TaxiiSpecClient rail = new TaxiiSpecClient(root, "rail-op", "rail-op-pw");
    TaxiiSpecClient airline = new TaxiiSpecClient(root, "airline", "airline-pw");
    String railCol = onlyCollection(rail);
    String aviationCol = onlyCollection(airline);
    assertThat(railCol).isNotEqualTo(aviationCol);

    List<TaxiiSpecClient.Answer> pages = rail.pages(railCol + "objects/", Map.of("limit", "4"));
    // 13 ids (latest version of each): pages of 4, 4, 4, 1.
    assertThat(pages).extracting(a -> a.body().path("objects").size()).containsExactly(4, 4, 4, 1);
    assertThat(idsOf(pages)).isEqualTo(RAIL_IDS);
    String previousLast = null;
    for (TaxiiSpecClient.Answer a : pages) {
      String first = a.header("X-TAXII-Date-Added-First");
      String last = a.header("X-TAXII-Date-Added-Last");
      assertThat(first).isNotNull();
      assertThat(first.compareTo(last)).isLessThanOrEqualTo(0);
      if (previousLast != null) {
        assertThat(first.compareTo(previousLast)).isGreaterThan(0);
      }
      previousLast = last;
    }
    JsonNode latest = find(pages, TWO_VERSIONS);
    assertThat(latest.get("confidence").asInt()).isEqualTo(95);
    assertThat(latest.get("pattern").asText()).isEqualTo("[ipv4-addr:value = '198.51.100.7']");
    assertThat(latest.get("object_marking_refs").get(0).asText())
        .isEqualTo(TlpMarkingDefinitions.TLP2_GREEN);

    List<TaxiiSpecClient.Answer> aviationPages = airline.pages(aviationCol + "objects/", Map.of());
    assertThat(idsOf(aviationPages)).isEqualTo(AVIATION_IDS);

    // Neither may reach the other's collection, not even by its id: 404 as if it did not exist.
    for (String sub : List.of("", "objects/", "manifest/", "objects/" + TWO_VERSIONS + "/")) {
      TaxiiSpecClient.Answer denied = airline.get(railCol + sub, Map.of());
      assertThat(denied.status()).isEqualTo(404);
      assertThat(denied.body().toString()).doesNotContain("indicator--", "sighting--");
    }
    assertThat(rail.get(aviationCol + "objects/", Map.of()).status()).isEqualTo(404);
  }

  @Test
  void anAttributedMemberIsNamedAndTheOthersArePseudonyms() throws Exception {
    TaxiiSpecClient airline = new TaxiiSpecClient(root, "airline", "airline-pw");
    String aviationCol = onlyCollection(airline);
    JsonNode identity =
        find(
            airline.pages(aviationCol + "objects/", Map.of()),
            StixObjects.namedIdentityId("airline-x"));
    assertThat(identity.get("name").asText()).isEqualTo("airline-x");
    for (JsonNode s :
        airline
            .get(aviationCol + "objects/", Map.of("match[type]", "sighting"))
            .body()
            .get("objects")) {
      assertThat(s.get("where_sighted_refs").get(0).asText())
          .isEqualTo(identity.get("id").asText());
    }

    TaxiiSpecClient rail = new TaxiiSpecClient(root, "rail-op", "rail-op-pw");
    String railCol = onlyCollection(rail);
    TaxiiSpecClient.Answer identities =
        rail.get(railCol + "objects/", Map.of("match[type]", "identity"));
    assertThat(identities.body().path("objects")).as("nobody in rail opted in").isEmpty();
    TaxiiSpecClient.Answer sightings =
        rail.get(railCol + "objects/", Map.of("match[type]", "sighting"));
    assertThat(sightings.body().get("objects")).isNotEmpty();
    for (JsonNode s : sightings.body().get("objects")) {
      assertThat(s.get("where_sighted_refs").get(0).asText())
          .startsWith("identity--")
          .isNotIn(
              StixObjects.namedIdentityId("rail-op-0"), StixObjects.namedIdentityId("rail-op-1"));
    }
    assertThat(sightings.body().toString()).doesNotContain("rail-op-0", "rail-op-1");
  }

  @Test
  void addedAfterManifestVersionsAndFilters() throws Exception {
    TaxiiSpecClient rail = new TaxiiSpecClient(root, "rail-op", "rail-op-pw");
    String col = onlyCollection(rail);
    TaxiiSpecClient.Answer first = rail.get(col + "objects/", Map.of("limit", "5"));
    String cut = first.header("X-TAXII-Date-Added-Last");
    List<TaxiiSpecClient.Answer> rest = rail.pages(col + "objects/", Map.of("added_after", cut));
    Set<String> firstIds = idsOf(List.of(first));
    Set<String> restIds = idsOf(rest);
    assertThat(restIds).doesNotContainAnyElementsOf(firstIds);
    Set<String> union = new HashSet<>(firstIds);
    union.addAll(restIds);
    assertThat(union).isEqualTo(RAIL_IDS);

    List<TaxiiSpecClient.Answer> manifest = rail.pages(col + "manifest/", Map.of("limit", "6"));
    List<String> manifestIds = new ArrayList<>();
    manifest.forEach(
        a ->
            a.body()
                .path("objects")
                .forEach(
                    o -> {
                      manifestIds.add(o.get("id").asText());
                      assertThat(o.get("media_type").asText())
                          .isEqualTo("application/stix+json;version=2.1");
                    }));
    assertThat(new HashSet<>(manifestIds)).isEqualTo(RAIL_IDS);
    assertThat(manifestIds).hasSize(RAIL_IDS.size());

    TaxiiSpecClient.Answer versions =
        rail.get(col + "objects/" + TWO_VERSIONS + "/versions/", Map.of());
    assertThat(versions.body().get("versions"))
        .extracting(JsonNode::asText)
        .containsExactly("2026-11-01T00:00:00.000Z", "2026-11-01T00:01:00.000Z");
    TaxiiSpecClient.Answer all =
        rail.get(col + "objects/" + TWO_VERSIONS + "/", Map.of("match[version]", "all"));
    assertThat(all.body().get("objects")).hasSize(2);

    Set<String> sightings = idsOf(rail.pages(col + "objects/", Map.of("match[type]", "sighting")));
    assertThat(sightings).hasSize(5).allMatch(id -> id.startsWith("sighting--"));
    JsonNode s =
        rail.get(col + "objects/", Map.of("match[type]", "sighting", "limit", "1"))
            .body()
            .get("objects")
            .get(0);
    assertThat(s.get("sighting_of_ref").asText()).isEqualTo(TWO_VERSIONS);
    assertThat(s.get("where_sighted_refs").get(0).asText()).startsWith("identity--");
    assertThat(s.toString()).doesNotContain("rail-op-");
  }

  @Test
  void badRequestsGetTheStatusAndErrorBodyOfTheSpecification() throws Exception {
    TaxiiSpecClient rail = new TaxiiSpecClient(root, "rail-op", "rail-op-pw");
    String col = onlyCollection(rail);
    assertError(rail.get(col + "objects/", Map.of("match[type]", "Not A Type!")), 400);
    assertError(rail.get(col + "objects/", Map.of("match[colour]", "red")), 400);
    assertError(rail.get(col + "objects/", Map.of("added_after", "yesterday")), 400);
    assertError(rail.get(col + "objects/", Map.of("limit", "-3")), 400);
    assertError(rail.get(col + "objects/", Map.of("next", "xyz")), 400);
    assertError(
        rail.get(collectionsPath(rail) + "00000000-0000-0000-0000-000000000000/objects/", Map.of()),
        404);
    assertError(
        rail.get(col + "objects/indicator--6e6f7065-0000-4000-8000-000000000000/", Map.of()), 404);
    assertError(rail.get(col + "objects/", Map.of(), "application/json"), 406);
    assertError(rail.get(col + "objects/", Map.of(), "application/taxii+json;version=2.0"), 406);

    TaxiiSpecClient wrong = new TaxiiSpecClient(root, "rail-op", "airline-pw");
    TaxiiSpecClient.Answer denied = wrong.get(col + "objects/", Map.of());
    assertError(denied, 401);
    assertThat(denied.header("WWW-Authenticate")).startsWith("Basic ");
    assertError(new TaxiiSpecClient(root, "nobody", "x").get("taxii2/", Map.of()), 401);
    assertError(new TaxiiSpecClient(root, null, null).get(col + "objects/", Map.of()), 401);
  }

  @Test
  void metricsAreServedOnTheirOwnPort() throws Exception {
    new TaxiiSpecClient(root, "rail-op", "rail-op-pw").get("taxii2/", Map.of());
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    for (String name : GatewayMetrics.EXPORTED) {
      assertThat(r.body()).contains(name);
    }
    assertThat(r.body())
        .contains("signalbox_gateway_objects_held{collection=\"rail\"} 14")
        .contains("signalbox_gateway_records_total{collection=\"rail\",outcome=\"withheld_tlp\"} 1")
        .contains("signalbox_gateway_records_total{collection=\"rail\",outcome=\"undecodable\"} 1");
  }

  @Test
  void aMembersOwnFeedServesTheIndicatorsItsSightingsReferToOrSaysWhyNot() throws Exception {
    TaxiiSpecClient member = new TaxiiSpecClient(root, "rail-zero", "rail-zero-pw");
    String col = onlyCollection(member);
    List<TaxiiSpecClient.Answer> pages = member.pages(col + "objects/", Map.of());
    Set<String> ids = idsOf(pages);
    assertThat(ids).contains(REF_GREEN, REF_AMBER).doesNotContain(REF_RED, UNREFERENCED);

    List<JsonNode> sightings = new ArrayList<>();
    pages.forEach(
        a ->
            a.body()
                .path("objects")
                .forEach(
                    o -> {
                      if (o.get("type").asText().equals("sighting")) {
                        sightings.add(o);
                      }
                    }));
    assertThat(sightings).hasSize(3);
    for (JsonNode s : sightings) {
      String ref = s.get("sighting_of_ref").asText();
      assertThat(s.get("x_signalbox_matched_value").asText())
          .as("what matched")
          .isEqualTo("seen." + ref.substring(ref.length() - 3) + ".example");
      if (ref.equals(REF_RED)) {
        assertThat(s.get("x_signalbox_withheld_refs").get(REF_RED).asText()).contains("TLP:RED");
      } else if (ref.equals(REF_GREEN)) {
        assertThat(ids).contains(ref);
        assertThat(s.has("x_signalbox_withheld_refs")).isFalse();
      }
    }
    JsonNode grouping =
        member
            .get(col + "objects/", Map.of("match[type]", "grouping"))
            .body()
            .get("objects")
            .get(0);
    for (JsonNode ref : grouping.get("object_refs")) {
      assertThat(
              ids.contains(ref.asText())
                  || grouping.path("x_signalbox_withheld_refs").has(ref.asText()))
          .as("object_ref %s resolves or is said to be withheld", ref.asText())
          .isTrue();
    }
    assertThat(member.get(col + "objects/" + REF_RED + "/", Map.of()).status()).isEqualTo(404);
  }

  @Test
  void anIndicatorPublishedAfterItsSightingIsServedWhenItArrives() throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      send(
          p,
          SignalboxTopics.INDICATORS,
          REF_LATE,
          AvroCodec.indicator()
              .encode(indicator(REF_LATE, ObservableType.DOMAIN, "late.example").build()));
    }
    TaxiiSpecClient member = new TaxiiSpecClient(root, "rail-zero", "rail-zero-pw");
    String col = onlyCollection(member);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline) {
      status = member.get(col + "objects/" + REF_LATE + "/", Map.of()).status();
      if (status == 200) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(status).isEqualTo(200);
    assertThat(gateway.held(OWN_FEED)).isEqualTo(8);
  }

  static void assertError(TaxiiSpecClient.Answer a, int status) {
    assertThat(a.status()).as(a.body().toString()).isEqualTo(status);
    assertThat(a.body().get("title").asText()).isNotBlank();
    assertThat(a.body().get("http_status").asText()).isEqualTo(Integer.toString(status));
    assertThat(a.body().toString())
        .doesNotContain("indicator--30000000-0000-4000-8000-000000000000", "sighting--0");
  }

  static JsonNode find(List<TaxiiSpecClient.Answer> pages, String id) {
    for (TaxiiSpecClient.Answer a : pages) {
      for (JsonNode o : a.body().path("objects")) {
        if (o.get("id").asText().equals(id)) {
          return o;
        }
      }
    }
    throw new AssertionError("no " + id);
  }

  static String uuidId(String type, int n) {
    return String.format("%s--00000000-0000-4000-8000-%012x", type, n);
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
