package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.signalbox.gateway.GatewayFixtures.campaignAlert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.TlpMarkingDefinitions;
import org.signalbox.stix.export.StixObjects;

/** CampaignAlert records as the STIX 2.1 groupings the gateway serves, and their TAXII versions. */
class CampaignAlertStixTest {

  static final String ALERT = "ca-technique-t1566-1793491200000";
  final StixObjects stix = new StixObjects("community", new AudiencePseudonyms(new byte[16]));

  @Test
  void alertBecomesASuspiciousActivityGroupingWithKeyCountsAndMarking() {
    ObjectNode g = stix.campaignAlert(campaignAlert(ALERT, 1).build());
    assertThat(g.get("type").asText()).isEqualTo("grouping");
    assertThat(g.get("spec_version").asText()).isEqualTo("2.1");
    assertThat(g.get("context").asText()).isEqualTo("suspicious-activity");
    assertThat(g.get("id").asText()).startsWith("grouping--");
    assertThat(g.get("created").asText()).isEqualTo("2026-11-01T00:00:00.000Z");
    assertThat(g.get("modified").asText()).isEqualTo("2026-11-01T00:10:00.000Z");
    assertThat(g.get("name").asText()).isEqualTo("Campaign alert: technique T1566");
    assertThat(g.get("object_refs"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "indicator--00000000-0000-4000-8000-000000000101",
            "indicator--00000000-0000-4000-8000-000000000102");
    assertThat(g.get("object_marking_refs"))
        .extracting(JsonNode::asText)
        .containsExactly(TlpMarkingDefinitions.TLP2_AMBER);
    assertThat(g.get("confidence").asInt()).isEqualTo(85);
    assertThat(g.get("x_signalbox_key_kind").asText()).isEqualTo("technique");
    assertThat(g.get("x_signalbox_key_value").asText()).isEqualTo("T1566");
    assertThat(g.get("x_signalbox_severity").asInt()).isEqualTo(50);
    assertThat(g.get("x_signalbox_revision").asInt()).isEqualTo(1);
    assertThat(g.get("x_signalbox_member_count").asInt()).isEqualTo(3);
    assertThat(g.get("x_signalbox_sector_count").asInt()).isEqualTo(2);
    assertThat(g.get("x_signalbox_sectors"))
        .extracting(JsonNode::asText)
        .containsExactly("rail", "aviation");
    assertThat(g.get("x_signalbox_first_seen").asText()).isEqualTo("2026-11-01T00:00:00.000Z");
    assertThat(g.get("x_signalbox_last_seen").asText()).isEqualTo("2026-11-01T00:10:00.000Z");
    assertThat(g.has("x_signalbox_counts_withheld")).isFalse();
    assertThat(g.get("description").asText()).contains("3 members in 2 sectors");
    // The router's member pseudonyms and key id are not passed on.
    assertThat(g.toString()).doesNotContain("p-0011223344556677", "k1\"");
    // STIX custom property names: lower case, digits and '_', 3 to 250 characters.
    g.fieldNames()
        .forEachRemaining(
            f -> {
              if (f.startsWith("x_")) {
                assertThat(f).matches("[a-z0-9_]{3,250}");
              }
            });
  }

  @Test
  void idIsDeterministicFromTheAlertIdAcrossRevisionsAndGateways() {
    StixObjects other = new StixObjects("member:m-1", new AudiencePseudonyms(new byte[32]));
    String id = stix.campaignAlert(campaignAlert(ALERT, 1).build()).get("id").asText();
    assertThat(stix.campaignAlert(campaignAlert(ALERT, 2).build()).get("id").asText())
        .isEqualTo(id);
    assertThat(other.campaignAlert(campaignAlert(ALERT, 1).build()).get("id").asText())
        .isEqualTo(id);
    assertThat(stix.campaignAlert(campaignAlert(ALERT + "x", 1).build()).get("id").asText())
        .isNotEqualTo(id)
        .matches("grouping--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void withheldCountsAreOmittedNotZero() {
    CampaignAlert withheld =
        campaignAlert(ALERT, 1)
            .setCountsWithheld(true)
            .setMemberCount(0)
            .setSectorCount(0)
            .setSectors(List.of())
            .setMembers(List.of())
            .build();
    ObjectNode g = stix.campaignAlert(withheld);
    assertThat(g.has("x_signalbox_member_count")).isFalse();
    assertThat(g.has("x_signalbox_sector_count")).isFalse();
    assertThat(g.has("x_signalbox_sectors")).isFalse();
    assertThat(g.get("x_signalbox_counts_withheld").asBoolean()).isTrue();
    assertThat(g.get("description").asText()).contains("several members").doesNotContain(" 0 ");
    // What is not withheld stays.
    assertThat(g.get("x_signalbox_severity").asInt()).isEqualTo(50);
    assertThat(g.get("object_refs")).hasSize(2);
  }

  @Test
  void revisionsAreVersionsInOrderEvenWhenEventTimesDoNotMove() throws Exception {
    CollectionStore store = new CollectionStore(Clock.systemUTC());
    CampaignAlert r1 = campaignAlert(ALERT, 1).build();
    CampaignAlert r2 = campaignAlert(ALERT, 2).build();
    // Escalated by a late sighting: lastSeen stays where revision 2 left it.
    CampaignAlert r3 = campaignAlert(ALERT, 3).setLastSeen(r2.getLastSeen()).build();
    assertThat(store.add(stix.campaignAlert(r1))).isTrue();
    assertThat(store.add(stix.campaignAlert(r2))).isTrue();
    assertThat(store.add(stix.campaignAlert(r2))).as("a replayed revision").isFalse();
    ObjectNode third = stix.campaignAlert(r3);
    assertThat(store.add(third)).isTrue();
    assertThat(third.get("modified").asText()).isEqualTo("2026-11-01T00:20:00.001Z");
    assertThat(third.get("created").asText()).isEqualTo("2026-11-01T00:00:00.000Z");

    GatewayConfig config = GatewayFixtures.config(new String[][] {{"a", "community"}}, "community");
    TaxiiServer server =
        new TaxiiServer(
            config,
            List.of(new TaxiiServer.ServedCollection("c", "community", "Community", null, store)),
            new MemberAuthenticator(config.members),
            new GatewayMetrics());
    MemberAuthenticator.Member a = new MemberAuthenticator.Member("a", Set.of("community"));
    String id = third.get("id").asText();
    JsonNode versions =
        server
            .answer(
                "GET",
                "/isac/collections/c/objects/" + id + "/versions/",
                Map.of(),
                List.of(TaxiiServer.TAXII_MEDIA_TYPE),
                a)
            .body()
            .get("versions");
    assertThat(versions)
        .extracting(JsonNode::asText)
        .containsExactly(
            "2026-11-01T00:10:00.000Z", "2026-11-01T00:20:00.000Z", "2026-11-01T00:20:00.001Z");
    JsonNode latest = objects(server, a, id, Map.of()).get(0);
    assertThat(latest.get("x_signalbox_revision").asInt()).isEqualTo(3);
    JsonNode first = objects(server, a, id, Map.of("match[version]", List.of("first"))).get(0);
    assertThat(first.get("x_signalbox_revision").asInt()).isEqualTo(1);
    assertThat(objects(server, a, id, Map.of("match[version]", List.of("all")))).hasSize(3);
    JsonNode second =
        objects(server, a, id, Map.of("match[version]", List.of("2026-11-01T00:20:00.000Z")));
    assertThat(second).hasSize(1);
    assertThat(second.get(0).get("x_signalbox_revision").asInt()).isEqualTo(2);
  }

  static JsonNode objects(
      TaxiiServer server, MemberAuthenticator.Member m, String id, Map<String, List<String>> q)
      throws TaxiiException {
    return server
        .answer(
            "GET",
            "/isac/collections/c/objects/" + id + "/",
            q,
            List.of(TaxiiServer.TAXII_MEDIA_TYPE),
            m)
        .body()
        .get("objects");
  }

  @Test
  void converterDecodesAlertsWithholdsAboveMaxTlpAndReportsUnservableOnes() {
    AvroCodec<CampaignAlert> codec = AvroCodec.campaignAlert();
    FeedRecordConverter green = new FeedRecordConverter(stix, Tlp.GREEN);
    FeedRecordConverter.Result ok =
        green.convert(codec.encode(campaignAlert(ALERT, 1).setTlp(Tlp.GREEN).build()));
    assertThat(ok.outcome()).isEqualTo(FeedRecordConverter.Outcome.CONVERTED);
    assertThat(ok.object().orElseThrow().get("object_marking_refs").get(0).asText())
        .isEqualTo(TlpMarkingDefinitions.TLP2_GREEN);
    assertThat(green.convert(codec.encode(campaignAlert(ALERT, 2).build())).outcome())
        .as("AMBER in a GREEN collection")
        .isEqualTo(FeedRecordConverter.Outcome.WITHHELD_TLP);

    CampaignAlert noRefs =
        campaignAlert("ca-actor", 1)
            .setKeyKind(CampaignKeyKind.ACTOR)
            .setKeyValue("railfox")
            .setIndicatorIds(List.of())
            .setTlp(Tlp.GREEN)
            .build();
    FeedRecordConverter.Result bad = green.convert(codec.encode(noRefs));
    assertThat(bad.outcome()).isEqualTo(FeedRecordConverter.Outcome.UNDECODABLE);
    assertThat(bad.reason()).contains("ca-actor", "object_refs");
    // An indicator key refers to its own indicator when the id list is empty.
    ObjectNode byIndicator =
        stix.campaignAlert(
            campaignAlert("ca-ind", 1)
                .setKeyKind(CampaignKeyKind.INDICATOR)
                .setKeyValue("indicator--00000000-0000-4000-8000-0000000000aa")
                .setIndicatorIds(List.of())
                .build());
    assertThat(byIndicator.get("object_refs"))
        .extracting(JsonNode::asText)
        .containsExactly("indicator--00000000-0000-4000-8000-0000000000aa");

    FeedRecordConverter.Result junk = green.convert(new byte[] {(byte) 0xc3, 0x01, 1, 2, 3});
    assertThat(junk.outcome()).isEqualTo(FeedRecordConverter.Outcome.UNDECODABLE);
    assertThat(junk.reason()).contains("Sighting", "Indicator", "CampaignAlert");
  }

  @Test
  void collectionsDefaultToTheRoutersTopicAndTlpCeilingOfTheirAudience() {
    GatewayConfig c =
        GatewayFixtures.config(
            new String[][] {{"a", "member:m-rail-01", "community"}},
            "member:m-rail-01",
            "group:rail",
            "community",
            "public",
            "tlp-green-rail");
    c.collections.forEach(col -> col.maxTlp = null);
    assertThat(c.collections)
        .extracting(col -> col.topics().get(0))
        .containsExactly(
            "feed.member.m-rail-01",
            "feed.group.rail",
            "feed.community",
            "feed.public",
            "feed.tlp-green-rail");
    assertThat(c.collections)
        .extracting(GatewayConfig.Collection::maxTlp)
        .containsExactly(Tlp.RED, Tlp.AMBER, Tlp.GREEN, Tlp.CLEAR, Tlp.GREEN);
    c.validate();
    c.collections.get(1).audience = "partner:x";
    assertThatThrownBy(c::validate)
        .hasMessageContaining("collections[1].audience must be member:<id>, group:<name>");
    c.collections.get(1).audience = "group:rail";
    c.collections.get(1).topics = List.of("feed group");
    assertThatThrownBy(c::validate).hasMessageContaining("collections[1].topics");
  }
}
