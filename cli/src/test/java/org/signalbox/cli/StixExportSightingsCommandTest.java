package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.importers.stix.StixBundleReader;
import org.signalbox.json.SightingJson;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.TlpMarkingDefinitions;
import picocli.CommandLine;

class StixExportSightingsCommandTest {

  static Sighting sighting(String id, String indicatorId, Tlp tlp) {
    List<String> none = List.of();
    return Sighting.newBuilder()
        .setSightingId(id)
        .setIndicatorId(indicatorId)
        .setIndicatorVersion(Instant.parse("2026-11-01T00:00:00Z"))
        .setMatchKind(MatchKind.CIDR)
        .setMember("m-3b9e")
        .setSector(Sector.AIRPORT)
        .setSourceType("suricata")
        .setEventId("e-9")
        .setEventTime(Instant.parse("2026-11-23T08:00:00.123Z"))
        .setMatchedType(ObservableType.IPV4)
        .setMatchedValue("198.51.100.7")
        .setRole(ObservableRole.DESTINATION)
        .setCount(1)
        .setTlp(tlp)
        .setConfidence(70)
        .setIndicatorSource("isac")
        .setLabels(none)
        .setEnrichment(new IndicatorContext(none, none, none, none, none, none))
        .setTelemetryIngestTime(Instant.parse("2026-11-23T08:00:01Z"))
        .setDetectedAt(Instant.parse("2026-11-23T08:00:02Z"))
        .build();
  }

  @Test
  void exportsGoodLinesAndReportsBadOnesWithLineNumbers(@TempDir Path tmp) throws Exception {
    Path in = tmp.resolve("sightings.jsonl");
    Files.write(
        in,
        List.of(
            SightingJson.write(
                sighting(
                    "sighting--6f1a2b3c-0000-3000-8000-00000000000a",
                    "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                    Tlp.GREEN)),
            "{\"sightingId\": 1",
            SightingJson.write(sighting("s-2", "my-list:7", Tlp.RED)),
            "",
            SightingJson.write(
                sighting("s-3", "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3a", Tlp.RED))));
    Path out = tmp.resolve("bundle.json");
    StringWriter err = new StringWriter();
    CommandLine cli = SignalboxCommand.newCommandLine();
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute("stix", "export-sightings", "--in", in.toString(), "--out", out.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("REJECTED " + in + ":2: not JSON")
        .contains("REJECTED " + in + ":3: s-2: indicator id 'my-list:7' is not a STIX indicator id")
        .contains("exported 2 sightings, rejected 2 (5 lines read)");
    JsonNode bundle = new ObjectMapper().readTree(out.toFile());
    assertThat(bundle.path("type").asText()).isEqualTo("bundle");
    List<String> types =
        bundle.path("objects").findValues("type").stream().map(JsonNode::asText).toList();
    assertThat(types)
        .containsExactly(
            "marking-definition", "marking-definition", "identity", "sighting", "sighting");
    // One member, one identity (whatever the TLP of its sightings), and it does not name it.
    assertThat(bundle.toString()).doesNotContain("m-3b9e");
    assertThat(bundle.path("objects").findValuesAsText("id"))
        .contains(TlpMarkingDefinitions.TLP2_GREEN, TlpMarkingDefinitions.TLP2_RED)
        .contains("sighting--6f1a2b3c-0000-3000-8000-00000000000a");
    assertThat(bundle.path("objects").findValuesAsText("first_seen"))
        .containsOnly("2026-11-23T08:00:00.123Z");

    StixBundleReader.Result readBack = new StixBundleReader().read(out);
    assertThat(readBack.rejected()).isEmpty();
  }

  @Test
  void unreadableInputIsAnErrorNotAnEmptyBundle(@TempDir Path tmp) {
    StringWriter err = new StringWriter();
    CommandLine cli = SignalboxCommand.newCommandLine();
    cli.setErr(new PrintWriter(err));
    Path out = tmp.resolve("bundle.json");
    int code =
        cli.execute(
            "stix",
            "export-sightings",
            "--in",
            tmp.resolve("absent.jsonl").toString(),
            "--out",
            out.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("ERROR reading").contains("absent.jsonl");
    assertThat(out).doesNotExist();
  }

  @Test
  void theExportNamesMembersAsTheGatewaysCollectionOfTheAudienceDoes(@TempDir Path tmp)
      throws Exception {
    Path in = tmp.resolve("sightings.jsonl");
    Files.write(
        in,
        List.of(
            SightingJson.write(
                sighting(
                    "sighting--6f1a2b3c-0000-3000-8000-00000000000b",
                    "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                    Tlp.GREEN))));
    String key = "00112233445566778899aabbccddeeff";
    Path gateway = tmp.resolve("gateway.yaml");
    Files.writeString(
        gateway,
        "pseudonymKey: "
            + key
            + "\ncollections:\n  - audience: group:rail\nmembers:\n  - name: m1\n"
            + "    passwordHash: "
            + org.signalbox.gateway.PasswordHash.hash("pw".toCharArray(), 10_000)
            + "\n    audiences: [group:rail]\n");
    Path out = tmp.resolve("bundle.json");
    CommandLine cli = SignalboxCommand.newCommandLine();
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(
            cli.execute(
                "stix",
                "export-sightings",
                "--in",
                in.toString(),
                "--out",
                out.toString(),
                "--audience",
                "group:rail",
                "--gateway-config",
                gateway.toString()))
        .isZero();
    String pseudonym =
        new org.signalbox.core.AudiencePseudonyms(java.util.HexFormat.of().parseHex(key))
            .identityId("group:rail", "m-3b9e");
    JsonNode bundle = new ObjectMapper().readTree(out.toFile());
    assertThat(bundle.path("objects").findValuesAsText("id")).contains(pseudonym);
    assertThat(bundle.toString()).doesNotContain("m-3b9e");

    // Opted in (member directory): named, with the gateway's named identity id.
    Path members = tmp.resolve("members.yaml");
    Files.writeString(
        members,
        "secretariat: isac\nmembers:\n  - id: m-3b9e\n    sector: airport\n"
            + "    groups: [rail]\n    attribution: true\n");
    assertThat(
            cli.execute(
                "stix",
                "export-sightings",
                "--in",
                in.toString(),
                "--out",
                out.toString(),
                "--members",
                members.toString()))
        .isZero();
    JsonNode named = new ObjectMapper().readTree(out.toFile());
    assertThat(named.path("objects").findValuesAsText("id"))
        .contains(org.signalbox.stix.export.StixObjects.namedIdentityId("m-3b9e"));
    assertThat(named.path("objects").findValuesAsText("name")).contains("m-3b9e");
  }
}
