package org.signalbox.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.SignalboxCommand;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.json.SightingJson;
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
    assertThat(summary.csvFiles()).hasSize(16).allSatisfy(p -> assertThat(p).exists());
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

    // With verdicts (one line bad) and the directory.
    Path verdicts = dir.resolve("verdicts.jsonl");
    List<String> verdictLines = new ArrayList<>();
    for (org.signalbox.schema.Feedback f : ReportData.feedback(ReportData.november())) {
      verdictLines.add(org.signalbox.json.FeedbackJson.write(f));
    }
    verdictLines.add(1, "{\"member\":\"m-rail-01\",\"verdict\":\"maybe\"}");
    Files.write(verdicts, verdictLines, StandardCharsets.UTF_8);
    Path members = dir.resolve("members.yaml");
    StringBuilder yaml = new StringBuilder("members:\n");
    for (var m : ReportData.directory().members()) {
      yaml.append("  - id: ")
          .append(m.id())
          .append("\n    sector: ")
          .append(m.sector().name().toLowerCase())
          .append(m.dailyCapacity() > 0 ? "\n    dailyCapacity: " + m.dailyCapacity() : "")
          .append("\n");
    }
    Files.writeString(members, yaml);
    err.reset();
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
                  dir.resolve("full").toString(),
                  "--sightings",
                  file.toString(),
                  "--feedback",
                  verdicts.toString(),
                  "--members",
                  members.toString());
    } finally {
      System.setErr(old);
    }
    errors = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(errors).isZero();
    assertThat(errors)
        .contains("verdicts.jsonl:2: missing field 'indicatorId'", "1 unreadable lines");
    assertThat(Files.readString(dir.resolve("full/index.html")))
        .contains("<svg id=\"false-positive-rates\"", ": m-apt-04, m-log-03.");

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
              .setIndicatorIds(List.of("indicator--78000000-0000-4000-8000-000000000000"))
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

  /** The November report with members' verdicts and the member directory. */
  static SecretariatReport.Summary writeWithFeedbackAndDirectory(
      List<Sighting> sightings, LocalDate from, LocalDate to, Path dir) throws Exception {
    return SecretariatReport.write(
        sightings,
        List.of(),
        List.of(),
        ReportData.feedback(sightings),
        ReportData.directory(),
        from,
        to,
        new Configuration(),
        dir);
  }

  static List<String[]> csv(Path file) throws Exception {
    List<String[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  @Test
  void feedbackAndTheDirectoryGiveRatesParticipationAndLoadThatAgree() throws Exception {
    List<Sighting> sightings = ReportData.november();
    List<org.signalbox.schema.Feedback> feedback = ReportData.feedback(sightings);
    SecretariatReport.Summary summary = writeWithFeedbackAndDirectory(sightings, FROM, TO, dir);
    assertThat(summary.csvFiles()).hasSize(16).allSatisfy(p -> assertThat(p).exists());
    String html = Files.readString(summary.index());
    assertThat(html)
        .contains(
            "<svg id=\"participation\"",
            "<svg id=\"false-positive-rates\"",
            "<svg id=\"members-over-capacity\"",
            "<svg id=\"capacity-peaks\"")
        .contains(
            "members per day", "false-positive rate in the range (%)", "% of its daily capacity")
        .contains("2 of 16 members</b> in the directory contributed nothing")
        .contains(": m-apt-04, m-log-03.")
        .contains("only consumed<b>2 of 16</b>", "false-positive rate<b>", "over capacity<b>")
        .contains("<td>(unknown indicator)</td>");

    // False positives: the CSV's sums are the published daily figures, the rate is FP/(FP+TP),
    // and the noisy indicators make the difference between sources visible.
    List<String[]> daily = csv(dir.resolve("daily-trends.csv"));
    long fpDaily = 0;
    for (String[] r : daily) {
      if (r[3].equals("FEEDBACK_BY_SOURCE") && r[5].equals("false") && r[2].equals("all")) {
        fpDaily += Long.parseLong(r[12]);
      }
    }
    long fpCsv = 0;
    long received = 0;
    for (String[] r : csv(dir.resolve("false-positives.csv"))) {
      long fp = Long.parseLong(r[2]);
      long tp = Long.parseLong(r[3]);
      if (!r[0].equals(SecretariatReport.UNKNOWN_SOURCE)) {
        fpCsv += fp;
      }
      received += Long.parseLong(r[1]);
      if (fp + tp > 0) {
        assertThat(Double.parseDouble(r[4])).isCloseTo((double) fp / (fp + tp), within(1e-4));
      }
    }
    assertThat(fpCsv).isEqualTo(fpDaily).isPositive();
    assertThat(received).isPositive().isLessThanOrEqualTo(feedback.size());

    // Per sector of the voters: each row is the published per-sector daily figures, and a
    // sector's false positives never exceed the source's all-sector ones over the range.
    Map<String, Long> fpBySource = new java.util.HashMap<>();
    for (String[] r : csv(dir.resolve("false-positives.csv"))) {
      fpBySource.put(r[0], Long.parseLong(r[2]));
    }
    List<String[]> bySector = csv(dir.resolve("false-positives-by-sector.csv"));
    assertThat(bySector).isNotEmpty();
    Map<String, Long> sectorDaily = new java.util.HashMap<>();
    for (String[] r : daily) {
      if (r[3].equals("FEEDBACK_BY_SOURCE") && r[5].equals("false") && !r[2].equals("all")) {
        sectorDaily.merge(r[2] + "|" + r[4], Long.parseLong(r[12]), Long::sum);
      }
    }
    boolean published = false;
    for (String[] r : bySector) {
      long fp = Long.parseLong(r[3]);
      assertThat(fp).isEqualTo(sectorDaily.getOrDefault(r[0] + "|" + r[1], 0L));
      if (Long.parseLong(r[6]) > 0) {
        published = true;
        assertThat(fp).isLessThanOrEqualTo(fpBySource.get(r[1]));
      }
    }
    assertThat(published).as("some sector had k voters on some day").isTrue();
    assertThat(html).contains("<table id=\"false-positives-by-sector\">");

    // Participation: contributors and consumers-only add up to the directory on published days.
    Map<String, Long> contributors = new java.util.HashMap<>();
    Map<String, Long> consumers = new java.util.HashMap<>();
    for (String[] r : csv(dir.resolve("participation.csv"))) {
      if (r[1].equals("all") && r[4].equals("false")) {
        if (r[2].equals("contributors")) {
          contributors.put(r[0], Long.parseLong(r[3]));
        } else if (r[2].equals("consumer-only")) {
          consumers.put(r[0], Long.parseLong(r[3]));
        }
      }
    }
    assertThat(consumers).isNotEmpty();
    consumers.forEach((day, n) -> assertThat(n + contributors.get(day)).as(day).isEqualTo(16));

    // Contributions per member: every sighting record and every verdict in the range is someone's.
    long records = 0;
    long verdicts = 0;
    for (String[] r : csv(dir.resolve("member-contributions.csv"))) {
      records += Long.parseLong(r[2]);
      verdicts += Long.parseLong(r[4]);
      assertThat(r[5]).as(r[0]).isEqualTo(String.valueOf(ReportData.CONSUMERS_ONLY.contains(r[0])));
    }
    assertThat(records).isEqualTo(sightings.size());
    assertThat(verdicts)
        .isEqualTo(
            feedback.stream()
                .filter(
                    f ->
                        f.getReportedAt().isBefore(java.time.Instant.parse("2026-12-01T00:00:00Z")))
                .count());

    // Load: the daily count of members over capacity is the number of member-days over capacity.
    Map<String, Long> overByDay = new java.util.HashMap<>();
    for (String[] r : csv(dir.resolve("member-load.csv"))) {
      if (!r[4].isEmpty()) {
        double ratio = Long.parseLong(r[3]) / Double.parseDouble(r[4]);
        if (r[7].equals("true")) {
          assertThat(Double.parseDouble(r[5])).isCloseTo(ratio, within(1e-4));
          assertThat(r[6]).isEqualTo(String.valueOf(ratio > 1));
        } else {
          // No telemetry in the range: no ratio, the deliveries still listed.
          assertThat(r[5]).as(r[1]).isEmpty();
          assertThat(r[6]).as(r[1]).isEmpty();
        }
        if (ratio > 1) {
          overByDay.merge(r[0], 1L, Long::sum);
        }
      } else {
        assertThat(r[2]).isEqualTo("logistics"); // no capacity declared
      }
    }
    int checked = 0;
    for (String[] r : csv(dir.resolve("members-over-capacity.csv"))) {
      if (r[1].equals("all") && r[4].equals("false")) {
        assertThat(Long.parseLong(r[2])).as(r[0]).isEqualTo(overByDay.getOrDefault(r[0], 0L));
        checked++;
      }
    }
    assertThat(checked).isPositive();
    assertThat(overByDay).isNotEmpty();
  }

  @Test
  void withFeedbackAndADirectoryAnEmptyRangeIsStillHonest() throws Exception {
    SecretariatReport.Summary summary =
        writeWithFeedbackAndDirectory(
            ReportData.november(),
            LocalDate.parse("2027-01-01"),
            LocalDate.parse("2027-01-31"),
            dir);
    assertThat(summary.empty()).isTrue();
    assertThat(Files.readString(summary.index()))
        .contains("No sightings between 2027-01-01 and 2027-01-31.")
        .doesNotContain("<svg");
    assertThat(Files.readAllLines(dir.resolve("false-positives.csv"))).hasSize(1);
    assertThat(Files.readAllLines(dir.resolve("member-load.csv"))).hasSize(1);
  }
}
