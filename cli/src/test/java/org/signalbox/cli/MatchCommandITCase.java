package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signalbox match} through its command entry point, on generated files. */
class MatchCommandITCase {
  record Outcome(int code, List<String> sightings, String err) {}

  static Outcome match(Path dir, Path indicators, Path telemetry) throws Exception {
    Path out = dir.resolve("sightings.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code =
          SignalboxCommand.newCommandLine()
              .execute(
                  "match",
                  "--indicators=" + indicators,
                  "--telemetry=" + telemetry,
                  "--out=" + out);
    } finally {
      System.setErr(saved);
    }
    List<String> lines = Files.exists(out) ? Files.readAllLines(out) : List.of();
    return new Outcome(code, lines, err.toString(StandardCharsets.UTF_8));
  }

  static String indicator(String value) {
    return "{\"id\":\"indicator--"
        + UUID.randomUUID()
        + "\",\"type\":\"ipv4\",\"value\":\""
        + value
        + "\",\"source\":\"isac\",\"validFrom\":\"2026-11-01T00:00:00Z\"}\n";
  }

  static String event(String id, String ip) {
    return "{\"eventId\":\""
        + id
        + "\",\"member\":\"rail-a\",\"sector\":\"rail\",\"sourceType\":\"zeek.conn\","
        + "\"eventTime\":\"2026-11-20T10:00:00Z\",\"tlp\":\"green\",\"observables\":[{\"type\":"
        + "\"ipv4\",\"value\":\""
        + ip
        + "\",\"role\":\"destination\"}]}\n";
  }

  @Test
  void anInvalidUtf8TelemetryLineIsReportedWithItsLineAndTheRunGoesOn(@TempDir Path dir)
      throws Exception {
    Path indicators = Files.writeString(dir.resolve("ind.jsonl"), indicator("198.51.100.7"));
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    t.write(event("e1", "198.51.100.7").getBytes(StandardCharsets.UTF_8));
    t.write(new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', '}', '\n'});
    t.write(event("e3", "198.51.100.7").getBytes(StandardCharsets.UTF_8));
    Path telemetry = Files.write(dir.resolve("telemetry.jsonl"), t.toByteArray());
    // Invalid UTF-8 on the very first line too (the STIX-bundle sniffing reads the start).
    Path first = dir.resolve("first.jsonl");
    Files.write(first, new byte[] {(byte) 0xc3, (byte) 0x28, '\n'});
    Files.write(
        first,
        event("e9", "198.51.100.7").getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.APPEND);

    Outcome o = match(dir, indicators, telemetry);
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err()).contains("telemetry.jsonl:2: invalid UTF-8").contains("1 unreadable lines");
    assertThat(o.sightings()).hasSize(2);

    Outcome o2 = match(dir, indicators, first);
    assertThat(o2.code()).as(o2.err()).isZero();
    assertThat(o2.err()).contains("first.jsonl:1: invalid UTF-8");
    assertThat(o2.sightings()).hasSize(1);
  }

  @Test
  void emptyInputsAreAValidRun(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
    Path indicators = Files.writeString(dir.resolve("ind.jsonl"), indicator("198.51.100.7"));
    Path telemetry = Files.writeString(dir.resolve("t.jsonl"), event("e1", "198.51.100.7"));

    Outcome noTelemetry = match(dir, indicators, empty);
    assertThat(noTelemetry.code()).as(noTelemetry.err()).isZero();
    assertThat(noTelemetry.err()).contains("1 indicators, 0 events read; 0 sightings");

    Outcome noIndicators = match(dir, empty, telemetry);
    assertThat(noIndicators.code()).as(noIndicators.err()).isZero();
    assertThat(noIndicators.err()).contains("0 indicators, 1 events read; 0 sightings");

    Outcome nothing = match(dir, empty, empty);
    assertThat(nothing.code()).as(nothing.err()).isZero();
    assertThat(nothing.sightings()).isEmpty();
  }

  @Test
  void aLargeResultIsStreamedAndTheRunEnds(@TempDir Path dir) throws Exception {
    StringBuilder ind = new StringBuilder();
    for (int i = 0; i < 4_000; i++) {
      ind.append(indicator("198.51.100.7"));
    }
    StringBuilder tel = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      tel.append(event("e" + i, "198.51.100.7"));
    }
    Path indicators = Files.writeString(dir.resolve("ind.jsonl"), ind);
    Path telemetry = Files.writeString(dir.resolve("t.jsonl"), tel);

    Outcome o = match(dir, indicators, telemetry);
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.sightings()).hasSizeGreaterThanOrEqualTo(3_000);
    assertThat(o.err())
        .contains("4000 indicators, 3000 events read; " + o.sightings().size() + " sightings");
  }
}
