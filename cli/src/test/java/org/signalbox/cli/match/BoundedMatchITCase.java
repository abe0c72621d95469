package org.signalbox.cli.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.schema.Sighting;

/** {@code signalbox match}: the pipeline in batch mode over a STIX bundle or JSON lines. */
class BoundedMatchITCase {

  static final String TELEMETRY =
      String.join(
          "\n",
          "{\"eventId\":\"e1\",\"member\":\"rail-a\",\"sector\":\"rail\",\"sourceType\":\"zeek.conn\","
              + "\"eventTime\":\"2026-11-20T10:00:00Z\",\"tlp\":\"green\","
              + "\"observables\":[{\"type\":\"ipv4\",\"value\":\"198.51.100.7\",\"role\":\"destination\"}]}",
          "{\"eventId\":\"e2\",\"member\":\"airport-b\",\"sector\":\"airport\",\"sourceType\":\"zeek.dns\","
              + "\"eventTime\":\"2026-11-20T10:00:01Z\","
              + "\"observables\":[{\"type\":\"domain\",\"value\":\"Evil.Example.\",\"role\":\"query\"}]}",
          "this line is not json",
          "{\"eventId\":\"e3\",\"member\":\"airline-c\",\"sector\":\"aviation\",\"sourceType\":\"zeek.files\","
              + "\"eventTime\":\"2026-11-20T10:00:02Z\",\"observables\":[{\"type\":\"sha256\",\"value\":\""
              + "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\",\"role\":\"file_hash\"}]}",
          "{\"eventId\":\"e4\",\"member\":\"logistics-d\",\"sector\":\"logistics\",\"sourceType\":\"zeek.conn\","
              + "\"eventTime\":\"2026-11-20T10:00:03Z\","
              + "\"observables\":[{\"type\":\"ipv4\",\"value\":\"203.0.113.9\",\"role\":\"destination\"}]}",
          "");

  static final String BUNDLE =
      "{\"type\":\"bundle\",\"id\":\"bundle--6f4f8d8e-9a51-4a53-8a5e-0d9f1f4a1c11\",\"objects\":["
          + indicator("44af6c9f-4bbc-4984-a74b-1404d1ac07ea", "[ipv4-addr:value = '198.51.100.7']")
          + ","
          + indicator(
              "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "[domain-name:value = 'evil.example']")
          + ","
          + indicator(
              "5b0f8a1f-6f3e-4f6e-9a73-1a5a0c0d1e2f",
              "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']")
          + ","
          + indicator(
              "0b6a5c2e-6d9e-4f0b-8a11-7e3a1f1b2c3d", "[ipv4-addr:value = '203.0.113.0/24']")
          + "]}";

  static String indicator(String uuid, String pattern) {
    return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--"
        + uuid
        + "\","
        + "\"created\":\"2026-11-01T00:00:00.000Z\",\"modified\":\"2026-11-01T00:00:00.000Z\","
        + "\"pattern\":\""
        + pattern.replace("'", "\\u0027")
        + "\",\"pattern_type\":\"stix\","
        + "\"valid_from\":\"2026-11-01T00:00:00Z\","
        + "\"object_marking_refs\":[\"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da\"]}";
  }

  @Test
  void matchesAStixBundleAgainstTelemetryLines(@TempDir Path dir) throws Exception {
    Path bundle = Files.writeString(dir.resolve("bundle.json"), BUNDLE);
    Path telemetry = Files.writeString(dir.resolve("telemetry.jsonl"), TELEMETRY);
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    BoundedMatch.Result r =
        BoundedMatch.run(bundle, telemetry, 2, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(r.sightings())
        .extracting(Sighting::getEventId)
        .containsExactlyInAnyOrder("e1", "e2", "e3", "e4");
    assertThat(r.indicators()).isEqualTo(4);
    assertThat(r.badLines()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("telemetry.jsonl:3: not JSON");
  }

  @Test
  void matchesIndicatorJsonLines(@TempDir Path dir) throws Exception {
    Path indicators =
        Files.writeString(
            dir.resolve("indicators.jsonl"),
            "{\"id\":\"indicator--31000000-0000-4000-8000-000000000000\",\"type\":\"domain\",\"value\":\"Evil.Example.\",\"source\":\"isac\","
                + "\"validFrom\":\"2026-11-01T00:00:00Z\",\"tlp\":\"amber\"}\n"
                + "{\"id\":\"indicator--32000000-0000-4000-8000-000000000000\",\"type\":\"ipv4\",\"value\":\"198.51.100.7\",\"source\":\"isac\","
                + "\"validFrom\":\"2026-11-01T00:00:00Z\",\"revoked\":true}\n"
                + "{\"id\":\"indicator--33000000-0000-4000-8000-000000000000\",\"type\":\"colour\",\"value\":\"red\",\"source\":\"isac\","
                + "\"validFrom\":\"2026-11-01T00:00:00Z\"}\n"
                // Ownership follows the file's order: the first line of an id names its owner.
                + "{\"id\":\"indicator--34000000-0000-4000-8000-000000000000\",\"type\":\"ipv4\",\"value\":\"203.0.113.9\",\"source\":\"isac\","
                + "\"validFrom\":\"2026-11-01T00:00:00Z\"}\n"
                + "{\"id\":\"indicator--34000000-0000-4000-8000-000000000000\",\"type\":\"ipv4\",\"value\":\"203.0.113.9\","
                + "\"source\":\"member-mallory\",\"validFrom\":\"2026-11-01T00:00:00Z\","
                + "\"version\":\"2026-11-02T00:00:00Z\",\"revoked\":true}\n"
                + "{\"id\":\"indicator--35000000-0000-4000-8000-000000000000\",\"type\":\"ipv4\",\"value\":\"192.0.2.1\",\"source\":\"isac\","
                + "\"validFrom\":\"2026-11-01T00:00:00Z\"}\n"
                + "{\"id\":\"indicator--35000000-0000-4000-8000-000000000000\",\"type\":\"ipv4\",\"value\":\"192.0.2.1\","
                + "\"source\":\"secretariat\",\"validFrom\":\"2026-11-01T00:00:00Z\","
                + "\"version\":\"2026-11-02T00:00:00Z\",\"revoked\":true}\n");
    Path telemetry = Files.writeString(dir.resolve("telemetry.jsonl"), TELEMETRY);
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    BoundedMatch.Result r =
        BoundedMatch.run(
            indicators, telemetry, 1, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(r.sightings())
        .filteredOn(s -> s.getEventId().equals("e2"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getIndicatorId())
                  .isEqualTo("indicator--31000000-0000-4000-8000-000000000000");
              // An AMBER indicator met by unmarked telemetry: unmarked reads as the most
              // restrictive marking (Tlps.UNMARKED), and a sighting takes the most restrictive.
              assertThat(s.getTlp()).isEqualTo(org.signalbox.core.Tlps.UNMARKED);
            });
    // Another source's revocation of indicator--34000000-0000-4000-8000-000000000000 is refused: it
    // still matches.
    assertThat(r.sightings())
        .extracting(s -> s.getEventId() + " -> " + s.getIndicatorId())
        .containsExactlyInAnyOrder(
            "e2 -> indicator--31000000-0000-4000-8000-000000000000",
            "e4 -> indicator--34000000-0000-4000-8000-000000000000");
    assertThat(r.deadLetters())
        .extracting(d -> d.getOriginTopic() + ":" + d.getOffset() + " " + d.getReason())
        .containsExactly("indicators.jsonl:5 not-original-source");
    assertThat(r.audits())
        .extracting(a -> a.getIndicatorId() + " " + a.getAction() + " by " + a.getActor())
        .containsExactly("indicator--35000000-0000-4000-8000-000000000000 REVOKE by secretariat");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("indicators.jsonl:3: field 'type': unknown value 'colour'");
  }
}
