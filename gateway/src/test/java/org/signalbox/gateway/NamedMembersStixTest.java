package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.signalbox.gateway.GatewayFixtures.sighting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.export.StixObjects;

/**
 * Members who opted in to attribution are named in every collection, everyone else stays a keyed
 * pseudonym of the audience; a member's own collection names the member.
 */
class NamedMembersStixTest {
  static final String NAMED = "airline-opted-in";
  static final String QUIET = "rail-quiet";

  final AudiencePseudonyms key = new AudiencePseudonyms(new byte[32]);
  final AvroCodec<Sighting> codec = AvroCodec.sighting();

  @Test
  void anOptedInMemberIsOneNamedIdentityInEveryAudienceServedBeforeItsFirstSighting() {
    FeedRecordConverter community =
        new FeedRecordConverter(new StixObjects("community", key, Set.of(NAMED)), Tlp.GREEN);
    FeedRecordConverter rail =
        new FeedRecordConverter(new StixObjects("group:rail", key, Set.of(NAMED)), Tlp.AMBER);

    FeedRecordConverter.Result first =
        community.convert(
            codec.encode(
                sighting("sighting--a1", "indicator--69000000-0000-4000-8000-000000000000", NAMED)
                    .setSector(Sector.AIRPORT)
                    .build()));
    assertThat(first.objects())
        .extracting(o -> o.get("type").asText())
        .containsExactly("identity", "sighting");
    ObjectNode identity = first.objects().get(0);
    ObjectNode s = first.object().orElseThrow();
    assertThat(identity.get("name").asText()).isEqualTo(NAMED);
    assertThat(identity.get("identity_class").asText()).isEqualTo("organization");
    assertThat(identity.get("sectors")).extracting(JsonNode::asText).containsExactly("aviation");
    assertThat(identity.get("created").asText())
        .isEqualTo(identity.get("modified").asText())
        .isEqualTo(s.get("created").asText());
    assertThat(s.get("where_sighted_refs").get(0).asText())
        .isEqualTo(identity.get("id").asText())
        .isEqualTo(StixObjects.namedIdentityId(NAMED));

    FeedRecordConverter.Result second =
        community.convert(
            codec.encode(
                sighting("sighting--a2", "indicator--69000000-0000-4000-8000-000000000000", NAMED)
                    .build()));
    assertThat(second.objects())
        .as("the identity is served once per collection")
        .extracting(o -> o.get("type").asText())
        .containsExactly("sighting");

    FeedRecordConverter.Result inRail =
        rail.convert(
            codec.encode(
                sighting("sighting--a3", "indicator--69000000-0000-4000-8000-000000000000", NAMED)
                    .build()));
    assertThat(inRail.objects().get(0).get("id").asText())
        .as("the same identity id in another audience: a named member is meant to be recognised")
        .isEqualTo(identity.get("id").asText());
  }

  @Test
  void aMemberWhoDidNotOptInStaysAPseudonymOfEachAudienceWithoutAnIdentity() {
    StixObjects community = new StixObjects("community", key, Set.of(NAMED));
    StixObjects rail = new StixObjects("group:rail", key, Set.of(NAMED));
    FeedRecordConverter converter = new FeedRecordConverter(community, Tlp.GREEN);

    FeedRecordConverter.Result r =
        converter.convert(
            codec.encode(
                sighting("sighting--q1", "indicator--69000000-0000-4000-8000-000000000000", QUIET)
                    .build()));
    assertThat(r.objects()).extracting(o -> o.get("type").asText()).containsExactly("sighting");
    String ref = r.object().orElseThrow().get("where_sighted_refs").get(0).asText();
    assertThat(ref)
        .isEqualTo(key.identityId("community", QUIET))
        .isNotEqualTo(StixObjects.namedIdentityId(QUIET))
        .isNotEqualTo(
            rail.sighting(
                    sighting(
                            "sighting--q1",
                            "indicator--69000000-0000-4000-8000-000000000000",
                            QUIET)
                        .build())
                .get("where_sighted_refs")
                .get(0)
                .asText());
    assertThat(r.object().orElseThrow().toString()).doesNotContain(QUIET);
    assertThat(community.names(QUIET)).isFalse();
    assertThat(community.firstNamedIdentity(sighting("sighting--q2", "i", QUIET).build()))
        .isEmpty();
  }

  @Test
  void aMembersOwnCollectionNamesTheMemberAndOnlyThatMember() {
    StixObjects own = new StixObjects("member:" + QUIET, key, Set.of());
    assertThat(own.names(QUIET)).isTrue();
    assertThat(own.names("rail-other")).isFalse();
    ObjectNode s =
        own.sighting(
            sighting("sighting--o1", "indicator--69000000-0000-4000-8000-000000000000", QUIET)
                .build());
    assertThat(s.get("where_sighted_refs").get(0).asText())
        .isEqualTo(StixObjects.namedIdentityId(QUIET));
    // A prefix of another member's id is not that member.
    assertThat(new StixObjects("member:rail", key, Set.of()).names("rail-quiet")).isFalse();
  }

  @Test
  void theConfigRejectsABlankAttributedMemberByItsPlace() {
    GatewayConfig c = GatewayFixtures.config(new String[][] {{"m-1", "community"}}, "community");
    c.attributedMembers = List.of(NAMED, " ");
    assertThatThrownBy(c::validate).hasMessageContaining("attributedMembers[1]");
  }
}
