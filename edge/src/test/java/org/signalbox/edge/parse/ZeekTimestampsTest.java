package org.signalbox.edge.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;
import org.signalbox.edge.SharedData;
import org.signalbox.edge.sanitize.SanitizationPolicy;

/** Zeek's {@code ts} in all its forms, read exactly; implausible event times are rejected. */
class ZeekTimestampsTest {
  static SanitizationPolicy policy() throws IOException {
    return EdgeFixtures.policy(
        """
        id: timestamps
        version: "1"
        internal:
          networks: [10.0.0.0/8]
        attributes:
          "*": auto
        """);
  }

  static long zeekJsonTs(String tsToken) throws MalformedRecordException {
    String line = "{\"ts\":" + tsToken + ",\"_path\":\"conn\",\"uid\":\"C1\"}";
    return new ZeekJsonParser("conn.log", null).parseLine(line, 1).get(0).eventTimeMillis();
  }

  @Test
  void epochSecondFloatsAreReadFromTheTokenTextNotThroughADouble() throws Exception {
    assertThat(zeekJsonTs("1521911720.865716"))
        .isEqualTo(Instant.parse("2018-03-24T17:15:20.865Z").toEpochMilli());
    assertThat(zeekJsonTs("1700000000.0")).isEqualTo(1_700_000_000_000L);
    assertThat(zeekJsonTs("1700000000")).isEqualTo(1_700_000_000_000L);
    assertThat(zeekJsonTs("1.7E9")).isEqualTo(1_700_000_000_000L);
    assertThat(zeekJsonTs("1700000000.9999999")).isEqualTo(1_700_000_000_999L);
    assertThat(zeekJsonTs("\"2018-03-24T17:15:20.865716Z\""))
        .isEqualTo(Instant.parse("2018-03-24T17:15:20.865Z").toEpochMilli());
    assertThat(zeekJsonTs("\"1521911720.865716\"")).isEqualTo(1_521_911_720_865L);
    assertThat(Timestamps.epochSecondsToMicros(new BigDecimal("1521911720.865716")))
        .isEqualTo(1_521_911_720_865_716L);
  }

  @Test
  void generatedMicrosecondTimestampsRoundTripExactlyInJsonAndTsv() throws Exception {
    Random r = new Random(42);
    long from = Instant.parse("2001-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();
    ZeekTsvParser tsv = new ZeekTsvParser("conn.log", "conn");
    tsv.parseLine("#fields\tts\tuid", 1);
    tsv.parseLine("#types\ttime\tstring", 2);
    for (int i = 0; i < 5_000; i++) {
      long secs = from + (long) (r.nextDouble() * (to - from));
      int micros = r.nextInt(1_000_000);
      String text = secs + "." + String.format("%06d", micros);
      long expected = secs * 1000 + micros / 1000;
      assertThat(zeekJsonTs(text)).as(text).isEqualTo(expected);
      assertThat(tsv.parseLine(text + "\tC" + i, 3 + i).get(0).eventTimeMillis())
          .as(text)
          .isEqualTo(expected);
      String iso = Instant.ofEpochSecond(secs, micros * 1000L).toString();
      assertThat(zeekJsonTs("\"" + iso + "\"")).as(iso).isEqualTo(expected);
    }
  }

  @Test
  void absurdEventTimesAreRejectedWithTheSharedBound() {
    for (String ts :
        List.of(
            "\"0000-01-01T00:00:00Z\"",
            "\"10000-01-01T00:00:00Z\"",
            "17000000000000", // year ~540678
            "1.7E13",
            "1E999999999",
            "1E-999999999",
            "-1.5",
            "0",
            "946684799.999" /* 1999-12-31T23:59:59.999 */)) {
      assertThatThrownBy(() -> zeekJsonTs(ts)).as(ts).isInstanceOf(MalformedRecordException.class);
    }
    assertThatThrownBy(() -> Timestamps.parseIso("0000-01-01T00:00:00Z"))
        .hasMessageContaining("is outside 2000-01-01 .. now + PT24H");
    assertThatThrownBy(() -> Timestamps.parseEpochSeconds("17000000000000"))
        .hasMessageContaining("out of range");
  }

  @Test
  void absurdTimesAreReportedWithTheirLineNumberAtTheEdge() throws IOException {
    String log =
        """
        {"ts":1521911720.865716,"_path":"dns","uid":"C1","query":"a.example"}
        {"ts":"0000-01-01T00:00:00Z","_path":"dns","uid":"C2","query":"b.example"}
        {"ts":17000000000000,"_path":"dns","uid":"C3","query":"c.example"}
        {"ts":1700000000.0,"_path":"dns","uid":"C4","query":"d.example"}
        """;
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.ZEEK_JSON, policy(), log, "dns.json");
    assertThat(run.events()).hasSize(2);
    assertThat(run.events().get(0).getEventTime())
        .isEqualTo(Instant.parse("2018-03-24T17:15:20.865Z"));
    assertThat(run.events().get(1).getEventTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(run.report())
        .contains("dns.json:2: rejected: event time '0000-01-01T00:00:00Z'")
        .contains("dns.json:3: rejected: time '17000000000000' is out of range");
  }

  /**
   * The shared data holds Zeek TSV logs; their real ts texts, written as Zeek JSON writes them (a
   * bare number), must read to the same millisecond through both parsers. Real Zeek JSON logs
   * (*.json, *.json.gz) in the shared folder are read too when present.
   */
  @Test
  void realZeekTimestampsReadTheSameInJsonAndTsv() throws Exception {
    Path zeek = SharedData.require("zeek");
    Path dns = zeek.resolve("dns.log.gz");
    assumeTrue(Files.isReadable(dns), "shared data has no zeek/dns.log.gz; skipping");
    ZeekTsvParser tsv = new ZeekTsvParser("dns.log", "dns");
    int checked = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(dns)), StandardCharsets.UTF_8))) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null && checked < 20_000) {
        n++;
        List<ParsedRecord> recs = tsv.parseLine(line, n);
        if (recs.isEmpty()) {
          continue;
        }
        String tsText = line.substring(0, line.indexOf('\t'));
        assertThat(zeekJsonTs(tsText)).as(tsText).isEqualTo(recs.get(0).eventTimeMillis());
        assertThat(recs.get(0).eventTimeMillis() / 1000)
            .isEqualTo(Long.parseLong(tsText.split("\\.")[0]));
        checked++;
      }
    }
    assertThat(checked).isPositive();
    List<Path> jsonLogs;
    try (Stream<Path> s = Files.list(zeek)) {
      jsonLogs = s.filter(p -> p.getFileName().toString().matches(".*\\.json(\\.gz)?")).toList();
    }
    if (jsonLogs.isEmpty()) {
      System.out.println(
          "ZeekTimestampsTest: no real Zeek JSON logs (*.json, *.json.gz) in "
              + zeek
              + "; only the TSV ts texts were checked");
      return;
    }
    for (Path p : jsonLogs) {
      EdgeFixtures.Run run = EdgeFixtures.runFile(LogFormat.ZEEK_JSON, policy(), p);
      assertThat(run.counters().linesRejected).as(p.toString()).isZero();
    }
  }
}
