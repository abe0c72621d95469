package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.gateway.GatewayFixtures.sighting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.core.DeterministicIds;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.stix.export.StixSightingBundle;

/**
 * One writer, one id scheme: the sighting a member's analysts read over TAXII and the one the
 * secretariat hands on in a {@code sightings export --stix} bundle are the same STIX objects, with
 * the same sighting id and the same identity for the member, pseudonymous or named.
 */
class OneStixIdentityTest {
  static final String NAMED = "airline-opted-in";
  static final String QUIET = "rail-quiet";
  static final String AUDIENCE = "group:rail";

  final AudiencePseudonyms key = new AudiencePseudonyms(new byte[32]);

  @Test
  void taxiiAndTheExportBundleNameAMemberAndItsSightingsAlike() {
    List<Sighting> sightings =
        List.of(
            sighting("not-a-stix-id-1", "indicator--69000000-0000-4000-8000-000000000000", NAMED)
                .build(),
            sighting("not-a-stix-id-2", "indicator--69000000-0000-4000-8000-000000000000", QUIET)
                .build());

    FeedRecordConverter taxii =
        new FeedRecordConverter(new StixObjects(AUDIENCE, key, Set.of(NAMED)), Tlp.AMBER);
    List<ObjectNode> served = new ArrayList<>();
    for (Sighting s : sightings) {
      served.addAll(taxii.convert(AvroCodec.sighting().encode(s)).objects());
    }
    StixSightingBundle export =
        new StixSightingBundle(new StixObjects(AUDIENCE, key, Set.of(NAMED)));
    sightings.forEach(export::add);
    List<JsonNode> exported = new ArrayList<>();
    export.toJson().get("objects").forEach(exported::add);

    assertThat(idsOf(exported, "sighting"))
        .as("sighting ids in the export bundle and over TAXII")
        .hasSize(2)
        .containsExactlyInAnyOrderElementsOf(idsOf(served, "sighting"));
    assertThat(whereSighted(exported))
        .as("each sighting points at the same identity in both")
        .isEqualTo(whereSighted(served))
        .containsValues(StixObjects.namedIdentityId(NAMED), key.identityId(AUDIENCE, QUIET));
    // The named member's identity object is the same object in both (TAXII serves no object for a
    // pseudonym, the bundle carries one so that it is self-contained).
    assertThat(idsOf(exported, "identity")).contains(StixObjects.namedIdentityId(NAMED));
    assertThat(idsOf(served, "identity")).containsExactly(StixObjects.namedIdentityId(NAMED));
    // Record ids that are not STIX ids become the one deterministic scheme: version 5 UUIDs.
    for (String id : idsOf(served, "sighting")) {
      assertThat(UUID.fromString(id.substring("sighting--".length())).version()).isEqualTo(5);
    }
    assertThat(idsOf(served, "sighting"))
        .contains(DeterministicIds.of("sighting", "not-a-stix-id-1"));
  }

  private static Map<String, String> whereSighted(List<? extends JsonNode> objects) {
    Map<String, String> refs = new TreeMap<>();
    for (JsonNode o : objects) {
      if ("sighting".equals(o.path("type").asText())) {
        refs.put(o.path("id").asText(), o.path("where_sighted_refs").get(0).asText());
      }
    }
    return refs;
  }

  private static List<String> idsOf(List<? extends JsonNode> objects, String type) {
    return objects.stream()
        .filter(o -> type.equals(o.path("type").asText()))
        .map(o -> o.path("id").asText())
        .distinct()
        .toList();
  }
}
