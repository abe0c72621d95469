package org.signalbox.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.SignalboxCommand;
import org.signalbox.connectors.json.SightingJson;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.Sighting;

/** The report computed from sightings with the trends pipeline in batch mode on embedded Flink. */
class SecretariatReportITCase {
  static final LocalDate FROM = LocalDate.parse("2026-11-01");
  static final LocalDate TO = LocalDate.parse("2026-11-30");

  @TempDir Path dir;

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void aMonthOfSightingsGivesChartsTablesAndCsvThatAgree() throws Exception {
    List<Sighting> sightings = ReportData.november();
    SecretariatReport.Summary summary = SecretariatReport.write(sightings, FROM, TO, dir);

    assertThat(summary.empty()).isFalse();
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html)
        .contains(
            "<svg id=\"sightings-by-sector\"",
            "<svg id=\"top-actors\"",
            "<svg id=\"top-techniques\"",
            "<svg id=\"time-to-first-sighting\"");
    assertThat(html).contains("sightings per day", "hours", "day (UTC, 2026)");
    assertThat(count(html, "<rect class=\"bar\"")).isGreaterThan(50);
    // Self-contained: nothing to fetch (the SVG namespace URI is a name, not a request).
    assertThat(html)
        .doesNotContain("<script", "<link", "<img", "src=", "href=", "@import", "url(http")
        .contains("RAILFOX");
    // Logistics has two members: its figures never show as numbers, they are the hatched part.
    assertThat(html)
        .contains("Logistics")
        .contains("sectors with fewer than 3 members (suppressed)");
    assertThat(html)
        .doesNotContain("m-log-01\"")
        .contains("<td>m-log-01</td>"); // member table only

    // The CSV total equals the sum of the published all-sector daily figures, and the rail row
    // count equals the per-sector table.
    List<String> perDay = Files.readAllLines(dir.resolve("sightings-per-day.csv"));
    assertThat(perDay.get(0)).isEqualTo("day,sector,sightings,members,suppressed");
    long all = 0;
    for (String line : perDay.subList(1, perDay.size())) {
      String[] f = line.split(",", -1);
      if (f[1].equals("all") && f[4].equals("false")) {
        all += Long.parseLong(f[2]);
      }
      if (f[1].equals("logistics")) {
        assertThat(f[4]).isEqualTo("true");
        assertThat(f[2]).isEmpty();
      }
    }
    long expected = sightings.stream().mapToLong(Sighting::getCount).sum();
    assertThat(all)
        .isEqualTo(summary.sightings())
        .isLessThanOrEqualTo(expected)
        .isGreaterThan(expected / 2);
    assertThat(Files.readAllLines(dir.resolve("top-actors.csv")))
        .first()
        .isEqualTo("actor,sightings,days_published,days_suppressed,tlp");
    assertThat(Files.readString(dir.resolve("top-actors.csv"))).contains("RAILFOX,", "SKYLARK,");
    assertThat(summary.csvFiles()).hasSize(11).allSatisfy(p -> assertThat(p).exists());
  }

  @Test
  void anEmptyRangeGivesAnHonestEmptyReport() throws Exception {
    SecretariatReport.Summary summary =
        SecretariatReport.write(
            ReportData.november(),
            LocalDate.parse("2027-01-01"),
            LocalDate.parse("2027-01-31"),
            dir);
    assertThat(summary.empty()).isTrue();
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html)
        .contains("No sightings between 2027-01-01 and 2027-01-31.")
        .doesNotContain("<svg");
    assertThat(Files.readAllLines(dir.resolve("sightings-per-day.csv"))).hasSize(1);

    SecretariatReport.write(List.of(), FROM, TO, dir.resolve("none"));
    assertThat(Files.readString(dir.resolve("none/index.html")))
        .contains("No sightings between 2026-11-01 and 2026-11-30.");
  }

  @Test
  void namesFromFeedsAreEscapedInHtmlAndCsv() throws Exception {
    List<Sighting> sightings = new ArrayList<>();
    for (Sighting s : ReportData.november().subList(0, 40)) {
      s.setEnrichment(
          IndicatorContext.newBuilder()
              .setThreatActors(List.of("<img src=x onerror=alert(1)> & \"Fox\""))
              .setAttackPatterns(List.of("=HYPERLINK(\"http://x\")"))
              .build());
      sightings.add(s);
    }
    Configuration conf = new Configuration();
    conf.set(TrendsOptions.MIN_MEMBERS, 1);
    SecretariatReport.write(sightings, List.of(), FROM, TO, conf, dir);
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html)
        .doesNotContain("<img")
        .contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Fox&quot;");
    assertThat(Files.readString(dir.resolve("top-techniques.csv")))
        .contains("\"'=HYPERLINK(\"\"http://x\"\")\"");
  }

  @Test
  void theCommandReadsMatchOutputAndReportsBadLines() throws Exception {
    Path file = dir.resolve("sightings.jsonl");
    List<String> lines = new ArrayList<>();
    for (Sighting s : ReportData.november()) {
      lines.add(SightingJson.write(s));
    }
    lines.add(5, "{\"not\": \"a sighting\"}");
    Files.write(file, lines, StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    int code;
    try {
      System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
      code =
          SignalboxCommand.newCommandLine()
              .execute(
                  "report",
                  "--from",
                  "2026-11-01",
                  "--to",
                  "2026-11-30",
                  "--out",
                  dir.resolve("out").toString(),
                  "--sightings",
                  file.toString());
    } finally {
      System.setErr(old);
    }
    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(errors).isZero();
    assertThat(errors)
        .contains("sightings.jsonl:6: missing field 'eventTime'")
        .contains("1 unreadable lines");
    assertThat(dir.resolve("out/index.html")).exists();
    assertThat(Files.readString(dir.resolve("out/index.html")))
        .contains("<svg id=\"sightings-by-sector\"");

    assertThat(
            SignalboxCommand.newCommandLine()
                .execute(
                    "report",
                    "--from",
                    "2026-11-30",
                    "--to",
                    "2026-11-01",
                    "--out",
                    dir.resolve("x").toString(),
                    "--sightings",
                    file.toString()))
        .isEqualTo(2);
  }

  @Test
  void campaignAlertsMakeTheCampaignTables() throws Exception {
    java.time.Instant t = java.time.Instant.parse("2026-11-10T12:00:00Z");
    List<org.signalbox.schema.CampaignAlert> alerts = new ArrayList<>();
    for (int revision = 1; revision <= 3; revision++) {
      alerts.add(
          org.signalbox.schema.CampaignAlert.newBuilder()
              .setAlertId("c-1")
              .setRevision(revision)
              .setKeyKind(org.signalbox.schema.CampaignKeyKind.ACTOR)
              .setKeyValue("skylark")
              .setEpisodeStart(t)
              .setFirstSeen(t)
              .setLastSeen(t.plusSeconds(600L * revision))
              .setMemberCount(3)
              .setSectorCount(2)
              .setSectors(
                  List.of(org.signalbox.schema.Sector.RAIL, org.signalbox.schema.Sector.AVIATION))
              .setMembers(List.of("m-rail-01", "m-rail-02", "m-air-01"))
              .setIndicatorIds(List.of("indicator--x"))
              .setMaxConfidence(80)
              .setSeverity(55)
              .setTlp(org.signalbox.schema.Tlp.GREEN)
              .build());
    }
    SecretariatReport.Summary summary =
        SecretariatReport.write(
            ReportData.november(), List.of(), alerts, FROM, TO, new Configuration(), dir);
    String html = Files.readString(summary.index());
    assertThat(html)
        .contains(
            "<h2>Campaign alerts</h2>",
            "<td>actor</td><td class=\"n\">1</td><td class=\"n\">2</td>");
    assertThat(html).contains("<td>ACTOR:skylark</td><td class=\"n\">3</td>");
    assertThat(Files.readString(dir.resolve("top-campaigns.csv")))
        .contains("ACTOR:skylark,3,1,0,TLP:GREEN");
  }
}
