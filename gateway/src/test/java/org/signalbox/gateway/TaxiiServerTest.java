package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.signalbox.gateway.GatewayFixtures.indicator;
import static org.signalbox.gateway.GatewayFixtures.sighting;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.core.IndicatorIds;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.export.StixObjects;

/** The TAXII handler logic without HTTP: routing, audiences, filters, paging and errors. */
class TaxiiServerTest {

  static final List<String> ACCEPT = List.of(TaxiiServer.TAXII_MEDIA_TYPE);
  final GatewayConfig config =
      GatewayFixtures.config(new String[][] {{"a", "rail"}, {"b", "aviation"}}, "rail", "aviation");
  final CollectionStore rail =
      new CollectionStore(Clock.fixed(Instant.parse("2026-11-02T00:00:00Z"), ZoneOffset.UTC));
  final CollectionStore aviation = new CollectionStore(Clock.systemUTC());
  final StixObjects stix = new StixObjects("rail", new AudiencePseudonyms(new byte[16]));
  final TaxiiServer server =
      new TaxiiServer(
          config,
          List.of(
              new TaxiiServer.ServedCollection("c-rail", "rail", "Rail", null, rail),
              new TaxiiServer.ServedCollection(
                  "c-aviation", "aviation", "Aviation", null, aviation)),
          new MemberAuthenticator(config.members),
          new GatewayMetrics());
  final MemberAuthenticator.Member memberA = new MemberAuthenticator.Member("a", Set.of("rail"));

  TaxiiServer.Response get(String path, Map<String, List<String>> params) throws TaxiiException {
    return server.answer("GET", path, params, ACCEPT, memberA);
  }

  @Test
  void listsOnlyTheMembersCollectionsAndHidesOthersAs404() throws Exception {
    aviation.add(
        stix.indicator(
            indicator(
                    "indicator--78000000-0000-4000-8000-000000000000",
                    ObservableType.DOMAIN,
                    "a.example")
                .build()));
    assertThat(get("/isac/collections/", Map.of()).body().get("collections"))
        .extracting(n -> n.get("id").asText())
        .containsExactly("c-rail");
    assertThatThrownBy(() -> get("/isac/collections/c-aviation/objects/", Map.of()))
        .isInstanceOfSatisfying(TaxiiException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> get("/other/collections/", Map.of()))
        .isInstanceOfSatisfying(TaxiiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void datesAddedStayStrictlyIncreasingUnderAFixedClockAndPagingFollowsThem() throws Exception {
    for (int i = 0; i < 5; i++) {
      rail.add(
          stix.indicator(
              indicator(
                      IndicatorIds.spelled(String.valueOf(i)),
                      ObservableType.DOMAIN,
                      i + ".example")
                  .build()));
    }
    TaxiiServer.Response page1 =
        get("/isac/collections/c-rail/objects/", Map.of("limit", List.of("2")));
    assertThat(page1.body().get("more").asBoolean()).isTrue();
    assertThat(page1.headers())
        .containsEntry("X-TAXII-Date-Added-First", "2026-11-02T00:00:00.000000Z")
        .containsEntry("X-TAXII-Date-Added-Last", "2026-11-02T00:00:00.000001Z");
    String next = page1.body().get("next").asText();
    TaxiiServer.Response page2 =
        get(
            "/isac/collections/c-rail/objects/",
            Map.of("limit", List.of("10"), "next", List.of(next)));
    assertThat(page2.body().get("more").asBoolean()).isFalse();
    assertThat(page2.body().get("objects"))
        .extracting(n -> n.get("id").asText())
        .containsExactly(
            "indicator--32000000-0000-4000-8000-000000000000",
            "indicator--33000000-0000-4000-8000-000000000000",
            "indicator--34000000-0000-4000-8000-000000000000");
    TaxiiServer.Response after =
        get(
            "/isac/collections/c-rail/manifest/",
            Map.of("added_after", List.of("2026-11-02T00:00:00.000003Z")));
    assertThat(after.body().get("objects"))
        .extracting(n -> n.get("id").asText())
        .containsExactly("indicator--34000000-0000-4000-8000-000000000000");
  }

  @Test
  void replayedRecordsAreNotAddedTwiceAndVersionsAreKept() throws Exception {
    var v1 =
        indicator(
                "indicator--76000000-0000-4000-8000-000000000000", ObservableType.IPV4, "192.0.2.1")
            .build();
    var v2 =
        indicator(
                "indicator--76000000-0000-4000-8000-000000000000", ObservableType.IPV4, "192.0.2.1")
            .setVersion(GatewayFixtures.T0.plusSeconds(5))
            .build();
    assertThat(rail.add(stix.indicator(v1))).isTrue();
    assertThat(rail.add(stix.indicator(v1))).isFalse();
    assertThat(rail.add(stix.indicator(v2))).isTrue();
    assertThat(get("/isac/collections/c-rail/objects/", Map.of()).body().get("objects")).hasSize(1);
    assertThat(
            get("/isac/collections/c-rail/objects/", Map.of("match[version]", List.of("first")))
                .body()
                .get("objects")
                .get(0)
                .get("modified")
                .asText())
        .isEqualTo("2026-11-01T00:00:00.000Z");
    assertThat(
            get(
                    "/isac/collections/c-rail/objects/indicator--76000000-0000-4000-8000-000000000000/versions/",
                    Map.of())
                .body()
                .get("versions"))
        .hasSize(2);
    // created stays the first version's across versions, as STIX requires.
    assertThat(stix.indicator(v2).get("created").asText()).isEqualTo("2026-11-01T00:00:00.000Z");
  }

  @Test
  void badFiltersAndAcceptHeadersAreRejectedWithTheSpecStatus() {
    for (Map<String, List<String>> bad :
        List.of(
            Map.of("added_after", List.of("2026-13-45")),
            Map.of("limit", List.of("0")),
            Map.of("limit", List.of("ten")),
            Map.of("match[type]", List.of("indicator,")),
            Map.of("match[id]", List.of("not an id")),
            Map.of("match[version]", List.of("newest")),
            Map.of("match[unknown]", List.of("x")),
            Map.of("limit", List.of("1", "2")))) {
      assertThatThrownBy(() -> get("/isac/collections/c-rail/objects/", bad))
          .as(bad.toString())
          .isInstanceOfSatisfying(TaxiiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
    assertThatThrownBy(
            () ->
                server.answer(
                    "GET", "/isac/collections/", Map.of(), List.of("application/json"), memberA))
        .isInstanceOfSatisfying(TaxiiException.class, e -> assertThat(e.status()).isEqualTo(406));
    assertThatThrownBy(() -> server.answer("GET", "/isac/collections/", Map.of(), null, memberA))
        .isInstanceOfSatisfying(TaxiiException.class, e -> assertThat(e.status()).isEqualTo(406));
    assertThatThrownBy(
            () ->
                server.answer(
                    "POST", "/isac/collections/c-rail/objects/", Map.of(), ACCEPT, memberA))
        .isInstanceOfSatisfying(TaxiiException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void acceptsTheTaxiiMediaTypeWithOrWithoutVersionAmongOthers() throws Exception {
    TaxiiServer.checkAccept(List.of("application/json, application/taxii+json"));
    TaxiiServer.checkAccept(List.of("application/taxii+json; version=2.1"));
  }

  @Test
  void stixConversionOfSightingsAndPatterns() {
    var s =
        stix.sighting(
            sighting(
                    "sighting--s1",
                    "indicator--69000000-0000-4000-8000-000000000000",
                    "rail-member-7")
                .build());
    assertThat(s.get("type").asText()).isEqualTo("sighting");
    assertThat(s.get("count").asInt()).isEqualTo(1);
    assertThat(s.get("first_seen").asText()).isEqualTo("2026-11-01T01:00:00.000Z");
    assertThat(s.get("where_sighted_refs").get(0).asText())
        .matches("identity--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
        .isNotEqualTo(
            new StixObjects("aviation", new AudiencePseudonyms(new byte[16]))
                .sighting(
                    sighting(
                            "sighting--s1",
                            "indicator--69000000-0000-4000-8000-000000000000",
                            "rail-member-7")
                        .build())
                .get("where_sighted_refs")
                .get(0)
                .asText());
    assertThat(s.toString()).doesNotContain("rail-member-7", "kill_chain_phases");
    // What matched travels with the sighting.
    assertThat(s.get("x_signalbox_matched_type").asText()).isEqualTo("domain");
    assertThat(s.get("x_signalbox_matched_value").asText()).isEqualTo("c2.evil.example");
    assertThat(
            StixObjects.patternOf(
                indicator(
                        "indicator--6e000000-0000-4000-8000-000000000000",
                        ObservableType.IPV4,
                        "198.51.100.0/24")
                    .setMatchKind(MatchKind.CIDR)
                    .build()))
        .isEqualTo("[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
    assertThat(
            StixObjects.patternOf(
                indicator(
                        "indicator--64000000-0000-4000-8000-000000000000",
                        ObservableType.DOMAIN,
                        "*.evil.example")
                    .setMatchKind(MatchKind.DOMAIN_SUFFIX)
                    .build()))
        .isEqualTo("[domain-name:value LIKE '%.evil.example']");
    assertThat(
            StixObjects.patternOf(
                indicator(
                        "indicator--71000000-0000-4000-8000-000000000000",
                        ObservableType.URL,
                        "http://x.example/it's")
                    .build()))
        .isEqualTo("[url:value = 'http://x.example/it\\'s']");
  }

  @Test
  void passwordsAndCredentials() {
    String h = PasswordHash.hash("s3cret".toCharArray(), 10_000);
    assertThat(h).startsWith("pbkdf2-sha256$10000$").doesNotContain("s3cret");
    assertThat(PasswordHash.verify("s3cret".toCharArray(), h)).isTrue();
    assertThat(PasswordHash.verify("s3cret!".toCharArray(), h)).isFalse();
    MemberAuthenticator auth = new MemberAuthenticator(config.members);
    String good = "Basic " + java.util.Base64.getEncoder().encodeToString("a:a-pw".getBytes());
    assertThat(auth.authenticate(good))
        .hasValueSatisfying(m -> assertThat(m.audiences()).containsExactly("rail"));
    assertThat(auth.authenticate(good)).isPresent();
    String bad = "Basic " + java.util.Base64.getEncoder().encodeToString("a:b-pw".getBytes());
    assertThat(auth.authenticate(bad)).isEmpty();
    assertThat(auth.authenticate("Basic %%%")).isEmpty();
    assertThat(auth.authenticate("Bearer x")).isEmpty();
    assertThat(auth.authenticate(null)).isEmpty();
  }

  @Test
  void configFaultsAreReportedByPlace() {
    GatewayConfig c = GatewayFixtures.config(new String[][] {{"a", "rail"}}, "rail");
    c.members.get(0).audiences = List.of("maritime");
    assertThatThrownBy(c::validate).hasMessageContaining("members[0]: audience maritime");
    c.members.get(0).audiences = List.of("rail");
    c.members.get(0).passwordHash = "plain";
    assertThatThrownBy(c::validate).hasMessageContaining("members[0].passwordHash");
  }

  @Test
  void membersAreServedOnlyRoutedFeedsAndGreenIndicatorsRawTopicsOnlyTheSecretariat() {
    GatewayConfig c = GatewayFixtures.config(new String[][] {{"a", "rail"}}, "rail");
    GatewayConfig.Collection isac = new GatewayConfig.Collection();
    isac.audience = "isac";
    isac.topics = List.of("feed.community", "indicators");
    isac.maxTlp = org.signalbox.schema.Tlp.GREEN;
    c.collections.add(isac);
    c.members.get(0).audiences = List.of("rail", "isac");
    c.validate(); // routed feeds and the green indicator pool: fine for a member
    isac.maxTlp = org.signalbox.schema.Tlp.AMBER;
    assertThatThrownBy(c::validate)
        .hasMessageContaining("members[0] (a): audience isac reads the indicators topic")
        .hasMessageContaining("only up to green");
    for (String raw : List.of("sightings", "campaign-alerts", "indicator-audit", "deadletter")) {
      isac.maxTlp = org.signalbox.schema.Tlp.GREEN;
      isac.topics = List.of("feed.community", raw);
      assertThatThrownBy(c::validate)
          .hasMessageContaining("reads the raw job topic '" + raw + "'")
          .hasMessageContaining("secretariat: true");
    }
    c.members.get(0).secretariat = true;
    c.validate();
  }

  /** Found by the walkthrough: an explicit topic list served member b's feed to member a. */
  @Test
  void aMembersCollectionReadsOnlyItsOwnAudiencesFeed() {
    GatewayConfig c = GatewayFixtures.config(new String[][] {{"a", "member:a"}}, "member:a");
    GatewayConfig.Collection own = c.collections.get(0);
    own.topics =
        List.of(
            "feed.member.a",
            "feed.member.a.digest-daily",
            "feed.member.a.digest-hourly",
            "feed.community",
            "feed.community.digest-hourly",
            "feed.public",
            "feed.public.digest-daily");
    c.validate();
    for (String foreign :
        List.of("feed.member.b", "feed.member.ab", "feed.group.rail", "feed.member.a.x")) {
      own.topics = List.of("feed.member.a", foreign);
      assertThatThrownBy(c::validate)
          .as(foreign)
          .hasMessageContaining("members[0] (a): audience member:a reads '" + foreign + "'")
          .hasMessageContaining("routes to another audience");
    }
    c.members.get(0).secretariat = true;
    c.validate();
  }
}
