package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.gateway.GatewayFixtures.campaignAlert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.schema.AlertDigest;
import org.signalbox.schema.DigestPeriod;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.TlpMarkingDefinitions;
import org.signalbox.stix.export.StixObjects;

/** AlertDigest records as the STIX 2.1 reports a digest collection serves. */
class AlertDigestStixTest {
  final StixObjects stix = new StixObjects("community", new AudiencePseudonyms(new byte[16]));
  final AvroCodec<AlertDigest> codec = AvroCodec.alertDigest();

  static AlertDigest digest(Tlp tlp) {
    return AlertDigest.newBuilder()
        .setAudience("community")
        .setPeriod(DigestPeriod.DAILY)
        .setWindowStart(Instant.parse("2026-11-01T00:00:00Z"))
        .setWindowEnd(Instant.parse("2026-11-02T00:00:00Z"))
        .setAlerts(
            List.of(
                campaignAlert("ca-1", 3).setTlp(Tlp.GREEN).build(),
                campaignAlert("ca-2", 1).setTlp(tlp).build()))
        .setCount(2)
        .setTlp(tlp)
        .build();
  }

  @Test
  void digestBecomesAPublishedThreatReportReferencingTheAlertGroupings() {
    ObjectNode r = stix.alertDigest(digest(Tlp.AMBER));
    assertThat(r.get("type").asText()).isEqualTo("report");
    assertThat(r.get("spec_version").asText()).isEqualTo("2.1");
    assertThat(r.get("id").asText()).startsWith("report--");
    assertThat(r.get("published").asText()).isEqualTo("2026-11-02T00:00:00.000Z");
    assertThat(r.get("created").asText()).isEqualTo("2026-11-02T00:00:00.000Z");
    assertThat(r.get("report_types")).extracting(JsonNode::asText).containsExactly("threat-report");
    // The same ids the real-time feed gives the alerts' groupings.
    assertThat(r.get("object_refs"))
        .extracting(JsonNode::asText)
        .containsExactly(
            stix.campaignAlert(campaignAlert("ca-1", 3).build()).get("id").asText(),
            stix.campaignAlert(campaignAlert("ca-2", 1).build()).get("id").asText());
    assertThat(r.get("object_marking_refs"))
        .extracting(JsonNode::asText)
        .containsExactly(TlpMarkingDefinitions.TLP2_AMBER);
    assertThat(r.get("x_signalbox_digest_period").asText()).isEqualTo("daily");
    assertThat(r.get("x_signalbox_alert_count").asInt()).isEqualTo(2);
    assertThat(r.get("x_signalbox_alert_revisions"))
        .extracting(JsonNode::asInt)
        .containsExactly(3, 1);
    assertThat(r.get("name").asText()).contains("daily alert digest");
    // Same audience, period and window: same id, even from another gateway instance.
    StixObjects other = new StixObjects("community", new AudiencePseudonyms(new byte[32]));
    assertThat(other.alertDigest(digest(Tlp.AMBER)).get("id")).isEqualTo(r.get("id"));
  }

  @Test
  void converterRecognizesDigestsAndWithholdsThemAboveTheCollectionsMarking() {
    FeedRecordConverter green = new FeedRecordConverter(stix, Tlp.GREEN);
    FeedRecordConverter.Result ok = green.convert(codec.encode(digest(Tlp.GREEN)));
    assertThat(ok.outcome()).isEqualTo(FeedRecordConverter.Outcome.CONVERTED);
    assertThat(ok.object().orElseThrow().get("type").asText()).isEqualTo("report");
    assertThat(green.convert(codec.encode(digest(Tlp.AMBER))).outcome())
        .isEqualTo(FeedRecordConverter.Outcome.WITHHELD_TLP);

    AlertDigest empty = AlertDigest.newBuilder(digest(Tlp.GREEN)).setAlerts(List.of()).build();
    FeedRecordConverter.Result bad = green.convert(codec.encode(empty));
    assertThat(bad.outcome()).isEqualTo(FeedRecordConverter.Outcome.UNDECODABLE);
    assertThat(bad.reason()).contains("AlertDigest").contains("object_refs");

    FeedRecordConverter.Result junk = green.convert(new byte[] {(byte) 0xc3, 0x01, 1, 2, 3});
    assertThat(junk.reason()).contains("nor an AlertDigest");
  }

  @Test
  void aCollectionOnTheDigestTopicServesTheReport() throws Exception {
    CollectionStore store = new CollectionStore(Clock.systemUTC());
    FeedRecordConverter converter = new FeedRecordConverter(stix, Tlp.AMBER);
    assertThat(store.add(converter.convert(codec.encode(digest(Tlp.AMBER))).object().orElseThrow()))
        .isTrue();
    GatewayConfig config = GatewayFixtures.config(new String[][] {{"a", "community"}}, "community");
    TaxiiServer server =
        new TaxiiServer(
            config,
            List.of(
                new TaxiiServer.ServedCollection(
                    "digest", "community", "Community daily digest", null, store)),
            new MemberAuthenticator(config.members),
            new GatewayMetrics());
    MemberAuthenticator.Member a = new MemberAuthenticator.Member("a", Set.of("community"));
    JsonNode objects =
        server
            .answer(
                "GET",
                "/isac/collections/digest/objects/",
                Map.of("match[type]", List.of("report")),
                List.of(TaxiiServer.TAXII_MEDIA_TYPE),
                a)
            .body()
            .get("objects");
    assertThat(objects).hasSize(1);
    assertThat(objects.get(0).get("report_types").get(0).asText()).isEqualTo("threat-report");
    assertThat(objects.get(0).get("object_refs")).hasSize(2);
  }
}
