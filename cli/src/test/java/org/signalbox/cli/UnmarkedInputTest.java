package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.core.Tlps;
import org.signalbox.edge.sanitize.SanitizationPolicy;
import org.signalbox.importers.misp.MispEventReader;
import org.signalbox.importers.stix.StixBundleReader;
import org.signalbox.jobs.sharing.SharingRules;
import org.signalbox.json.IndicatorJson;
import org.signalbox.json.SightingJson;
import org.signalbox.json.TelemetryJson;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import picocli.CommandLine;

/**
 * One rule for input without a marking, on every path into Signalbox: it is {@link Tlps#UNMARKED},
 * the most restrictive marking, whether it arrives as JSON lines, a STIX bundle, a MISP event, an
 * edge policy without {@code tlp}, an import without {@code --default-tlp}, or reaches the router
 * with none.
 */
class UnmarkedInputTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void theRuleIsTheMostRestrictiveMarking() {
    for (Tlp t : Tlp.values()) {
      assertThat(Tlps.mostRestrictive(t, Tlps.UNMARKED)).isEqualTo(Tlps.UNMARKED);
    }
    assertThat(Tlps.parseOrUnmarked(null)).isEqualTo(Tlps.UNMARKED);
    assertThat(Tlps.parseOrUnmarked("amber")).isEqualTo(Tlp.AMBER);
    assertThat(Tlps.orUnmarked(null)).isEqualTo(Tlps.UNMARKED);
  }

  @Test
  void jsonLinesWithoutTlp() throws Exception {
    assertThat(
            TelemetryJson.parse(
                    "t.jsonl",
                    1,
                    "{\"eventId\":\"e-1\",\"member\":\"rail-a\",\"sector\":\"rail\","
                        + "\"sourceType\":\"zeek.dns\",\"eventTime\":\"2026-11-23T10:00:00Z\","
                        + "\"observables\":[{\"type\":\"domain\",\"value\":\"evil.example\","
                        + "\"role\":\"query\"}]}")
                .getTlp())
        .isEqualTo(Tlps.UNMARKED);
    assertThat(
            IndicatorJson.parse(
                    "i.jsonl",
                    1,
                    "{\"id\":\"indicator--5f0c0000-0000-4000-8000-000000000001\",\"type\":\"ipv4\","
                        + "\"value\":\"198.51.100.7\",\"validFrom\":\"2026-11-01T00:00:00Z\","
                        + "\"source\":\"feed\"}")
                .getTlp())
        .isEqualTo(Tlps.UNMARKED);
    ObjectNode sighting =
        (ObjectNode)
            JSON.readTree(
                SightingJson.write(
                    Sighting.newBuilder()
                        .setSightingId("s-1")
                        .setIndicatorId("indicator--61000000-0000-4000-8000-000000000000")
                        .setIndicatorVersion(T)
                        .setMatchKind(MatchKind.EXACT)
                        .setMember("rail-a")
                        .setSector(Sector.RAIL)
                        .setSourceType("zeek.dns")
                        .setEventId("e-1")
                        .setEventTime(T)
                        .setMatchedType(ObservableType.DOMAIN)
                        .setMatchedValue("evil.example")
                        .setRole(ObservableRole.QUERY)
                        .setTlp(Tlp.CLEAR)
                        .setConfidence(70)
                        .setIndicatorSource("isac")
                        .setEnrichment(IndicatorContext.newBuilder().build())
                        .setDetectedAt(T)
                        .build()));
    sighting.remove("tlp");
    assertThat(SightingJson.parse("s.jsonl", 1, sighting.toString()).getTlp())
        .isEqualTo(Tlps.UNMARKED);
  }

  @Test
  void importersWithoutAMarkingOrADefaultTlp() throws Exception {
    String stix =
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
            + "\"id\":\"indicator--5f0c0000-0000-4000-8000-000000000002\","
            + "\"created\":\"2026-11-01T00:00:00Z\",\"modified\":\"2026-11-01T00:00:00Z\","
            + "\"pattern\":\"[domain-name:value = 'evil.example']\",\"pattern_type\":\"stix\","
            + "\"valid_from\":\"2026-11-01T00:00:00Z\"}";
    assertThat(new StixBundleReader().read(stix).indicators())
        .singleElement()
        .satisfies(i -> assertThat(i.getTlp()).isEqualTo(Tlps.UNMARKED));
    String misp =
        "{\"Event\":{\"uuid\":\"5f1e1c2a-0000-4000-8000-000000000001\",\"info\":\"x\","
            + "\"date\":\"2024-05-01\",\"timestamp\":\"1714600000\",\"Attribute\":[{\"uuid\":"
            + "\"a0000000-0000-4000-8000-000000000001\",\"type\":\"domain\",\"value\":"
            + "\"evil.example\",\"to_ids\":true,\"timestamp\":\"1714600100\"}]}}";
    assertThat(
            new MispEventReader()
                .read(new ByteArrayInputStream(misp.getBytes(StandardCharsets.UTF_8)))
                .indicators())
        .singleElement()
        .satisfies(i -> assertThat(i.getTlp()).isEqualTo(Tlps.UNMARKED));
    String importDefault =
        new CommandLine(new SignalboxCommand())
            .getSubcommands()
            .get("indicators")
            .getSubcommands()
            .get("import")
            .getCommandSpec()
            .findOption("--default-tlp")
            .defaultValue();
    assertThat(Tlps.parse(importDefault)).isEqualTo(Tlps.UNMARKED);
  }

  @Test
  void anEdgePolicyWithoutTlpAndTheRouter() throws Exception {
    SanitizationPolicy policy =
        SanitizationPolicy.read(
            new ByteArrayInputStream(
                "id: rail-a\nversion: \"1\"\n".getBytes(StandardCharsets.UTF_8)),
            "policy.yaml");
    assertThat(policy.tlp).isEqualTo(Tlps.UNMARKED);
    Set<String> origins = Set.of("rail-a", "rail-b");
    assertThat(SharingRules.audiencesFor(null, origins, Set.of("rail"), Set.of()))
        .isEqualTo(SharingRules.audiencesFor(Tlps.UNMARKED, origins, Set.of("rail"), Set.of()))
        .isEmpty();
    assertThat(SharingRules.audiencesFor(null, Set.of("rail-a"), Set.of("rail"), Set.of()))
        .isEqualTo(
            SharingRules.audiencesFor(Tlps.UNMARKED, Set.of("rail-a"), Set.of("rail"), Set.of()));
  }
}
