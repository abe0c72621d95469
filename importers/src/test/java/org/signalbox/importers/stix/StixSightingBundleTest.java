package org.signalbox.importers.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.json.SightingJson;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.TlpMarkingDefinitions;
import org.signalbox.stix.export.StixIds;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.stix.export.StixSightingBundle;

class StixSightingBundleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The timestamp form of the OASIS STIX 2.1 schemas, narrowed to the millisecond form. */
  private static final Pattern MILLIS_Z =
      Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$");

  static Sighting sighting(String id, String indicatorId, String member, Sector sector, Tlp tlp) {
    return Sighting.newBuilder()
        .setSightingId(id)
        .setIndicatorId(indicatorId)
        .setIndicatorVersion(Instant.parse("2026-11-01T00:00:00Z"))
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(sector)
        .setSourceType("zeek-dns")
        .setEventId("evt-1")
        .setEventTime(Instant.parse("2026-11-23T10:15:30Z"))
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("evil.example")
        .setRole(ObservableRole.QUERY)
        .setCount(3)
        .setTlp(tlp)
        .setConfidence(80)
        .setIndicatorSource("isac")
        .setLabels(List.of("c2"))
        .setEnrichment(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of("APT-RAIL"))
                .setCampaigns(List.of())
                .setMalware(List.of())
                .setAttackPatterns(List.of("T1071.004"))
                .setKillChainPhases(List.of())
                .setVulnerabilities(List.of())
                .build())
        .setTelemetryIngestTime(Instant.parse("2026-11-23T10:15:31.250Z"))
        .setDetectedAt(Instant.parse("2026-11-23T10:15:31.5Z"))
        .build();
  }

  private static final String IND_A = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  private static final String IND_B = "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3a";

  private static List<Sighting> sample() {
    return List.of(
        sighting(
            "sighting--0a1b2c3d-0000-3000-8000-000000000001",
            IND_A,
            "m-7f3a",
            Sector.RAIL,
            Tlp.AMBER),
        sighting("internal-42", IND_B, "m-19c0", Sector.AVIATION, Tlp.GREEN),
        sighting(
            "sighting--0a1b2c3d-0000-3000-8000-000000000003",
            IND_A,
            "m-7f3a",
            Sector.RAIL,
            Tlp.AMBER),
        sighting("internal-43", IND_A, "m-0001", Sector.VENDOR, Tlp.AMBER_STRICT));
  }

  static final byte[] KEY = new byte[32];

  /** m-19c0 opted in to attribution; m-7f3a and m-0001 did not. */
  static StixObjects writer() {
    return new StixObjects("community", new AudiencePseudonyms(KEY), Set.of("m-19c0"));
  }

  private static JsonNode export(List<Sighting> sightings) throws Exception {
    StixSightingBundle bundle = new StixSightingBundle(writer());
    sightings.forEach(bundle::add);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bundle.write(out);
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aSequenceSightingSpansItsObservationsAndListsThemWithoutEventIds() throws Exception {
    Sighting seq =
        Sighting.newBuilder(
                sighting(
                    "sighting--0a1b2c3d-0000-3000-8000-000000000009",
                    IND_A,
                    "m-7f3a",
                    Sector.RAIL,
                    Tlp.AMBER))
            .setMatchKind(MatchKind.PATTERN)
            .setSequence(
                List.of(
                    org.signalbox.schema.SequenceObservation.newBuilder()
                        .setEventId("evt-0")
                        .setEventTime(Instant.parse("2026-11-23T10:14:30Z"))
                        .setType(ObservableType.DOMAIN)
                        .setValue("stager.example")
                        .setRole(ObservableRole.QUERY)
                        .setObservation(0)
                        .build(),
                    org.signalbox.schema.SequenceObservation.newBuilder()
                        .setEventId("evt-1")
                        .setEventTime(Instant.parse("2026-11-23T10:15:30Z"))
                        .setType(ObservableType.IPV4)
                        .setValue("203.0.113.9")
                        .setRole(ObservableRole.DESTINATION)
                        .setObservation(1)
                        .build()))
            .build();
    JsonNode s = byId(export(List.of(seq)), "sighting--0a1b2c3d-0000-3000-8000-000000000009");
    assertThat(s.path("first_seen").asText()).isEqualTo("2026-11-23T10:14:30.000Z");
    assertThat(s.path("last_seen").asText()).isEqualTo("2026-11-23T10:15:30.000Z");
    assertThat(s.path("count").asInt()).isEqualTo(2);
    JsonNode list = s.path("x_signalbox_sequence");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).path("value").asText()).isEqualTo("stager.example");
    assertThat(list.get(0).path("type").asText()).isEqualTo("domain");
    assertThat(list.get(1).path("observation").asInt()).isEqualTo(1);
    assertThat(list.get(1).path("observed").asText()).isEqualTo("2026-11-23T10:15:30.000Z");
    assertThat(list.toString()).doesNotContain("evt-");
  }

  @Test
  void sightingCarriesReferenceCountTimesIdentityAndTlp2Marking() throws Exception {
    JsonNode bundle = export(sample());
    JsonNode s = byId(bundle, "sighting--0a1b2c3d-0000-3000-8000-000000000001");
    assertThat(s.path("sighting_of_ref").asText()).isEqualTo(IND_A);
    assertThat(s.path("count").asInt()).isEqualTo(3);
    assertThat(s.path("first_seen").asText()).isEqualTo("2026-11-23T10:15:30.000Z");
    assertThat(s.path("last_seen").asText()).isEqualTo("2026-11-23T10:15:30.000Z");
    assertThat(s.path("created").asText()).isEqualTo("2026-11-23T10:15:31.500Z");
    assertThat(s.path("object_marking_refs").get(0).asText())
        .isEqualTo(TlpMarkingDefinitions.TLP2_AMBER);
    JsonNode where = byId(bundle, s.path("where_sighted_refs").get(0).asText());
    assertThat(where.path("type").asText()).isEqualTo("identity");
    assertThat(where.path("name").asText()).isEqualTo("Pseudonymous ISAC member");
    assertThat(where.path("identity_class").asText()).isEqualTo("organization");
    assertThat(where.has("sectors")).as("a pseudonym's sector could single it out").isFalse();
    JsonNode named =
        byId(bundle, writer().sighting(sample().get(1)).path("where_sighted_refs").get(0).asText());
    assertThat(named.path("name").asText()).isEqualTo("m-19c0");
    assertThat(named.path("sectors").toString()).isEqualTo("[\"aviation\"]");
    JsonNode amberStrict = byId(bundle, TlpMarkingDefinitions.TLP2_AMBER_STRICT);
    assertThat(amberStrict.path("name").asText()).isEqualTo("TLP:AMBER+STRICT");
    assertThat(
            amberStrict
                .path("extensions")
                .path(StixSightingBundle.TLP2_EXTENSION)
                .path("tlp_2_0")
                .asText())
        .isEqualTo("amber+strict");
    // Two sightings of one member share one identity; three TLPs give three marking definitions.
    assertThat(ofType(bundle, "identity")).hasSize(3);
    assertThat(ofType(bundle, "marking-definition")).hasSize(3);
    assertThat(ofType(bundle, "sighting")).hasSize(4);
  }

  @Test
  void aRetroSightingCarriesItsFirstAndLastSeenAndSaysItIsRetro() throws Exception {
    Sighting retro =
        Sighting.newBuilder(sighting("retro-1", IND_A, "m-0001", Sector.RAIL, Tlp.GREEN))
            .setRetro(true)
            .setEventId("retro:1")
            .setCount(5)
            .setFirstSeen(Instant.parse("2026-11-20T08:00:00Z"))
            .setLastSeen(Instant.parse("2026-11-23T10:15:30Z"))
            .build();
    JsonNode s = writer().sighting(retro);
    assertThat(s.path("first_seen").asText()).isEqualTo("2026-11-20T08:00:00.000Z");
    assertThat(s.path("last_seen").asText()).isEqualTo("2026-11-23T10:15:30.000Z");
    assertThat(s.path("count").asInt()).isEqualTo(5);
    assertThat(s.path("x_signalbox_retro").asBoolean()).isTrue();
    assertThat(s.has("x_signalbox_history_truncated")).isFalse();
    JsonNode truncated =
        writer().sighting(Sighting.newBuilder(retro).setHistoryTruncated(true).build());
    assertThat(truncated.path("x_signalbox_history_truncated").asBoolean()).isTrue();
    // A live sighting says nothing of either.
    JsonNode live = writer().sighting(sample().get(0));
    assertThat(live.has("x_signalbox_retro")).isFalse();
  }

  @Test
  void bundleIsStructurallyValidStix21() throws Exception {
    JsonNode bundle = export(sample());
    assertThat(bundle.path("type").asText()).isEqualTo("bundle");
    assertThat(bundle.path("id").asText()).matches(StixIds.IDENTIFIER).startsWith("bundle--");
    assertThat(bundle.has("spec_version")).as("a 2.1 bundle has no spec_version").isFalse();
    Set<String> ids = new HashSet<>();
    for (JsonNode o : bundle.path("objects")) {
      String type = o.path("type").asText();
      assertThat(o.path("spec_version").asText()).isEqualTo("2.1");
      assertThat(o.path("id").asText()).matches(StixIds.IDENTIFIER).startsWith(type + "--");
      assertThat(ids.add(o.path("id").asText())).as("unique id").isTrue();
      assertThat(o.path("created").asText()).matches(MILLIS_Z);
      if (!type.equals("marking-definition")) {
        assertThat(o.path("modified").asText()).matches(MILLIS_Z);
        assertThat(o.path("modified").asText()).isGreaterThanOrEqualTo(o.path("created").asText());
      }
      switch (type) {
        case "sighting":
          assertThat(o.path("first_seen").asText()).matches(MILLIS_Z);
          assertThat(o.path("last_seen").asText())
              .matches(MILLIS_Z)
              .isGreaterThanOrEqualTo(o.path("first_seen").asText());
          assertThat(o.path("count").asInt()).isBetween(0, 999_999_999);
          assertThat(o.path("sighting_of_ref").asText()).matches(StixIds.IDENTIFIER);
          break;
        case "identity":
          assertThat(o.path("name").asText()).isNotEmpty();
          break;
        case "marking-definition":
          assertThat(o.path("extensions").path(StixSightingBundle.TLP2_EXTENSION).isObject())
              .isTrue();
          break;
        default:
          throw new AssertionError("unexpected object type " + type);
      }
    }
    // Every reference inside the bundle resolves inside the bundle (the indicator is the
    // consumer's).
    for (JsonNode o : bundle.path("objects")) {
      List<String> refs = new ArrayList<>();
      o.path("where_sighted_refs").forEach(r -> refs.add(r.asText()));
      o.path("object_marking_refs").forEach(r -> refs.add(r.asText()));
      assertThat(ids).containsAll(refs);
    }
  }

  @Test
  void exportIsDeterministicAndDeduplicatesReplays() throws Exception {
    List<Sighting> twice = new ArrayList<>(sample());
    twice.addAll(sample());
    JsonNode first = export(sample());
    assertThat(export(twice)).isEqualTo(first);
    assertThat(export(List.of(sample().get(3), sample().get(0), sample().get(1), sample().get(2))))
        .isEqualTo(first);
    for (JsonNode derived : ofType(first, "sighting")) {
      assertThat(derived.path("id").asText()).matches(StixIds.IDENTIFIER);
    }
  }

  @Test
  void ourOwnStixReaderReadsTheBundleBackWithoutRejections() throws Exception {
    StixBundleReader.Result r = new StixBundleReader().read(export(sample()).toString());
    assertThat(r.rejected()).isEmpty();
    assertThat(r.indicators()).isEmpty();
  }

  @Test
  void sightingWithANonStixIndicatorIdIsRejectedWithItsReason() throws Exception {
    StixSightingBundle bundle = new StixSightingBundle(writer());
    assertThat(bundle.add(sighting("s-1", "feed:42", "m-1", Sector.RAIL, Tlp.RED))).isFalse();
    assertThat(bundle.add(sample().get(0))).isTrue();
    assertThat(bundle.rejected())
        .containsExactly(
            "s-1: indicator id 'feed:42' is not a STIX indicator id (indicator--<uuid>)");
    assertThat(bundle.size()).isEqualTo(1);
    assertThat(new StixSightingBundle(writer()).toJson().has("objects")).isFalse();
  }

  @Test
  void noExportedObjectNamesAMemberThatDidNotOptInAndIdsAreTheGateways() throws Exception {
    JsonNode bundle = export(sample());
    String text = bundle.toString();
    assertThat(text).doesNotContain("m-7f3a").doesNotContain("m-0001").contains("m-19c0");
    // The gateway's collection of the same audience, with the same key, gives the same ids.
    StixObjects gateway =
        new StixObjects("community", new AudiencePseudonyms(KEY), Set.of("m-19c0"));
    for (Sighting s : sample()) {
      JsonNode exported = byId(bundle, gateway.sighting(s).path("id").asText());
      assertThat(exported.path("where_sighted_refs"))
          .isEqualTo(gateway.sighting(s).path("where_sighted_refs"));
    }
    assertThat(byId(bundle, StixObjects.namedIdentityId("m-19c0")).path("name").asText())
        .isEqualTo("m-19c0");
    // Another audience gets other pseudonyms, so two audiences' exports cannot be joined.
    StixSightingBundle other =
        new StixSightingBundle(new StixObjects("group:rail", new AudiencePseudonyms(KEY)));
    sample().forEach(other::add);
    assertThat(ofType(other.toJson(), "identity"))
        .extracting(o -> o.path("id").asText())
        .doesNotContainAnyElementsOf(
            ofType(bundle, "identity").stream().map(o -> o.path("id").asText()).toList());
  }

  @Test
  void sightingJsonLinesRoundTrip() throws Exception {
    for (Sighting s : sample()) {
      assertThat(SightingJson.parse("in", 1, SightingJson.write(s))).isEqualTo(s);
    }
  }

  @Test
  void badSightingLinesNameLineAndField() {
    String good = SightingJson.write(sample().get(0));
    Map<String, String> bad =
        Map.of(
            "{not json",
            "in:7: not JSON",
            good.replace("\"sector\":\"rail\"", "\"sector\":\"space\""),
            "in:7: field 'sector': unknown value 'space'",
            good.replace("\"count\":3", "\"count\":-1"),
            "in:7: field 'count' must be a non-negative integer",
            good.replace("\"eventTime\"", "\"eventTimeX\""),
            "in:7: missing field 'eventTime'");
    bad.forEach(
        (line, message) -> {
          try {
            SightingJson.parse("in", 7, line);
            throw new AssertionError("accepted " + line);
          } catch (org.signalbox.json.JsonLineException e) {
            assertThat(e.getMessage()).startsWith(message);
            assertThat(e.line()).isEqualTo(7);
          }
        });
  }

  private static JsonNode byId(JsonNode bundle, String id) {
    for (JsonNode o : bundle.path("objects")) {
      if (o.path("id").asText().equals(id)) {
        return o;
      }
    }
    throw new AssertionError("no object " + id);
  }

  private static List<JsonNode> ofType(JsonNode bundle, String type) {
    List<JsonNode> out = new ArrayList<>();
    bundle
        .path("objects")
        .forEach(
            o -> {
              if (o.path("type").asText().equals(type)) {
                out.add(o);
              }
            });
    return out;
  }
}
