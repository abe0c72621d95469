package org.signalbox.jobs.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.signalbox.jobs.report.SvgChart.Bar;
import org.signalbox.jobs.report.SvgChart.Series;
import org.signalbox.jobs.trends.BoundedTrends;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;
import org.signalbox.schema.TrendRecord;
import org.signalbox.schema.support.Tlps;

/**
 * The secretariat's report over a range of UTC days: {@code index.html} (one self-contained page,
 * charts as inline SVG, no script, nothing fetched) and the same figures as CSV files beside it.
 *
 * <p>It reads daily {@link TrendRecord}s, either from the trends topic or computed here from
 * sightings with the trends pipeline in batch mode ({@link #write(List, LocalDate, LocalDate,
 * Path)}), so a figure suppressed in the stream is suppressed in the report too. Sums over several
 * days add up the published daily figures only; the report says how many were suppressed.
 */
public final class SecretariatReport {
  private SecretariatReport() {}

  /** What was written, for the command's summary line. */
  public record Summary(
      Path index, List<Path> csvFiles, long sightings, int suppressedFigures, boolean empty) {}

  static final int TOP = 15;
  static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

  static final Map<Sector, String> COLORS = new EnumMap<>(Sector.class);

  static {
    String[] palette = {
      "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
      "#7f7f7f"
    };
    for (Sector s : Sector.values()) {
      COLORS.put(s, palette[s.ordinal() % palette.length]);
    }
  }

  /**
   * The report from sightings (what {@code signalbox match} wrote, or what the demo consumed), with
   * the default k. Sightings before {@code from} still count for "first sighting".
   */
  public static Summary write(List<Sighting> sightings, LocalDate from, LocalDate to, Path dir)
      throws Exception {
    return write(sightings, List.of(), from, to, new Configuration(), dir);
  }

  public static Summary write(
      List<Sighting> sightings,
      List<Indicator> indicators,
      LocalDate from,
      LocalDate to,
      Configuration conf,
      Path dir)
      throws Exception {
    return write(sightings, indicators, List.of(), from, to, conf, dir);
  }

  /** With campaign alerts (raw member ids, as on the campaigns topic) for the campaign tables. */
  public static Summary write(
      List<Sighting> sightings,
      List<Indicator> indicators,
      List<CampaignAlert> campaigns,
      LocalDate from,
      LocalDate to,
      Configuration conf,
      Path dir)
      throws Exception {
    checkRange(from, to);
    List<TrendRecord> trends =
        sightings.isEmpty() && indicators.isEmpty() && campaigns.isEmpty()
            ? List.of()
            : BoundedTrends.compute(sightings, indicators, campaigns, conf).trends();
    return render(trends, from, to, conf.get(TrendsOptions.MIN_MEMBERS), dir);
  }

  static void checkRange(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("--to " + to + " is before --from " + from);
    }
  }

  /** Writes the report from trend records; records outside the range or hourly are ignored. */
  public static Summary render(
      List<TrendRecord> trends, LocalDate from, LocalDate to, int k, Path dir) throws IOException {
    checkRange(from, to);
    Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<TrendRecord> days = new ArrayList<>();
    List<TrendRecord> weeks = new ArrayList<>();
    for (TrendRecord r : trends) {
      if (r.getPeriod() == TrendPeriod.DAY
          && !r.getWindowStart().isBefore(start)
          && r.getWindowStart().isBefore(end)) {
        days.add(r);
      } else if (r.getPeriod() == TrendPeriod.WEEK
          && r.getMetric() == TrendMetric.TIME_TO_FIRST_SIGHTING
          && r.getSector() == null
          && r.getWindowEnd().isAfter(start)
          && r.getWindowStart().isBefore(end)) {
        weeks.add(r);
      }
    }
    Files.createDirectories(dir);
    Figures fig = new Figures(days, weeks, from, to);
    List<Path> csv = fig.writeCsv(dir);
    Path index = dir.resolve("index.html");
    Files.writeString(index, fig.html(k), StandardCharsets.UTF_8);
    return new Summary(index, csv, fig.totalSightings, fig.suppressedCount, fig.empty());
  }

  /** A figure summed over days: the published total and how many daily figures were suppressed. */
  static final class Sum {
    long value;
    int days;
    int suppressed;
    Tlp tlp = Tlp.CLEAR;

    void add(TrendRecord r) {
      tlp = Tlps.mostRestrictive(tlp, r.getTlp());
      if (r.getSuppressed()) {
        suppressed++;
      } else {
        days++;
        value += r.getValue() == null ? 0 : r.getValue();
      }
    }
  }

  static final class Figures {
    final LocalDate from;
    final LocalDate to;
    final List<LocalDate> dates = new ArrayList<>();
    final Map<Sector, Map<LocalDate, TrendRecord>> sectorDay = new EnumMap<>(Sector.class);
    final Map<LocalDate, TrendRecord> totalDay = new TreeMap<>();
    final Map<LocalDate, TrendRecord> ttfsDay = new TreeMap<>();

    /**
     * Time to first sighting per ISO week: per day it is usually below k (one member per
     * indicator). Weeks at the edges of the range may include days outside it.
     */
    final Map<LocalDate, TrendRecord> ttfsWeek = new TreeMap<>();

    final Map<LocalDate, TrendRecord> participationDay = new TreeMap<>();
    final Map<Sector, Map<LocalDate, TrendRecord>> sectorParticipation =
        new EnumMap<>(Sector.class);
    final Map<String, Sum> actors = new LinkedHashMap<>();
    final Map<String, Sum> techniques = new LinkedHashMap<>();
    final Map<String, Sum> indicators = new LinkedHashMap<>();
    final Map<String, Sum> types = new LinkedHashMap<>();
    final Map<String, Sum> sources = new LinkedHashMap<>();
    final Map<Sector, Map<String, Sum>> sectorActors = new EnumMap<>(Sector.class);
    final Map<Sector, Map<String, Sum>> sectorTechniques = new EnumMap<>(Sector.class);
    final Map<String, Sum> campaignsOpened = new TreeMap<>();
    final Map<String, Sum> campaignsEscalated = new TreeMap<>();
    final Map<String, Sum> campaignKeys = new LinkedHashMap<>();
    final Map<String, Sum> memberVolume = new TreeMap<>();
    final Map<String, Sector> memberSector = new TreeMap<>();
    final Map<String, Long> memberPeak = new TreeMap<>();
    final List<TrendRecord> all;
    long totalSightings;
    int suppressedCount;
    Tlp tlp = Tlp.CLEAR;

    Figures(List<TrendRecord> days, List<TrendRecord> weeks, LocalDate from, LocalDate to) {
      this.from = from;
      this.to = to;
      this.all = days;
      for (TrendRecord r : weeks) {
        ttfsWeek.put(LocalDate.ofInstant(r.getWindowStart(), ZoneOffset.UTC), r);
      }
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        dates.add(d);
      }
      for (TrendRecord r : days) {
        LocalDate d = LocalDate.ofInstant(r.getWindowStart(), ZoneOffset.UTC);
        Sector s = r.getSector();
        tlp = Tlps.mostRestrictive(tlp, r.getTlp());
        if (r.getSuppressed()) {
          suppressedCount++;
        }
        switch (r.getMetric()) {
          case SIGHTINGS -> {
            if (s == null) {
              totalDay.put(d, r);
              if (!r.getSuppressed()) {
                totalSightings += r.getValue();
              }
            } else {
              sectorDay.computeIfAbsent(s, x -> new TreeMap<>()).put(d, r);
            }
          }
          case SIGHTINGS_BY_ACTOR ->
              add(
                  s == null ? actors : sectorActors.computeIfAbsent(s, x -> new LinkedHashMap<>()),
                  r);
          case SIGHTINGS_BY_TECHNIQUE ->
              add(
                  s == null
                      ? techniques
                      : sectorTechniques.computeIfAbsent(s, x -> new LinkedHashMap<>()),
                  r);
          case SIGHTINGS_BY_INDICATOR -> {
            if (s == null) {
              add(indicators, r);
            }
          }
          case SIGHTINGS_BY_TYPE -> {
            if (s == null) {
              add(types, r);
            }
          }
          case INDICATORS_PUBLISHED -> add(sources, r);
          case TIME_TO_FIRST_SIGHTING -> {
            if (s == null) {
              ttfsDay.put(d, r);
            }
          }
          case PARTICIPATION -> {
            if (s == null) {
              participationDay.put(d, r);
            } else {
              sectorParticipation.computeIfAbsent(s, x -> new TreeMap<>()).put(d, r);
            }
          }
          case CAMPAIGNS_OPENED -> add(campaignsOpened, r);
          case CAMPAIGNS_ESCALATED -> add(campaignsEscalated, r);
          case CAMPAIGNS_BY_KEY -> add(campaignKeys, r);
          case MEMBER_VOLUME -> {
            add(memberVolume, r);
            memberSector.put(r.getDimension(), s);
            if (r.getValue() != null) {
              memberPeak.merge(r.getDimension(), r.getValue(), Math::max);
            }
          }
          default -> {}
        }
      }
    }

    boolean empty() {
      return totalDay.isEmpty() && sectorDay.isEmpty();
    }

    static void add(Map<String, Sum> sums, TrendRecord r) {
      sums.computeIfAbsent(r.getDimension(), x -> new Sum()).add(r);
    }

    static List<Map.Entry<String, Sum>> top(Map<String, Sum> sums, int n) {
      return sums.entrySet().stream()
          .filter(e -> e.getValue().days > 0)
          .sorted(
              Comparator.<Map.Entry<String, Sum>>comparingLong(e -> -e.getValue().value)
                  .thenComparing(Map.Entry::getKey))
          .limit(n)
          .toList();
    }

    static int suppressedOnly(Map<String, Sum> sums) {
      return (int) sums.values().stream().filter(s -> s.days == 0).count();
    }

    static double hours(Long millis) {
      return millis == null ? Double.NaN : millis / 3_600_000.0;
    }

    // ------------------------------------------------------------------ CSV

    List<Path> writeCsv(Path dir) throws IOException {
      List<Path> files = new ArrayList<>();
      StringBuilder b = new StringBuilder("day,sector,sightings,members,suppressed\n");
      for (LocalDate d : dates) {
        TrendRecord t = totalDay.get(d);
        if (t != null) {
          b.append(
              row(
                  d.toString(),
                  "all",
                  num(t.getValue()),
                  num(t.getMembers()),
                  String.valueOf(t.getSuppressed())));
        }
        for (var e : sectorDay.entrySet()) {
          TrendRecord r = e.getValue().get(d);
          if (r != null) {
            b.append(
                row(
                    d.toString(),
                    e.getKey().name().toLowerCase(),
                    num(r.getValue()),
                    num(r.getMembers()),
                    String.valueOf(r.getSuppressed())));
          }
        }
      }
      files.add(write(dir, "sightings-per-day.csv", b));
      files.add(write(dir, "top-actors.csv", sums("actor", actors)));
      files.add(write(dir, "top-techniques.csv", sums("technique", techniques)));
      files.add(write(dir, "top-indicators.csv", sums("indicator", indicators)));
      files.add(write(dir, "observable-types.csv", sums("observable_type", types)));
      files.add(write(dir, "indicators-published.csv", sums("source", sources)));
      files.add(write(dir, "top-campaigns.csv", sums("campaign_key", campaignKeys)));
      b =
          new StringBuilder(
              "week_starting,indicators_first_seen,median_hours,p90_hours,suppressed\n");
      for (var e : ttfsWeek.entrySet()) {
        TrendRecord r = e.getValue();
        b.append(
            row(
                e.getKey().toString(),
                num(r.getValue()),
                hoursText(r.getMedianMillis()),
                hoursText(r.getP90Millis()),
                String.valueOf(r.getSuppressed())));
      }
      files.add(write(dir, "time-to-first-sighting.csv", b));
      b = new StringBuilder("day,sector,members_with_sightings,suppressed\n");
      for (var e : participationDay.entrySet()) {
        b.append(
            row(
                e.getKey().toString(),
                "all",
                num(e.getValue().getValue()),
                String.valueOf(e.getValue().getSuppressed())));
      }
      for (var s : sectorParticipation.entrySet()) {
        for (var e : s.getValue().entrySet()) {
          b.append(
              row(
                  e.getKey().toString(),
                  s.getKey().name().toLowerCase(),
                  num(e.getValue().getValue()),
                  String.valueOf(e.getValue().getSuppressed())));
        }
      }
      files.add(write(dir, "participation.csv", b));
      b = new StringBuilder("member,sector,sightings,days_with_sightings,peak_day\n");
      for (var e : memberVolume.entrySet()) {
        Sector s = memberSector.get(e.getKey());
        b.append(
            row(
                e.getKey(),
                s == null ? "" : s.name().toLowerCase(),
                String.valueOf(e.getValue().value),
                String.valueOf(e.getValue().days),
                num(memberPeak.get(e.getKey()))));
      }
      files.add(write(dir, "member-volume.csv", b));
      b =
          new StringBuilder(
              "window_start,window_end,sector,metric,dimension,suppressed,value,members,median_ms,p90_ms,min_members,tlp\n");
      for (TrendRecord r : all) {
        b.append(
            row(
                r.getWindowStart().toString(),
                r.getWindowEnd().toString(),
                r.getSector() == null ? "all" : r.getSector().name().toLowerCase(),
                r.getMetric().name(),
                r.getDimension(),
                String.valueOf(r.getSuppressed()),
                num(r.getValue()),
                num(r.getMembers()),
                num(r.getMedianMillis()),
                num(r.getP90Millis()),
                String.valueOf(r.getMinMembers()),
                Tlps.label(r.getTlp())));
      }
      files.add(write(dir, "daily-trends.csv", b));
      return files;
    }

    static StringBuilder sums(String what, Map<String, Sum> sums) {
      StringBuilder b = new StringBuilder(what + ",sightings,days_published,days_suppressed,tlp\n");
      sums.entrySet().stream()
          .sorted(
              Comparator.<Map.Entry<String, Sum>>comparingLong(e -> -e.getValue().value)
                  .thenComparing(Map.Entry::getKey))
          .forEach(
              e ->
                  b.append(
                      row(
                          e.getKey(),
                          String.valueOf(e.getValue().value),
                          String.valueOf(e.getValue().days),
                          String.valueOf(e.getValue().suppressed),
                          Tlps.label(e.getValue().tlp))));
      return b;
    }

    static String row(String... fields) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append(Markup.csv(fields[i]));
      }
      return b.append('\n').toString();
    }

    static String num(Number n) {
      return n == null ? "" : n.toString();
    }

    static String hoursText(Long millis) {
      return millis == null
          ? ""
          : String.format(java.util.Locale.ROOT, "%.2f", millis / 3_600_000.0);
    }

    static Path write(Path dir, String name, CharSequence text) throws IOException {
      Path p = dir.resolve(name);
      Files.writeString(p, text, StandardCharsets.UTF_8);
      return p;
    }

    // ------------------------------------------------------------------ HTML

    String html(int k) {
      StringBuilder b = new StringBuilder();
      String range = from + " to " + to;
      b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .append("<title>Signalbox secretariat report, ")
          .append(Markup.html(range))
          .append("</title>")
          .append("<style>")
          .append(
              "body{font-family:sans-serif;margin:24px auto;max-width:920px;color:#222;line-height:1.4}")
          .append(
              "h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}")
          .append(".meta{color:#555}.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}")
          .append(
              ".tile{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}")
          .append(
              ".tile b{display:block;font-size:22px}.legend{margin:4px 0 12px 70px;font-size:12px}")
          .append(
              ".key{margin-right:14px;white-space:nowrap}.swatch{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:middle}")
          .append(
              "table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}")
          .append(
              "td.n{text-align:right}.note{font-size:12px;color:#555}.empty{font-size:18px;padding:24px;border:1px dashed #aaa}")
          .append(".tlp{font-weight:bold}svg.chart{max-width:100%;height:auto}")
          .append("</style></head><body>\n");
      b.append("<h1>Sector trends: ").append(Markup.html(range)).append(" (UTC)</h1>");
      b.append("<p class=\"meta\">Signalbox secretariat report. <span class=\"tlp\">")
          .append(Markup.html(Tlps.label(tlp)))
          .append(
              "</span> (the most restrictive marking of the figures in it). Figures built from fewer than ")
          .append(k)
          .append(
              " distinct members are suppressed and shown as such, never as numbers. Generated ")
          .append(
              Markup.html(
                  Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()))
          .append(".</p>\n");
      if (empty()) {
        b.append("<p class=\"empty\" id=\"empty\">No sightings between ")
            .append(from)
            .append(" and ")
            .append(to)
            .append(
                ". There is nothing to chart for this range; the CSV files beside this page hold headers only.</p>");
        appendSources(b);
        return b.append("</body></html>\n").toString();
      }
      tiles(b);
      sightingsChart(b, k);
      actorsAndTechniques(b);
      ttfs(b);
      sectorTable(b);
      indicatorTable(b);
      campaignTable(b);
      appendSources(b);
      memberTable(b);
      b.append(
          "<h2>Files</h2><p class=\"note\">The same figures as CSV: sightings-per-day.csv, top-actors.csv,"
              + " top-techniques.csv, top-indicators.csv, observable-types.csv, indicators-published.csv, top-campaigns.csv,"
              + " time-to-first-sighting.csv, participation.csv, member-volume.csv, daily-trends.csv (every"
              + " daily TrendRecord of the range).</p>");
      return b.append("</body></html>\n").toString();
    }

    void tiles(StringBuilder b) {
      long firstSeen = 0;
      for (TrendRecord r : ttfsWeek.values()) {
        if (!r.getSuppressed()) {
          firstSeen += r.getValue();
        }
      }
      long peak = 0;
      for (TrendRecord r : participationDay.values()) {
        if (!r.getSuppressed()) {
          peak = Math.max(peak, r.getValue());
        }
      }
      long totalSuppressed = totalDay.values().stream().filter(TrendRecord::getSuppressed).count();
      b.append("<div class=\"tiles\">");
      tile(
          b,
          "sightings",
          SvgChart.fmt(totalSightings),
          totalSuppressed > 0 ? totalSuppressed + " day(s) suppressed" : "all days published");
      tile(b, "sectors hit", String.valueOf(sectorDay.size()), "with at least one sighting");
      tile(
          b,
          "peak members / day",
          peak == 0 ? "suppressed" : String.valueOf(peak),
          "members whose telemetry matched");
      tile(b, "indicators first seen", SvgChart.fmt(firstSeen), "in published weekly figures");
      b.append("</div>");
    }

    static void tile(StringBuilder b, String name, String value, String note) {
      b.append("<div class=\"tile\">")
          .append(Markup.html(name))
          .append("<b>")
          .append(Markup.html(value))
          .append("</b><span class=\"note\">")
          .append(Markup.html(note))
          .append("</span></div>");
    }

    List<String> dayLabels() {
      return dates.stream().map(d -> d.format(DateTimeFormatter.ofPattern("MM-dd"))).toList();
    }

    void sightingsChart(StringBuilder b, int k) {
      List<Series> series = new ArrayList<>();
      for (var e : sectorDay.entrySet()) {
        double[] v = new double[dates.size()];
        for (int i = 0; i < dates.size(); i++) {
          TrendRecord r = e.getValue().get(dates.get(i));
          v[i] = r == null || r.getSuppressed() ? Double.NaN : r.getValue();
        }
        boolean published = false;
        for (double x : v) {
          published |= !Double.isNaN(x);
        }
        // A sector that never passes k is part of the hatched remainder, not a legend entry.
        if (published) {
          series.add(new Series(label(e.getKey()), COLORS.get(e.getKey()), v));
        }
      }
      double[] totals = new double[dates.size()];
      for (int i = 0; i < dates.size(); i++) {
        TrendRecord t = totalDay.get(dates.get(i));
        totals[i] = t == null || t.getSuppressed() ? Double.NaN : t.getValue();
      }
      b.append("<h2>Sightings per day by sector</h2>");
      b.append(
          SvgChart.stacked(
              "sightings-by-sector",
              "Sightings per day by sector",
              dayLabels(),
              series,
              totals,
              "sectors with fewer than " + k + " members (suppressed)",
              "day (UTC, " + from.getYear() + ")",
              "sightings per day"));
      long hidden = totalDay.values().stream().filter(TrendRecord::getSuppressed).count();
      if (hidden > 0) {
        b.append("<p class=\"note\">")
            .append(hidden)
            .append(" day(s) had sightings from fewer than ")
            .append(k)
            .append(" members in all sectors together; those days show no bar.</p>");
      }
    }

    void actorsAndTechniques(StringBuilder b) {
      b.append("<h2>Top threat actors</h2>");
      horizontal(
          b,
          "top-actors",
          "Sightings by threat actor (all sectors)",
          actors,
          "#d62728",
          "sightings in the range");
      b.append("<h2>Top ATT&amp;CK techniques</h2>");
      horizontal(
          b,
          "top-techniques",
          "Sightings by ATT&CK technique (all sectors)",
          techniques,
          "#9467bd",
          "sightings in the range");
    }

    static void horizontal(
        StringBuilder b,
        String id,
        String title,
        Map<String, Sum> sums,
        String color,
        String unit) {
      List<Bar> bars =
          top(sums, TOP).stream().map(e -> new Bar(e.getKey(), e.getValue().value)).toList();
      if (bars.isEmpty()) {
        b.append(
            "<p class=\"note\">No published figure (none, or all from fewer than k members).</p>");
      } else {
        b.append(SvgChart.horizontal(id, title, bars, color, unit));
      }
      int hidden = suppressedOnly(sums);
      if (hidden > 0) {
        b.append("<p class=\"note\">")
            .append(hidden)
            .append(" more value(s) had only suppressed daily figures.</p>");
      }
    }

    void ttfs(StringBuilder b) {
      b.append("<h2>Time from publication to first sighting</h2>");
      List<String> weeks = new ArrayList<>();
      List<TrendRecord> records = new ArrayList<>(ttfsWeek.values());
      double[] median = new double[records.size()];
      double[] p90 = new double[records.size()];
      boolean any = false;
      for (int i = 0; i < records.size(); i++) {
        TrendRecord r = records.get(i);
        weeks.add(
            LocalDate.ofInstant(r.getWindowStart(), ZoneOffset.UTC).format(DAY)
                + (r.getSuppressed() ? " (suppressed)" : ""));
        median[i] = r.getSuppressed() ? Double.NaN : hours(r.getMedianMillis());
        p90[i] = r.getSuppressed() ? Double.NaN : hours(r.getP90Millis());
        any |= !Double.isNaN(median[i]);
      }
      if (!any) {
        b.append(
            "<p class=\"note\">No published figure: in every week the first sightings came from fewer than k members.</p>");
        return;
      }
      b.append(
          SvgChart.grouped(
              "time-to-first-sighting",
              "Hours from indicator publication to its first sighting, by week of the first sighting",
              weeks,
              List.of(
                  new Series("median", "#2ca02c", median),
                  new Series("90th percentile", "#ff7f0e", p90)),
              "week of the first sighting, starting Monday (UTC)",
              "hours"));
      b.append(
          "<p class=\"note\">Publication is the indicator's earliest version seen; when only sightings are"
              + " available, the version the sighting matched. Counted per week because a day rarely has first"
              + " sightings from k members.</p>");
    }

    void sectorTable(StringBuilder b) {
      b.append(
          "<h2>Per sector</h2><table id=\"sectors\"><tr><th>sector</th><th>sightings</th><th>days published</th>"
              + "<th>days suppressed</th><th>peak members / day</th><th>top actor</th><th>top technique</th></tr>");
      for (var e : sectorDay.entrySet()) {
        Sum s = new Sum();
        e.getValue().values().forEach(s::add);
        long peak = 0;
        for (TrendRecord r : sectorParticipation.getOrDefault(e.getKey(), Map.of()).values()) {
          if (!r.getSuppressed()) {
            peak = Math.max(peak, r.getValue());
          }
        }
        b.append("<tr><td>")
            .append(Markup.html(label(e.getKey())))
            .append("</td><td class=\"n\">")
            .append(s.days == 0 ? "suppressed" : SvgChart.fmt(s.value))
            .append("</td><td class=\"n\">")
            .append(s.days)
            .append("</td><td class=\"n\">")
            .append(s.suppressed)
            .append("</td><td class=\"n\">")
            .append(peak == 0 ? "suppressed" : peak)
            .append("</td><td>")
            .append(Markup.html(first(sectorActors.get(e.getKey()))))
            .append("</td><td>")
            .append(Markup.html(first(sectorTechniques.get(e.getKey()))))
            .append("</td></tr>");
      }
      b.append("</table>");
    }

    static String first(Map<String, Sum> sums) {
      if (sums == null) {
        return "";
      }
      var t = top(sums, 1);
      return t.isEmpty()
          ? "suppressed"
          : t.get(0).getKey() + " (" + SvgChart.fmt(t.get(0).getValue().value) + ")";
    }

    void indicatorTable(StringBuilder b) {
      b.append("<h2>Top indicators</h2>");
      var top = top(indicators, TOP);
      if (top.isEmpty()) {
        b.append("<p class=\"note\">No indicator was seen by at least k members on one day.</p>");
        return;
      }
      b.append(
          "<table id=\"indicators\"><tr><th>indicator</th><th>sightings</th><th>days published</th><th>days suppressed</th><th>marking</th></tr>");
      for (var e : top) {
        b.append("<tr><td>")
            .append(Markup.html(e.getKey()))
            .append("</td><td class=\"n\">")
            .append(SvgChart.fmt(e.getValue().value))
            .append("</td><td class=\"n\">")
            .append(e.getValue().days)
            .append("</td><td class=\"n\">")
            .append(e.getValue().suppressed)
            .append("</td><td>")
            .append(Markup.html(Tlps.label(e.getValue().tlp)))
            .append("</td></tr>");
      }
      b.append("</table>");
    }

    void campaignTable(StringBuilder b) {
      if (campaignKeys.isEmpty() && campaignsOpened.isEmpty() && campaignsEscalated.isEmpty()) {
        return;
      }
      b.append(
          "<h2>Campaign alerts</h2><table id=\"campaign-kinds\"><tr><th>shared key</th>"
              + "<th>alerts opened</th><th>escalations</th></tr>");
      java.util.Set<String> kinds = new java.util.TreeSet<>(campaignsOpened.keySet());
      kinds.addAll(campaignsEscalated.keySet());
      for (String kind : kinds) {
        Sum o = campaignsOpened.get(kind);
        Sum e = campaignsEscalated.get(kind);
        b.append("<tr><td>")
            .append(Markup.html(kind.toLowerCase()))
            .append("</td><td class=\"n\">")
            .append(o == null ? "0" : o.days == 0 ? "suppressed" : SvgChart.fmt(o.value))
            .append("</td><td class=\"n\">")
            .append(e == null ? "0" : e.days == 0 ? "suppressed" : SvgChart.fmt(e.value))
            .append("</td></tr>");
      }
      b.append("</table>");
      var top = top(campaignKeys, TOP);
      if (!top.isEmpty()) {
        b.append(
            "<table id=\"campaigns\"><tr><th>top campaign keys</th><th>alert revisions</th>"
                + "<th>days published</th><th>days suppressed</th></tr>");
        for (var e : top) {
          b.append("<tr><td>")
              .append(Markup.html(e.getKey()))
              .append("</td><td class=\"n\">")
              .append(SvgChart.fmt(e.getValue().value))
              .append("</td><td class=\"n\">")
              .append(e.getValue().days)
              .append("</td><td class=\"n\">")
              .append(e.getValue().suppressed)
              .append("</td></tr>");
        }
        b.append("</table>");
      }
    }

    void appendSources(StringBuilder b) {
      if (sources.isEmpty()) {
        return;
      }
      b.append(
          "<h2>Indicators published per source</h2><table id=\"sources\"><tr><th>source</th><th>new indicators</th></tr>");
      for (var e : top(sources, 50)) {
        b.append("<tr><td>")
            .append(Markup.html(e.getKey()))
            .append("</td><td class=\"n\">")
            .append(SvgChart.fmt(e.getValue().value))
            .append("</td></tr>");
      }
      b.append("</table>");
    }

    void memberTable(StringBuilder b) {
      if (memberVolume.isEmpty()) {
        return;
      }
      b.append(
          "<h2>Volume per member</h2><p class=\"note\">For the secretariat only: names member pseudonyms."
              + " Sightings delivered about each member's telemetry; compare with what the member can absorb.</p>");
      b.append(
          "<table id=\"members\"><tr><th>member</th><th>sector</th><th>sightings</th><th>days with sightings</th><th>peak day</th></tr>");
      memberVolume.entrySet().stream()
          .sorted(
              Comparator.<Map.Entry<String, Sum>>comparingLong(e -> -e.getValue().value)
                  .thenComparing(Map.Entry::getKey))
          .forEach(
              e ->
                  b.append("<tr><td>")
                      .append(Markup.html(e.getKey()))
                      .append("</td><td>")
                      .append(Markup.html(label(memberSector.get(e.getKey()))))
                      .append("</td><td class=\"n\">")
                      .append(SvgChart.fmt(e.getValue().value))
                      .append("</td><td class=\"n\">")
                      .append(e.getValue().days)
                      .append("</td><td class=\"n\">")
                      .append(num(memberPeak.get(e.getKey())))
                      .append("</td></tr>"));
      b.append("</table>");
    }

    static String label(Sector s) {
      if (s == null) {
        return "";
      }
      String n = s.name().toLowerCase().replace('_', ' ');
      return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }
  }

  /** Day range of a set of sightings, for callers that want "everything" (the demo). */
  public static LocalDate[] span(List<Sighting> sightings) {
    Instant min = null;
    Instant max = null;
    for (Sighting s : sightings) {
      Instant t = s.getEventTime();
      min = min == null || t.isBefore(min) ? t : min;
      max = max == null || t.isAfter(max) ? t : max;
    }
    if (min == null) {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      return new LocalDate[] {today, today};
    }
    return new LocalDate[] {
      LocalDate.ofInstant(min, ZoneOffset.UTC), LocalDate.ofInstant(max, ZoneOffset.UTC)
    };
  }
}
