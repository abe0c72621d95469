package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.gateway.GatewayFixtures.T0;
import static org.signalbox.gateway.GatewayFixtures.campaignAlert;
import static org.signalbox.gateway.GatewayFixtures.indicator;
import static org.signalbox.gateway.GatewayFixtures.sighting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.export.StixObjects;

/**
 * A collection serves the indicators its sightings and alerts refer to, as far as each indicator's
 * own marking allows the audience; otherwise the referring object says which is withheld and why.
 */
class ReferencedIndicatorsTest {

  static final String GREEN = "indicator--00000000-0000-4000-8000-000000000a01";
  static final String AMBER = "indicator--00000000-0000-4000-8000-000000000a02";
  static final String RED_OTHER = "indicator--00000000-0000-4000-8000-000000000a03";
  static final String RED_OWN = "indicator--00000000-0000-4000-8000-000000000a04";
  static final String LATE = "indicator--00000000-0000-4000-8000-000000000a05";

  final AudiencePseudonyms key = new AudiencePseudonyms(new byte[32]);
  final AvroCodec<Sighting> sightings = AvroCodec.sighting();
  final IndicatorShelf shelf = new IndicatorShelf("127.0.0.1:1", "indicators", "secretariat");

  ReferencedIndicatorsTest() {
    shelf.offer(ind(GREEN, Tlp.GREEN, "isac"), "test");
    shelf.offer(ind(AMBER, Tlp.AMBER, "isac"), "test");
    shelf.offer(ind(RED_OTHER, Tlp.RED, "airline-b"), "test");
    shelf.offer(ind(RED_OWN, Tlp.RED, "rail-a"), "test");
  }

  static Indicator ind(String id, Tlp tlp, String source) {
    return indicator(id, ObservableType.DOMAIN, "x" + id.substring(id.length() - 2) + ".example")
        .setTlp(tlp)
        .setSource(source)
        .build();
  }

  FeedRecordConverter collection(String audience, Tlp maxTlp) {
    return new FeedRecordConverter(new StixObjects(audience, key), maxTlp, "secretariat", shelf);
  }

  byte[] sightingOf(String indicatorId, Tlp tlp) throws Exception {
    return sightings.encode(
        sighting(
                "sighting--00000000-0000-4000-8000-" + indicatorId.substring(36),
                indicatorId,
                "rail-a")
            .setTlp(tlp)
            .build());
  }

  /** The objects a record became, without the member's identity (its own feed names it). */
  static List<ObjectNode> convert(FeedRecordConverter c, byte[] value) {
    return c.convert(value).objects().stream()
        .filter(o -> !o.get("type").asText().equals("identity"))
        .toList();
  }

  @Test
  void anIndicatorTheMarkingAllowsIsServedBeforeItsSightingWhichSaysWhatMatched() throws Exception {
    FeedRecordConverter own = collection("member:rail-a", Tlp.RED);
    for (String id : List.of(GREEN, AMBER, RED_OWN)) {
      List<ObjectNode> objects = convert(own, sightingOf(id, Tlp.GREEN));
      assertThat(objects)
          .extracting(o -> o.get("type").asText())
          .containsExactly("indicator", "sighting");
      assertThat(objects.get(0).get("id").asText()).isEqualTo(id);
      ObjectNode s = objects.get(1);
      assertThat(s.get("sighting_of_ref").asText()).isEqualTo(id);
      assertThat(s.has("x_signalbox_withheld_refs")).isFalse();
      assertThat(s.get("x_signalbox_matched_type").asText()).isEqualTo("domain");
      assertThat(s.get("x_signalbox_matched_value").asText()).isEqualTo("c2.evil.example");
    }
  }

  @Test
  void anIndicatorItsMarkingKeepsFromTheAudienceIsWithheldAndTheSightingSaysWhy() throws Exception {
    FeedRecordConverter own = collection("member:rail-a", Tlp.RED);
    List<ObjectNode> objects = convert(own, sightingOf(RED_OTHER, Tlp.RED));
    assertThat(objects).singleElement();
    assertThat(objects.get(0).get("x_signalbox_withheld_refs").get(RED_OTHER).asText())
        .contains("TLP:RED")
        .contains("only its source's own organisation");
    assertThat(objects.get(0).toString()).doesNotContain("airline-b");

    FeedRecordConverter community = collection("community", Tlp.GREEN);
    ObjectNode s = convert(community, sightingOf(AMBER, Tlp.GREEN)).get(0);
    assertThat(s.get("type").asText()).isEqualTo("sighting");
    assertThat(s.get("x_signalbox_withheld_refs").get(AMBER).asText())
        .contains("TLP:AMBER")
        .contains("above this collection's maxTlp TLP:GREEN");
    FeedRecordConverter community2 = collection("community", Tlp.AMBER);
    assertThat(
            convert(community2, sightingOf(AMBER, Tlp.GREEN))
                .get(0)
                .get("x_signalbox_withheld_refs")
                .get(AMBER)
                .asText())
        .as("even with a wider maxTlp, AMBER is need to know")
        .contains("not for the whole community");
  }

  @Test
  void aGroupingServesTheIndicatorsItMayAndNamesTheOnesWithheld() throws Exception {
    FeedRecordConverter group = collection("group:rail", Tlp.AMBER);
    List<ObjectNode> objects =
        convert(
            group,
            AvroCodec.campaignAlert()
                .encode(
                    campaignAlert("alert-1", 1)
                        .setIndicatorIds(List.of(AMBER, RED_OTHER))
                        .build()));
    assertThat(objects)
        .extracting(o -> o.get("type").asText())
        .containsExactly("indicator", "grouping");
    assertThat(objects.get(0).get("id").asText()).isEqualTo(AMBER);
    ObjectNode grouping = objects.get(1);
    assertThat(grouping.get("x_signalbox_withheld_refs").fieldNames())
        .toIterable()
        .containsExactly(RED_OTHER);
  }

  @Test
  void anIndicatorArrivingAfterItsSightingIsServedThenAndOnlyWhereReferenced() throws Exception {
    FeedRecordConverter own = collection("member:rail-a", Tlp.RED);
    FeedRecordConverter other = collection("member:rail-b", Tlp.RED);
    assertThat(convert(own, sightingOf(LATE, Tlp.GREEN))).singleElement();
    Indicator late = ind(LATE, Tlp.GREEN, "isac");
    shelf.offer(late, "test");
    assertThat(own.onIndicator(late))
        .hasValueSatisfying(o -> assertThat(o.get("id").asText()).isEqualTo(LATE));
    assertThat(other.onIndicator(late)).as("no sighting there refers to it").isEmpty();
    Indicator revoked =
        Indicator.newBuilder(ind(LATE, Tlp.GREEN, "isac"))
            .setVersion(T0.plusSeconds(60))
            .setRevoked(true)
            .build();
    assertThat(own.onIndicator(revoked))
        .as("later versions, a revocation among them, follow")
        .hasValueSatisfying(o -> assertThat(o.get("revoked").asBoolean()).isTrue());
  }

  @Test
  void theShelfKeepsTheNewestVersionOfTheOriginalSourceOrTheSecretariat() {
    IndicatorShelf s = new IndicatorShelf("127.0.0.1:1", "indicators", "isac-secretariat");
    Indicator v1 = ind(GREEN, Tlp.GREEN, "feed-a");
    assertThat(s.offer(v1, "t")).isTrue();
    assertThat(
            s.offer(
                Indicator.newBuilder(ind(GREEN, Tlp.CLEAR, "feed-b"))
                    .setVersion(T0.plusSeconds(9))
                    .build(),
                "t"))
        .as("another source may not change it")
        .isFalse();
    assertThat(s.offer(v1, "t")).as("a replay").isFalse();
    Indicator bySecretariat =
        Indicator.newBuilder(ind(GREEN, Tlp.AMBER, "isac-secretariat"))
            .setVersion(T0.plusSeconds(5))
            .build();
    assertThat(s.offer(bySecretariat, "t")).isTrue();
    assertThat(s.get(GREEN).getTlp()).isEqualTo(Tlp.AMBER);
    assertThat(s.offer(ind(GREEN, Tlp.GREEN, "feed-a"), "t")).as("older than held").isFalse();
    assertThat(Set.of(s.get(GREEN).getSource())).containsExactly("isac-secretariat");
  }
}
