package org.signalbox.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;
import org.signalbox.schema.TrendRecord;

/**
 * The report on data shaped like the secretariat's real case: 2018 telemetry (the WRCCDC captures)
 * matched by indicators published in late 2025, read over a three-year range in which one day is
 * busy and almost every other day is empty.
 */
class ReportLongRangeTest {
  static final LocalDate FROM = LocalDate.parse("2015-06-01");
  static final LocalDate TO = LocalDate.parse("2018-05-31");
  static final LocalDate BUSY = LocalDate.parse("2018-03-24"); // a Saturday
  static final LocalDate WEEK = LocalDate.parse("2018-03-19"); // its Monday
  static final long SEVEN_POINT_SEVEN_YEARS = (long) (7.7 * 365.25 * 86_400_000L);

  @TempDir Path dir;

  static TrendRecord.Builder day(LocalDate d, Sector sector, TrendMetric metric, String dim) {
    Instant start = d.atStartOfDay(ZoneOffset.UTC).toInstant();
    return TrendRecord.newBuilder()
        .setPeriod(TrendPeriod.DAY)
        .setWindowStart(start)
        .setWindowEnd(start.plus(Duration.ofDays(1)))
        .setSector(sector)
        .setMetric(metric)
        .setDimension(dim)
        .setSuppressed(false)
        .setMinMembers(3)
        .setTlp(Tlp.GREEN);
  }

  static TrendRecord sightings(LocalDate d, Sector sector, long n, int members) {
    return day(d, sector, TrendMetric.SIGHTINGS, "").setValue(n).setMembers(members).build();
  }

  /** The weekly first-sighting figure of the busy week: 12 indicators, 7.7 years early. */
  static TrendRecord busyWeek() {
    Instant start = WEEK.atStartOfDay(ZoneOffset.UTC).toInstant();
    return TrendRecord.newBuilder()
        .setPeriod(TrendPeriod.WEEK)
        .setWindowStart(start)
        .setWindowEnd(start.plus(Duration.ofDays(7)))
        .setMetric(TrendMetric.TIME_TO_FIRST_SIGHTING)
        .setDimension("")
        .setSuppressed(false)
        .setMinMembers(3)
        .setTlp(Tlp.GREEN)
        .setValue(12L)
        .setMembers(4)
        .setMedianMillis(-SEVEN_POINT_SEVEN_YEARS)
        .setP90Millis(-SEVEN_POINT_SEVEN_YEARS + Duration.ofDays(30).toMillis())
        .build();
  }

  static List<TrendRecord> realShape() {
    List<TrendRecord> t = new ArrayList<>();
    // Two quiet days long before, then the one busy day of the WRCCDC capture.
    t.add(sightings(LocalDate.parse("2016-02-10"), null, 4, 3));
    t.add(sightings(LocalDate.parse("2016-02-10"), Sector.RAIL, 4, 3));
    t.add(sightings(BUSY, null, 14_213, 4));
    t.add(sightings(BUSY, Sector.AVIATION, 14_000, 3));
    t.add(day(BUSY, Sector.RAIL, TrendMetric.SIGHTINGS, "").setSuppressed(true).build());
    t.add(busyWeek());
    // Load: airline-a sent the telemetry (named, GREEN: its sightings reach every member);
    // rail-a sent none and received 1,430 of them.
    t.add(
        day(BUSY, Sector.AVIATION, TrendMetric.MEMBER_VOLUME, "airline-a")
            .setValue(1430L)
            .setMembers(1)
            .build());
    t.add(
        day(BUSY, Sector.AVIATION, TrendMetric.MEMBER_LOAD, "airline-a")
            .setValue(1430L)
            .setMembers(1)
            .setCapacity(500L)
            .setRatio(1430 / 500.0)
            .build());
    t.add(
        day(BUSY, Sector.RAIL, TrendMetric.MEMBER_LOAD, "rail-a")
            .setValue(1430L)
            .setMembers(1)
            .setCapacity(200L)
            .setRatio(1430 / 200.0)
            .build());
    return t;
  }

  @Test
  void aThreeYearRangeIsLabelledWithItsYearsAndChartedByMonth() throws Exception {
    SecretariatReport.render(realShape(), FROM, TO, 3, dir);
    String html = Files.readString(dir.resolve("index.html"));
    String chart = svg(html, "sightings-by-sector");
    assertThat(chart).contains("month (UTC, 2015\u20132018)").doesNotContain("day (UTC, 2015)");
    assertThat(html).contains("<h2>Sightings per month by sector</h2>");
    // 36 months, one bar per month with sightings; the busy day's month is a real bar.
    assertThat(chart).contains(">2018-03</text>", ">2015-06</text>");
    Matcher bar =
        Pattern.compile("<rect class=\"bar\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"")
            .matcher(chart);
    List<Double> widths = new ArrayList<>();
    while (bar.find()) {
      widths.add(Double.parseDouble(bar.group(1)));
    }
    assertThat(widths).isNotEmpty().allSatisfy(w -> assertThat(w).isGreaterThanOrEqualTo(10));
    assertThat(chart).contains("2018-03, Aviation: 14,000", "2018-03, sectors with fewer than 3");
    assertThat(html)
        .contains("busiest day 2018-03-24 (14,213 sightings)", "Sightings on 2 of 1096 days")
        .as("the range is named in days, not as 2015 only")
        .contains("2015-06-01 to 2018-05-31");
  }

  @Test
  void bucketsFitTheRange() {
    assertThat(ChartBuckets.of(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30")))
        .satisfies(
            b -> {
              assertThat(b.unit()).isEqualTo(ChartBuckets.Unit.DAY);
              assertThat(b.axisLabel()).isEqualTo("day (UTC, 2026)");
              assertThat(b.buckets()).hasSize(30);
            });
    ChartBuckets weeks =
        ChartBuckets.of(LocalDate.parse("2025-10-01"), LocalDate.parse("2026-03-31"));
    assertThat(weeks.unit()).isEqualTo(ChartBuckets.Unit.WEEK);
    assertThat(weeks.axisLabel()).isEqualTo("week starting Monday (UTC, 2025\u20132026)");
    assertThat(weeks.buckets().get(0).start()).isEqualTo(LocalDate.parse("2025-09-29"));
    assertThat(weeks.partial(weeks.buckets().get(0))).isTrue();
    ChartBuckets months = ChartBuckets.of(FROM, TO);
    assertThat(months.unit()).isEqualTo(ChartBuckets.Unit.MONTH);
    assertThat(months.buckets()).hasSize(36);
    assertThat(ChartBuckets.of(LocalDate.parse("2010-01-01"), TO).unit())
        .isEqualTo(ChartBuckets.Unit.YEAR);
    // Every day of the range is in exactly one bucket.
    assertThat(months.buckets().stream().mapToInt(b -> b.days().size()).sum()).isEqualTo(1096);
  }

  @Test
  void firstSightingsBeforePublicationAreNegativeAndSaySo() throws Exception {
    SecretariatReport.render(realShape(), FROM, TO, 3, dir);
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html)
        .contains("seen 7.7 years before the indicator was published")
        .contains("unseen before publication")
        .doesNotContain("0.00 h");
    String chart = svg(html, "time-to-first-sighting");
    assertThat(chart).contains("years (negative: before publication)", "median: -7.7");
    List<String> csv = Files.readAllLines(dir.resolve("time-to-first-sighting.csv"));
    assertThat(csv.get(0))
        .isEqualTo(
            "week_starting,indicators_first_seen,median_hours,p90_hours,suppressed,"
                + "week_ending,days_in_range,median,p90");
    assertThat(csv.get(1))
        .startsWith("2018-03-19,12,-")
        .contains(",false,2018-03-25,7,seen 7.7 years before the indicator was published,");
    double hours = Double.parseDouble(csv.get(1).split(",")[2]);
    assertThat(hours).isEqualTo(-SEVEN_POINT_SEVEN_YEARS / 3_600_000.0, within(0.01));
  }

  @Test
  void aWeekGivesTheSameFigureWhateverRangeContainsIt() throws Exception {
    Path full = dir.resolve("full");
    Path oneDay = dir.resolve("one-day");
    SecretariatReport.render(realShape(), FROM, TO, 3, full);
    SecretariatReport.render(realShape(), BUSY, BUSY, 3, oneDay);
    List<String> a = Files.readAllLines(full.resolve("time-to-first-sighting.csv"));
    List<String> b = Files.readAllLines(oneDay.resolve("time-to-first-sighting.csv"));
    assertThat(a).hasSize(2);
    assertThat(b).hasSize(2);
    // The same week, the same figure; only how many of its days the range holds differs.
    String[] whole = a.get(1).split(",");
    String[] partial = b.get(1).split(",");
    assertThat(partial[1]).isEqualTo(whole[1]).isEqualTo("12");
    assertThat(partial[2]).isEqualTo(whole[2]);
    assertThat(partial[6]).isEqualTo("1");
    String html = Files.readString(oneDay.resolve("index.html"));
    assertThat(html)
        .contains("2018-03-19 to 2018-03-25", "1 of 7", "for a whole ISO week")
        .doesNotContain(
            "in every week that overlaps the range the first sightings came from fewer");
    // From the trends topic: a week that starts before a mid-week range is still read.
    Instant from = BUSY.atStartOfDay(ZoneOffset.UTC).toInstant();
    assertThat(TrendsTopic.overlaps(busyWeek(), from, from.plus(Duration.ofDays(1)))).isTrue();
    assertThat(
            TrendsTopic.overlaps(
                busyWeek(),
                LocalDate.parse("2018-03-26").atStartOfDay(ZoneOffset.UTC).toInstant(),
                LocalDate.parse("2018-03-27").atStartOfDay(ZoneOffset.UTC).toInstant()))
        .isFalse();
  }

  @Test
  void aMemberWithoutTelemetryHasNoLoadRatio() throws Exception {
    SecretariatReport.render(realShape(), FROM, TO, 3, dir);
    String html = Files.readString(dir.resolve("index.html"));
    String table = html.substring(html.indexOf("<table id=\"load\""));
    table = table.substring(0, table.indexOf("</table>"));
    assertThat(row(table, "rail-a")).contains("no telemetry").doesNotContain("715 %");
    assertThat(row(table, "airline-a")).contains("286 %");
    assertThat(svg(html, "capacity-peaks")).contains("airline-a").doesNotContain("rail-a");
    List<String> csv = Files.readAllLines(dir.resolve("member-load.csv"));
    assertThat(csv.get(0)).endsWith(",over_capacity,telemetry");
    assertThat(csv)
        .contains(
            "2018-03-24,airline-a,aviation,1430,500,2.8600,true,true",
            "2018-03-24,rail-a,rail,1430,200,,,false");
  }

  static String row(String table, String member) {
    int at = table.indexOf("<tr><td>" + member + "</td>");
    assertThat(at).as("row of %s", member).isNotNegative();
    return table.substring(at, table.indexOf("</tr>", at));
  }

  static String svg(String html, String id) {
    int at = html.indexOf("<svg id=\"" + id + "\"");
    assertThat(at).as("chart %s", id).isNotNegative();
    return html.substring(at, html.indexOf("</svg>", at));
  }
}
