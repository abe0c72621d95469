package org.signalbox.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.signalbox.cli.report.SvgChart.Bar;
import org.signalbox.cli.report.SvgChart.Series;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.trends.BoundedTrends;
import org.signalbox.jobs.trends.Contributions;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;
import org.signalbox.schema.TrendRecord;

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

  /** The row of verdicts on indicators the trends job had not heard of. */
  static final String UNKNOWN_SOURCE = "(unknown indicator)";

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
    return write(sightings, indicators, campaigns, List.of(), null, from, to, conf, dir);
  }

  /**
   * With members' verdicts (false-positive rates per indicator source) and the member directory
   * (members that only consume, load against daily capacity, names for the secretariat).
   *
   * @param directory may be null
   */
  public static Summary write(
      List<Sighting> sightings,
      List<Indicator> indicators,
      List<CampaignAlert> campaigns,
      List<Feedback> feedback,
      MemberDirectory directory,
      LocalDate from,
      LocalDate to,
      Configuration conf,
      Path dir)
      throws Exception {
    checkRange(from, to);
    List<TrendRecord> trends =
        sightings.isEmpty() && indicators.isEmpty() && campaigns.isEmpty() && feedback.isEmpty()
            ? List.of()
            : BoundedTrends.compute(sightings, indicators, campaigns, feedback, directory, conf)
                .trends();
    return render(trends, directory, from, to, conf.get(TrendsOptions.MIN_MEMBERS), dir);
  }

  static void checkRange(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("--to " + to + " is before --from " + from);
    }
  }

  /** Writes the report from trend records; records outside the range or hourly are ignored. */
  public static Summary render(
      List<TrendRecord> trends, LocalDate from, LocalDate to, int k, Path dir) throws IOException {
    return render(trends, null, from, to, k, dir);
  }

  /**
   * @param directory the member directory, or null: with it the report names the members that only
   *     consumed in the range and gives each member's sector and capacity
   */
  public static Summary render(
      List<TrendRecord> trends,
      MemberDirectory directory,
      LocalDate from,
      LocalDate to,
      int k,
      Path dir)
      throws IOException {
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
    Figures fig = new Figures(days, weeks, from, to, directory);
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

  /** Verdicts on one source's indicators summed over days, from the published daily figures. */
  static final class Verdicts {
    long received;
    long falsePositives;
    long truePositives;
    int days;
    int suppressed;
    Tlp tlp = Tlp.CLEAR;

    void add(TrendRecord r) {
      tlp = Tlps.mostRestrictive(tlp, r.getTlp());
      if (r.getSuppressed()) {
        suppressed++;
        return;
      }
      days++;
      received += r.getValue() == null ? 0 : r.getValue();
      falsePositives += r.getFalsePositives() == null ? 0 : r.getFalsePositives();
      truePositives += r.getTruePositives() == null ? 0 : r.getTruePositives();
    }

    /**
     * CSV fields: the key columns, then verdicts, votes, rate, days published and suppressed, TLP.
     */
    String[] csvFields(String... key) {
      String[] figures = {
        String.valueOf(received),
        String.valueOf(falsePositives),
        String.valueOf(truePositives),
        Double.isNaN(rate()) ? "" : String.format(java.util.Locale.ROOT, "%.4f", rate()),
        String.valueOf(days),
        String.valueOf(suppressed),
        Tlps.label(tlp)
      };
      String[] out = Arrays.copyOf(key, key.length + figures.length);
      System.arraycopy(figures, 0, out, key.length, figures.length);
      return out;
    }

    /** False-positive votes over all votes, or NaN without votes. */
    double rate() {
      long votes = falsePositives + truePositives;
      return votes == 0 ? Double.NaN : (double) falsePositives / votes;
    }
  }

  /** The kinds of contribution, in the order of the report's columns. */
  static final List<String> KINDS =
      List.of(Contributions.TELEMETRY, Contributions.INDICATORS, Contributions.FEEDBACK);

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

    /** May be null. */
    final MemberDirectory directory;

    /** PARTICIPATION for all sectors: kind, day. */
    final Map<String, Map<LocalDate, TrendRecord>> participation = new TreeMap<>();

    /** PARTICIPATION per sector: sector, kind, day (for the CSV). */
    final Map<Sector, Map<String, Map<LocalDate, TrendRecord>>> sectorParticipationByKind =
        new EnumMap<>(Sector.class);

    final Map<String, Verdicts> verdicts = new TreeMap<>();

    /** Per sector of the voting members (trends computed with a directory), per source. */
    final Map<Sector, Map<String, Verdicts>> sectorVerdicts = new EnumMap<>(Sector.class);

    final Verdicts unknownVerdicts = new Verdicts();

    /** Records each member contributed in the range, per kind in the order of {@link #KINDS}. */
    final Map<String, long[]> contributions = new TreeMap<>();

    /** MEMBER_LOAD per member, one record per day with sightings. */
    final Map<String, List<TrendRecord>> load = new TreeMap<>();

    final Map<LocalDate, TrendRecord> overCapacityDay = new TreeMap<>();
    final Map<Sector, Map<LocalDate, TrendRecord>> sectorOverCapacity = new EnumMap<>(Sector.class);
    final List<TrendRecord> all;
    long totalSightings;
    int suppressedCount;
    Tlp tlp = Tlp.CLEAR;

    Figures(
        List<TrendRecord> days,
        List<TrendRecord> weeks,
        LocalDate from,
        LocalDate to,
        MemberDirectory directory) {
      this.from = from;
      this.to = to;
      this.directory = directory;
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
              participation.computeIfAbsent(r.getDimension(), x -> new TreeMap<>()).put(d, r);
            } else {
              sectorParticipationByKind
                  .computeIfAbsent(s, x -> new TreeMap<>())
                  .computeIfAbsent(r.getDimension(), x -> new TreeMap<>())
                  .put(d, r);
            }
            if (Contributions.TELEMETRY.equals(r.getDimension())) {
              if (s == null) {
                participationDay.put(d, r);
              } else {
                sectorParticipation.computeIfAbsent(s, x -> new TreeMap<>()).put(d, r);
              }
            }
          }
          case FEEDBACK_BY_SOURCE ->
              (s == null ? verdicts : sectorVerdicts.computeIfAbsent(s, x -> new TreeMap<>()))
                  .computeIfAbsent(r.getDimension(), x -> new Verdicts())
                  .add(r);
          case FEEDBACK_UNKNOWN_INDICATOR -> {
            if (s == null) {
              unknownVerdicts.add(r);
            }
          }
          case MEMBER_CONTRIBUTIONS -> {
            String dim = r.getDimension();
            int colon = dim.indexOf(':');
            int kind = colon < 0 ? -1 : KINDS.indexOf(dim.substring(0, colon));
            if (kind >= 0 && r.getValue() != null) {
              contributions
                      .computeIfAbsent(dim.substring(colon + 1), x -> new long[KINDS.size()])[
                      kind] +=
                  r.getValue();
            }
          }
          case MEMBER_LOAD -> {
            load.computeIfAbsent(r.getDimension(), x -> new ArrayList<>()).add(r);
            memberSector.putIfAbsent(r.getDimension(), s);
          }
          case MEMBERS_OVER_CAPACITY -> {
            if (s == null) {
              overCapacityDay.put(d, r);
            } else {
              sectorOverCapacity.computeIfAbsent(s, x -> new TreeMap<>()).put(d, r);
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
      // Signed hours (negative: first seen before publication), whole ISO weeks as published.
      b =
          new StringBuilder(
              "week_starting,indicators_first_seen,median_hours,p90_hours,suppressed,"
                  + "week_ending,days_in_range,median,p90\n");
      for (var e : ttfsWeek.entrySet()) {
        TrendRecord r = e.getValue();
        b.append(
            row(
                e.getKey().toString(),
                num(r.getValue()),
                hoursText(r.getMedianMillis()),
                hoursText(r.getP90Millis()),
                String.valueOf(r.getSuppressed()),
                e.getKey().plusDays(6).toString(),
                String.valueOf(daysInRange(e.getKey())),
                sinceText(r.getMedianMillis()),
                sinceText(r.getP90Millis())));
      }
      files.add(write(dir, "time-to-first-sighting.csv", b));
      b = new StringBuilder("day,sector,kind,members,suppressed\n");
      for (LocalDate d : dates) {
        for (var k : participation.entrySet()) {
          participationRow(b, d, "all", k.getKey(), k.getValue().get(d));
        }
        for (var sector : sectorParticipationByKind.entrySet()) {
          for (var k : sector.getValue().entrySet()) {
            participationRow(
                b, d, sector.getKey().name().toLowerCase(), k.getKey(), k.getValue().get(d));
          }
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
              "source,verdicts,false_positives,true_positives,false_positive_rate,days_published,days_suppressed,tlp\n");
      for (var e : verdictRows()) {
        b.append(row(e.getValue().csvFields(e.getKey())));
      }
      files.add(write(dir, "false-positives.csv", b));
      b =
          new StringBuilder(
              "sector,source,verdicts,false_positives,true_positives,false_positive_rate,days_published,days_suppressed,tlp\n");
      for (var bySector : sectorVerdicts.entrySet()) {
        for (var e : bySector.getValue().entrySet()) {
          b.append(
              row(
                  e.getValue()
                      .csvFields(
                          bySector.getKey().name().toLowerCase(java.util.Locale.ROOT),
                          e.getKey())));
        }
      }
      files.add(write(dir, "false-positives-by-sector.csv", b));
      b =
          new StringBuilder(
              "member,sector,sighting_records,indicator_versions,verdicts,consumer_only\n");
      for (String member : contributionMembers()) {
        long[] c = contributions.getOrDefault(member, new long[KINDS.size()]);
        b.append(
            row(
                member,
                sectorName(member),
                String.valueOf(c[0]),
                String.valueOf(c[1]),
                String.valueOf(c[2]),
                String.valueOf(consumerOnly(member))));
      }
      files.add(write(dir, "member-contributions.csv", b));
      b =
          new StringBuilder(
              "day,member,sector,records_delivered,daily_capacity,load_ratio,over_capacity,"
                  + "telemetry\n");
      for (var e : load.entrySet()) {
        // No telemetry in the range: no ratio (as in the page), the deliveries still listed.
        boolean telemetry = sentTelemetry(e.getKey());
        for (TrendRecord r : e.getValue()) {
          Double ratio = telemetry ? r.getRatio() : null;
          b.append(
              row(
                  LocalDate.ofInstant(r.getWindowStart(), ZoneOffset.UTC).toString(),
                  e.getKey(),
                  sectorName(e.getKey()),
                  num(r.getValue()),
                  num(r.getCapacity()),
                  ratio == null ? "" : String.format(java.util.Locale.ROOT, "%.4f", ratio),
                  ratio == null ? "" : String.valueOf(ratio > 1),
                  String.valueOf(telemetry)));
        }
      }
      files.add(write(dir, "member-load.csv", b));
      b = new StringBuilder("day,sector,members_over_capacity,members_compared,suppressed\n");
      for (LocalDate d : dates) {
        overCapacityRow(b, d, "all", overCapacityDay.get(d));
        for (var e : sectorOverCapacity.entrySet()) {
          overCapacityRow(b, d, e.getKey().name().toLowerCase(), e.getValue().get(d));
        }
      }
      files.add(write(dir, "members-over-capacity.csv", b));
      b =
          new StringBuilder(
              "window_start,window_end,sector,metric,dimension,suppressed,value,members,median_ms,p90_ms,min_members,tlp,false_positives,true_positives,capacity,ratio\n");
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
                Tlps.label(r.getTlp()),
                num(r.getFalsePositives()),
                num(r.getTruePositives()),
                num(r.getCapacity()),
                num(r.getRatio())));
      }
      files.add(write(dir, "daily-trends.csv", b));
      return files;
    }

    static void participationRow(
        StringBuilder b, LocalDate d, String sector, String kind, TrendRecord r) {
      if (r != null) {
        b.append(
            row(d.toString(), sector, kind, num(r.getValue()), String.valueOf(r.getSuppressed())));
      }
    }

    static void overCapacityRow(StringBuilder b, LocalDate d, String sector, TrendRecord r) {
      if (r != null) {
        b.append(
            row(
                d.toString(),
                sector,
                num(r.getValue()),
                num(r.getMembers()),
                String.valueOf(r.getSuppressed())));
      }
    }

    /** Verdict sums by source, most verdicts first, the unknown indicators last. */
    List<Map.Entry<String, Verdicts>> verdictRows() {
      List<Map.Entry<String, Verdicts>> rows =
          new ArrayList<>(
              verdicts.entrySet().stream()
                  .sorted(
                      Comparator.<Map.Entry<String, Verdicts>>comparingLong(
                              e -> -e.getValue().received)
                          .thenComparing(Map.Entry::getKey))
                  .toList());
      if (unknownVerdicts.days + unknownVerdicts.suppressed > 0) {
        rows.add(Map.entry(UNKNOWN_SOURCE, unknownVerdicts));
      }
      return rows;
    }

    /** Members with a contribution in the range and, with a directory, every member it lists. */
    List<String> contributionMembers() {
      java.util.Set<String> all = new java.util.TreeSet<>(contributions.keySet());
      if (directory != null) {
        directory.members().forEach(m -> all.add(m.id()));
      }
      return new ArrayList<>(all);
    }

    /** In the directory, and no contribution at all in the range. */
    boolean consumerOnly(String member) {
      if (directory == null || !directory.contains(member)) {
        return false;
      }
      long[] c = contributions.get(member);
      return c == null || java.util.Arrays.stream(c).sum() == 0;
    }

    String sectorName(String member) {
      Sector s =
          directory == null
              ? memberSector.get(member)
              : directory
                  .member(member)
                  .map(MemberDirectory.Member::sector)
                  .orElse(memberSector.get(member));
      return s == null ? "" : s.name().toLowerCase();
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
      participationSection(b, k);
      indicatorTable(b);
      campaignTable(b);
      appendSources(b);
      falsePositives(b, k);
      memberTable(b);
      capacity(b, k);
      b.append(
          "<h2>Files</h2><p class=\"note\">The same figures as CSV: sightings-per-day.csv, top-actors.csv,"
              + " top-techniques.csv, top-indicators.csv, observable-types.csv, indicators-published.csv, top-campaigns.csv,"
              + " time-to-first-sighting.csv, participation.csv, member-contributions.csv, false-positives.csv, false-positives-by-sector.csv,"
              + " member-volume.csv, member-load.csv, members-over-capacity.csv, daily-trends.csv (every"
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
      tile(
          b,
          "indicators first seen",
          SvgChart.fmt(firstSeen),
          "in published figures of the whole weeks that overlap the range");
      TrendRecord earliest = null;
      for (TrendRecord r : ttfsWeek.values()) {
        if (!r.getSuppressed()
            && r.getMedianMillis() != null
            && (earliest == null || r.getMedianMillis() < earliest.getMedianMillis())) {
          earliest = r;
        }
      }
      if (earliest != null && earliest.getMedianMillis() < 0) {
        tile(
            b,
            "unseen before publication",
            durationText(-earliest.getMedianMillis()),
            "median of the week of "
                + LocalDate.ofInstant(earliest.getWindowStart(), ZoneOffset.UTC)
                + ": first "
                + sinceText(earliest.getMedianMillis()));
      }
      if (directory != null) {
        long consumers = contributionMembers().stream().filter(this::consumerOnly).count();
        tile(
            b,
            "only consumed",
            consumers + " of " + directory.members().size(),
            "members that contributed nothing");
      }
      long fp = 0;
      long votes = 0;
      for (Verdicts v : verdicts.values()) {
        fp += v.falsePositives;
        votes += v.falsePositives + v.truePositives;
      }
      if (!verdicts.isEmpty()) {
        tile(
            b,
            "false-positive rate",
            votes == 0
                ? "suppressed"
                : String.format(java.util.Locale.ROOT, "%.0f %%", 100.0 * fp / votes),
            votes == 0
                ? "fewer than k members gave verdicts"
                : "of " + votes + " votes, all sources");
      }
      if (!load.isEmpty()) {
        long peakOver = -1;
        for (TrendRecord r : overCapacityDay.values()) {
          if (!r.getSuppressed()) {
            peakOver = Math.max(peakOver, r.getValue());
          }
        }
        tile(
            b,
            "over capacity",
            peakOver < 0 ? "suppressed" : String.valueOf(peakOver),
            "members on the busiest day");
      }
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

    /** The bars of the charts over the range: days, weeks, months or years. */
    ChartBuckets buckets() {
      return ChartBuckets.of(from, to);
    }

    /** "per day", "per week", ...: what one bar of a chart over the range holds. */
    String perBucket() {
      return switch (buckets().unit()) {
        case DAY -> "per day";
        case WEEK -> "per week";
        case MONTH -> "per month";
        case YEAR -> "per year";
      };
    }

    void sightingsChart(StringBuilder b, int k) {
      ChartBuckets buckets = buckets();
      List<Series> series = new ArrayList<>();
      for (var e : sectorDay.entrySet()) {
        Map<LocalDate, TrendRecord> byDay = e.getValue();
        double[] v = buckets.combine(d -> published(byDay.get(d)), ChartBuckets.Combine.SUM);
        boolean published = false;
        for (double x : v) {
          published |= !Double.isNaN(x);
        }
        // A sector that never passes k is part of the hatched remainder, not a legend entry.
        if (published) {
          series.add(new Series(label(e.getKey()), COLORS.get(e.getKey()), v));
        }
      }
      double[] totals = buckets.combine(d -> published(totalDay.get(d)), ChartBuckets.Combine.SUM);
      b.append("<h2>Sightings ").append(perBucket()).append(" by sector</h2>");
      b.append(
          SvgChart.stacked(
              "sightings-by-sector",
              "Sightings " + perBucket() + " by sector",
              buckets.labels(),
              series,
              totals,
              "sectors with fewer than " + k + " members (suppressed)",
              buckets.axisLabel(),
              "sightings " + perBucket()));
      busiestDay(b, buckets);
      long hidden = totalDay.values().stream().filter(TrendRecord::getSuppressed).count();
      if (hidden > 0) {
        b.append("<p class=\"note\">")
            .append(hidden)
            .append(" day(s) had sightings from fewer than ")
            .append(k)
            .append(" members in all sectors together; those days show no bar.</p>");
      }
    }

    /**
     * In a long, sparse range one busy day is most of the story: name it, and say that the bars are
     * sums over several days.
     */
    void busiestDay(StringBuilder b, ChartBuckets buckets) {
      TrendRecord busiest = null;
      int daysWithSightings = 0;
      for (TrendRecord r : totalDay.values()) {
        if (r.getSuppressed() || r.getValue() == null) {
          continue;
        }
        daysWithSightings++;
        if (busiest == null || r.getValue() > busiest.getValue()) {
          busiest = r;
        }
      }
      b.append("<p class=\"note\" id=\"sightings-buckets\">");
      if (buckets.unit() != ChartBuckets.Unit.DAY) {
        b.append("The range is ")
            .append(dates.size())
            .append(" days, so each bar adds up the published daily figures of one ")
            .append(buckets.unit().label)
            .append(" (the first and last bar hold only the days inside the range). ");
      }
      if (busiest != null) {
        b.append("Sightings on ")
            .append(daysWithSightings)
            .append(" of ")
            .append(dates.size())
            .append(" days; busiest day ")
            .append(LocalDate.ofInstant(busiest.getWindowStart(), ZoneOffset.UTC))
            .append(" (")
            .append(SvgChart.fmt(busiest.getValue()))
            .append(" sightings).");
      }
      b.append("</p>");
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
      long largest = 0;
      for (TrendRecord r : records) {
        if (!r.getSuppressed()) {
          largest = Math.max(largest, abs(r.getMedianMillis()));
          largest = Math.max(largest, abs(r.getP90Millis()));
        }
      }
      TimeUnitForChart unit = TimeUnitForChart.fitting(largest);
      for (int i = 0; i < records.size(); i++) {
        TrendRecord r = records.get(i);
        weeks.add(
            LocalDate.ofInstant(r.getWindowStart(), ZoneOffset.UTC).format(DAY)
                + (r.getSuppressed() ? " (suppressed)" : ""));
        median[i] = r.getSuppressed() ? Double.NaN : unit.of(r.getMedianMillis());
        p90[i] = r.getSuppressed() ? Double.NaN : unit.of(r.getP90Millis());
        any |= !Double.isNaN(median[i]);
      }
      if (!any) {
        b.append(
                "<p class=\"note\">No published figure: in every week that overlaps the range the first"
                    + " sightings came from fewer than k members.")
            .append(records.isEmpty() ? "" : " " + partialWeeksNote())
            .append("</p>");
        return;
      }
      b.append(
          SvgChart.grouped(
              "time-to-first-sighting",
              unit.title
                  + " from indicator publication to its first sighting, by week of the first"
                  + " sighting (below zero: seen before publication)",
              weeks,
              List.of(
                  new Series("median", "#2ca02c", median),
                  new Series("90th percentile", "#ff7f0e", p90)),
              "week of the first sighting, starting Monday (UTC)",
              unit.name + " (negative: before publication)"));
      b.append(
          "<table id=\"time-to-first-sighting-weeks\"><tr><th>week (Monday to Sunday, UTC)</th>"
              + "<th>days in the range</th><th>indicators first seen</th><th>median</th>"
              + "<th>90th percentile</th></tr>");
      for (TrendRecord r : records) {
        LocalDate monday = LocalDate.ofInstant(r.getWindowStart(), ZoneOffset.UTC);
        b.append("<tr><td>")
            .append(monday)
            .append(" to ")
            .append(monday.plusDays(6))
            .append("</td><td class=\"n\">")
            .append(daysInRange(monday))
            .append(" of 7</td><td class=\"n\">")
            .append(r.getSuppressed() ? "suppressed" : SvgChart.fmt(r.getValue()))
            .append("</td><td>")
            .append(r.getSuppressed() ? "suppressed" : Markup.html(sinceText(r.getMedianMillis())))
            .append("</td><td>")
            .append(r.getSuppressed() ? "suppressed" : Markup.html(sinceText(r.getP90Millis())))
            .append("</td></tr>");
      }
      b.append("</table>");
      b.append(
              "<p class=\"note\">Publication is the indicator's earliest version seen; when only sightings are"
                  + " available, the version the sighting matched. A negative time is telemetry older than"
                  + " the indicator (found by a retro-hunt): the attack went unseen that long before anyone"
                  + " published the indicator. Counted per week because a day rarely has first"
                  + " sightings from k members. ")
          .append(partialWeeksNote())
          .append("</p>");
    }

    /** The weekly figures are the trends job's, over whole weeks, whatever the report's range. */
    String partialWeeksNote() {
      return "Each figure is for a whole ISO week (Monday to Sunday, UTC) as the trends job"
          + " published it, including the days of a week outside the range, so the same week gives"
          + " the same figure in every report that contains any of its days.";
    }

    int daysInRange(LocalDate monday) {
      int n = 0;
      for (LocalDate d = monday; d.isBefore(monday.plusDays(7)); d = d.plusDays(1)) {
        if (!d.isBefore(from) && !d.isAfter(to)) {
          n++;
        }
      }
      return n;
    }

    static long abs(Long millis) {
      return millis == null ? 0 : Math.abs(millis);
    }

    /**
     * A signed time from publication to first sighting in words: "seen 7.7 years before the
     * indicator was published", "seen 3.5 hours after the indicator was published".
     */
    static String sinceText(Long millis) {
      if (millis == null) {
        return "";
      }
      if (millis == 0) {
        return "seen when the indicator was published";
      }
      return "seen "
          + durationText(Math.abs(millis))
          + (millis < 0 ? " before" : " after")
          + " the indicator was published";
    }

    /** A positive duration in the largest unit that keeps it above 1: hours, days or years. */
    static String durationText(long millis) {
      TimeUnitForChart unit = TimeUnitForChart.fitting(millis);
      return String.format(java.util.Locale.ROOT, "%.1f %s", unit.of(millis), unit.name);
    }

    /** The unit of the time-to-first-sighting chart, chosen by the largest value shown. */
    enum TimeUnitForChart {
      MINUTES("minutes", "Minutes", 60_000.0),
      HOURS("hours", "Hours", 3_600_000.0),
      DAYS("days", "Days", 86_400_000.0),
      YEARS("years", "Years", 365.25 * 86_400_000.0);

      final String name;
      final String title;
      final double millis;

      TimeUnitForChart(String name, String title, double millis) {
        this.name = name;
        this.title = title;
        this.millis = millis;
      }

      double of(Long v) {
        return v == null ? Double.NaN : v / millis;
      }

      static TimeUnitForChart fitting(long largestMillis) {
        if (largestMillis < HOURS.millis) {
          return largestMillis == 0 ? HOURS : MINUTES;
        }
        if (largestMillis < 2 * DAYS.millis) {
          return HOURS;
        }
        if (largestMillis < YEARS.millis) {
          return DAYS;
        }
        return YEARS;
      }
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
          "<h2>Volume per member</h2><p class=\"note\">For the secretariat only: names members."
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

    void participationSection(StringBuilder b, int k) {
      b.append("<h2>Participation: who contributes, who only consumes</h2>");
      Map<LocalDate, TrendRecord> contributors =
          participation.getOrDefault(Contributions.CONTRIBUTORS, Map.of());
      Map<LocalDate, TrendRecord> consumers =
          participation.getOrDefault(Contributions.CONSUMER_ONLY, Map.of());
      ChartBuckets buckets = buckets();
      // Members are a head count per day: a bar over several days is its busiest day.
      double[] c = buckets.combine(d -> published(contributors.get(d)), ChartBuckets.Combine.PEAK);
      double[] o = buckets.combine(d -> published(consumers.get(d)), ChartBuckets.Combine.PEAK);
      boolean any = false;
      for (int i = 0; i < c.length; i++) {
        any |= !Double.isNaN(c[i]) || !Double.isNaN(o[i]);
      }
      if (any) {
        List<Series> series = new ArrayList<>();
        series.add(new Series("contributed (telemetry, indicators or feedback)", "#2ca02c", c));
        if (!consumers.isEmpty()) {
          series.add(
              new Series("only consumed (in the directory, contributed nothing)", "#9e9e9e", o));
        }
        b.append(
            SvgChart.stacked(
                "participation",
                buckets.unit() == ChartBuckets.Unit.DAY
                    ? "Members per day: contributors and members that only consumed (all sectors)"
                    : "Members per day, busiest day of each "
                        + buckets.unit().label
                        + ": contributors and members that only consumed (all sectors)",
                buckets.labels(),
                series,
                null,
                null,
                buckets.axisLabel(),
                "members per day"));
      } else {
        b.append(
            "<p class=\"note\">No published figure: on every day fewer than k members contributed.</p>");
      }
      b.append(
          "<table id=\"participation-kinds\"><tr><th>members per day who</th><th>peak</th>"
              + "<th>days published</th><th>days suppressed</th></tr>");
      String[][] kinds = {
        {Contributions.TELEMETRY, "sent telemetry that produced sightings"},
        {Contributions.INDICATORS, "published indicators under their member id"},
        {Contributions.FEEDBACK, "sent verdicts (false / true positive)"},
        {Contributions.CONTRIBUTORS, "contributed any of these"},
        {
          Contributions.CONSUMER_ONLY,
          "only consumed (listed in the directory, contributed nothing)"
        }
      };
      for (String[] kind : kinds) {
        Map<LocalDate, TrendRecord> days = participation.getOrDefault(kind[0], Map.of());
        long peak = 0;
        int published = 0;
        int hidden = 0;
        for (TrendRecord r : days.values()) {
          if (r.getSuppressed()) {
            hidden++;
          } else {
            published++;
            peak = Math.max(peak, r.getValue());
          }
        }
        b.append("<tr><td>")
            .append(Markup.html(kind[1]))
            .append("</td><td class=\"n\">")
            .append(published == 0 ? (hidden == 0 ? "none" : "suppressed") : String.valueOf(peak))
            .append("</td><td class=\"n\">")
            .append(published)
            .append("</td><td class=\"n\">")
            .append(hidden)
            .append("</td></tr>");
      }
      b.append("</table>");
      b.append(
              "<p class=\"note\">A member counts once per day however much it contributed. Telemetry is"
                  + " seen through its sightings: telemetry that matched nothing does not show. Only-consumed"
                  + " is the directory's members minus the contributors among them, so it is suppressed"
                  + " whenever those contributors are fewer than ")
          .append(k)
          .append(". A day without any contribution has no figure.</p>");
      if (directory == null) {
        b.append(
            "<p class=\"note\">No member directory was given, so members that only consume are not"
                + " counted or named (signalbox report --members FILE, trends job option"
                + " sharing.members).</p>");
      }
      List<String> members = contributionMembers();
      if (members.isEmpty()) {
        return;
      }
      if (directory != null) {
        List<String> consumersOnly = members.stream().filter(this::consumerOnly).toList();
        b.append("<p id=\"consumers-only\">For the secretariat: <b>")
            .append(consumersOnly.size())
            .append(" of ")
            .append(directory.members().size())
            .append(" members</b> in the directory contributed nothing between ")
            .append(from)
            .append(" and ")
            .append(to)
            .append(consumersOnly.isEmpty() ? "." : ": ")
            .append(Markup.html(String.join(", ", consumersOnly)))
            .append(consumersOnly.isEmpty() ? "" : ".")
            .append("</p>");
      }
      b.append(
          "<table id=\"contributions\"><tr><th>member (secretariat only)</th><th>sector</th>"
              + "<th>sighting records</th><th>indicator versions</th><th>verdicts</th></tr>");
      for (String m : members) {
        long[] n = contributions.getOrDefault(m, new long[KINDS.size()]);
        b.append("<tr><td>")
            .append(Markup.html(m))
            .append(consumerOnly(m) ? " (only consumed)" : "")
            .append("</td><td>")
            .append(Markup.html(sectorName(m)))
            .append("</td><td class=\"n\">")
            .append(SvgChart.fmt(n[0]))
            .append("</td><td class=\"n\">")
            .append(SvgChart.fmt(n[1]))
            .append("</td><td class=\"n\">")
            .append(SvgChart.fmt(n[2]))
            .append("</td></tr>");
      }
      b.append("</table>");
    }

    static double published(TrendRecord r) {
      return r == null || r.getSuppressed() || r.getValue() == null ? Double.NaN : r.getValue();
    }

    void falsePositives(StringBuilder b, int k) {
      List<Map.Entry<String, Verdicts>> rows = verdictRows();
      if (rows.isEmpty()) {
        return;
      }
      b.append("<h2>False positives per indicator source</h2>");
      List<Bar> bars = new ArrayList<>();
      for (var e : rows) {
        if (e.getValue().days > 0 && !Double.isNaN(e.getValue().rate())) {
          bars.add(new Bar(e.getKey(), 100 * e.getValue().rate()));
        }
      }
      if (bars.isEmpty()) {
        b.append(
            "<p class=\"note\">No published figure: on every day fewer than k members gave verdicts"
                + " on a source's indicators.</p>");
      } else {
        b.append(
            SvgChart.horizontal(
                "false-positive-rates",
                "False-positive rate per indicator source (share of false- and true-positive votes)",
                bars,
                "#ff7f0e",
                "false-positive rate in the range (%)"));
      }
      b.append(
          "<table id=\"false-positives\"><tr><th>source</th><th>verdicts</th><th>false positives</th>"
              + "<th>true positives</th><th>false-positive rate</th><th>days published</th>"
              + "<th>days suppressed</th></tr>");
      for (var e : rows) {
        Verdicts v = e.getValue();
        boolean none = v.days == 0;
        b.append("<tr><td>")
            .append(Markup.html(e.getKey()))
            .append("</td><td class=\"n\">")
            .append(none ? "suppressed" : SvgChart.fmt(v.received))
            .append("</td><td class=\"n\">")
            .append(none ? "suppressed" : SvgChart.fmt(v.falsePositives))
            .append("</td><td class=\"n\">")
            .append(none ? "suppressed" : SvgChart.fmt(v.truePositives))
            .append("</td><td class=\"n\">")
            .append(
                none
                    ? "suppressed"
                    : Double.isNaN(v.rate())
                        ? "no votes"
                        : String.format(java.util.Locale.ROOT, "%.1f %%", 100 * v.rate()))
            .append("</td><td class=\"n\">")
            .append(v.days)
            .append("</td><td class=\"n\">")
            .append(v.suppressed)
            .append("</td></tr>");
      }
      b.append("</table>");
      sectorFalsePositives(b);
      b.append(
              "<p class=\"note\">Rate = false positives / (false positives + true positives), over the"
                  + " published daily figures. A vote is a member's first verdict on an indicator or a change"
                  + " of it; repeated and UNKNOWN verdicts are received but not votes. A day's figure for a"
                  + " source is suppressed when fewer than ")
          .append(k)
          .append(
              " members gave verdicts on its indicators. \""
                  + UNKNOWN_SOURCE
                  + "\": verdicts on indicators the trends job has not seen published or sighted.</p>");
    }

    /**
     * The same rates per sector of the members who voted: a source whose indicators are noise in
     * one sector and right in another shows here. Only sources with a published figure in a sector.
     */
    void sectorFalsePositives(StringBuilder b) {
      StringBuilder rows = new StringBuilder();
      for (var bySector : sectorVerdicts.entrySet()) {
        for (var e : bySector.getValue().entrySet()) {
          Verdicts v = e.getValue();
          if (v.days == 0) {
            continue;
          }
          rows.append("<tr><td>")
              .append(Markup.html(bySector.getKey().name().toLowerCase(java.util.Locale.ROOT)))
              .append("</td><td>")
              .append(Markup.html(e.getKey()))
              .append("</td><td class=\"n\">")
              .append(SvgChart.fmt(v.received))
              .append("</td><td class=\"n\">")
              .append(SvgChart.fmt(v.falsePositives))
              .append("</td><td class=\"n\">")
              .append(SvgChart.fmt(v.truePositives))
              .append("</td><td class=\"n\">")
              .append(
                  Double.isNaN(v.rate())
                      ? "no votes"
                      : String.format(java.util.Locale.ROOT, "%.1f %%", 100 * v.rate()))
              .append("</td><td class=\"n\">")
              .append(v.days)
              .append("</td><td class=\"n\">")
              .append(v.suppressed)
              .append("</td></tr>");
        }
      }
      if (rows.isEmpty()) {
        if (!sectorVerdicts.isEmpty()) {
          b.append(
              "<p class=\"note\">Per sector of the voting members: no published figure (fewer than k"
                  + " voters in a sector on every day).</p>");
        }
        return;
      }
      b.append("<h3>False positives per source, by the voting members' sector</h3>")
          .append(
              "<table id=\"false-positives-by-sector\"><tr><th>sector</th><th>source</th>"
                  + "<th>verdicts</th><th>false positives</th><th>true positives</th>"
                  + "<th>false-positive rate</th><th>days published</th><th>days suppressed</th></tr>")
          .append(rows)
          .append("</table>");
    }

    void capacity(StringBuilder b, int k) {
      b.append("<h2>Load against daily capacity</h2>");
      if (load.isEmpty()) {
        b.append(
            "<p class=\"note\">No member directory was given, so load is not compared with capacity"
                + " (signalbox report --members FILE, trends job option sharing.members).</p>");
        return;
      }
      ChartBuckets buckets = buckets();
      double[] over =
          buckets.combine(d -> published(overCapacityDay.get(d)), ChartBuckets.Combine.PEAK);
      double[] compared =
          buckets.combine(
              d -> {
                TrendRecord r = overCapacityDay.get(d);
                return r == null || r.getSuppressed() || r.getMembers() == null
                    ? Double.NaN
                    : r.getMembers();
              },
              ChartBuckets.Combine.PEAK);
      boolean any = false;
      for (double x : compared) {
        any |= !Double.isNaN(x);
      }
      if (any) {
        b.append(
            SvgChart.grouped(
                "members-over-capacity",
                buckets.unit() == ChartBuckets.Unit.DAY
                    ? "Members over their daily capacity, per day (all sectors)"
                    : "Members over their daily capacity, busiest day of each "
                        + buckets.unit().label
                        + " (all sectors)",
                buckets.labels(),
                List.of(
                    new Series("members with a capacity and sightings", "#9e9e9e", compared),
                    new Series("of them over capacity", "#d62728", over)),
                buckets.axisLabel(),
                "members"));
      } else {
        b.append("<p class=\"note\">No published count: on every day fewer than ")
            .append(k)
            .append(" members with a declared capacity had sightings.</p>");
      }
      List<Bar> peaks = new ArrayList<>();
      StringBuilder table =
          new StringBuilder(
              "<table id=\"load\"><tr><th>member (secretariat only)</th><th>sector</th>"
                  + "<th>daily capacity</th><th>days with sightings</th><th>days over capacity</th>"
                  + "<th>peak day (records)</th><th>peak day, % of capacity</th></tr>");
      List<Map.Entry<String, List<TrendRecord>>> members =
          load.entrySet().stream()
              .sorted(
                  Comparator.<Map.Entry<String, List<TrendRecord>>>comparingDouble(
                          e -> {
                            double r = loadRatio(e.getKey(), e.getValue());
                            return Double.isNaN(r) ? 1 : -r;
                          })
                      .thenComparing(Map.Entry::getKey))
              .toList();
      int withoutTelemetry = 0;
      for (var e : members) {
        long peak = 0;
        int overDays = 0;
        Long cap = null;
        for (TrendRecord r : e.getValue()) {
          peak = Math.max(peak, r.getValue() == null ? 0 : r.getValue());
          cap = r.getCapacity() == null ? cap : r.getCapacity();
          if (r.getRatio() != null && r.getRatio() > 1) {
            overDays++;
          }
        }
        boolean telemetry = sentTelemetry(e.getKey());
        withoutTelemetry += telemetry ? 0 : 1;
        double ratio = loadRatio(e.getKey(), e.getValue());
        if (!Double.isNaN(ratio)) {
          peaks.add(new Bar(e.getKey(), 100 * ratio));
        }
        table
            .append("<tr><td>")
            .append(Markup.html(e.getKey()))
            .append("</td><td>")
            .append(Markup.html(sectorName(e.getKey())))
            .append("</td><td class=\"n\">")
            .append(cap == null ? "not declared" : SvgChart.fmt(cap))
            .append("</td><td class=\"n\">")
            .append(e.getValue().size())
            .append("</td><td class=\"n\">")
            .append(cap == null ? "" : telemetry ? String.valueOf(overDays) : "no telemetry")
            .append("</td><td class=\"n\">")
            .append(SvgChart.fmt(peak))
            .append("</td><td class=\"n\">")
            .append(
                !telemetry
                    ? "no telemetry"
                    : Double.isNaN(ratio)
                        ? ""
                        : String.format(java.util.Locale.ROOT, "%.0f %%", 100 * ratio))
            .append("</td></tr>");
      }
      if (!peaks.isEmpty()) {
        b.append(
            SvgChart.horizontal(
                "capacity-peaks",
                "Busiest day of each member, % of its daily capacity (over 100 % is over capacity)",
                peaks.subList(0, Math.min(TOP, peaks.size())),
                "#d62728",
                "records delivered on the member's busiest day, % of its daily capacity"));
      }
      b.append(table).append("</table>");
      b.append(
              "<p class=\"note\">For the secretariat only: names members. Load is the number of records"
                  + " the feeds delivered to a member in a UTC day (its own sightings, named members'"
                  + " sightings and campaign alert revisions that reach it; a record with a repeat count"
                  + " counts once), compared with the dailyCapacity of the member directory. The daily"
                  + " count of members over capacity is suppressed when fewer than ")
          .append(k)
          .append(" members with a declared capacity had deliveries that day.");
      if (withoutTelemetry > 0) {
        b.append(" ")
            .append(withoutTelemetry)
            .append(
                " member(s) sent no telemetry that produced a sighting in the range: they show the"
                    + " records other members' shared sightings brought them, and \"no telemetry\""
                    + " instead of a ratio, because a load against capacity says how far a member's"
                    + " own detection keeps its team busy, and they have none to measure.");
      }
      b.append("</p>");
    }

    /** Whether a member's telemetry produced at least one sighting in the range. */
    boolean sentTelemetry(String member) {
      long[] c = contributions.get(member);
      return memberVolume.containsKey(member) || (c != null && c[0] > 0);
    }

    /** The member's busiest day as a share of its capacity; NaN without telemetry or capacity. */
    double loadRatio(String member, List<TrendRecord> days) {
      return sentTelemetry(member) ? peakRatio(days) : Double.NaN;
    }

    static double peakRatio(List<TrendRecord> days) {
      double peak = Double.NaN;
      for (TrendRecord r : days) {
        if (r.getRatio() != null && (Double.isNaN(peak) || r.getRatio() > peak)) {
          peak = r.getRatio();
        }
      }
      return peak;
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
