package org.signalbox.cli.report;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * The bars of a chart over a range of days: one per day for short ranges, per ISO week (Monday) for
 * ranges up to about a year, per calendar month up to six years, per year beyond. A chart of 1,100
 * daily bars is 0.7 px a bar, so a single busy day in three sparse years disappears; 36 monthly
 * bars keep it visible. The first and last bucket hold only the days inside the range.
 */
record ChartBuckets(Unit unit, LocalDate from, LocalDate to, List<Bucket> buckets) {

  enum Unit {
    DAY("day"),
    WEEK("week starting Monday"),
    MONTH("month"),
    YEAR("year");

    final String label;

    Unit(String label) {
      this.label = label;
    }
  }

  /** One bar: its label under the axis and the days of the range it covers. */
  record Bucket(LocalDate start, String label, List<LocalDate> days) {}

  /** Days up to this many get one bar a day (two months). */
  static final int MAX_DAY_BARS = 62;

  /** Ranges up to this many days get one bar a week (a year and a bit: at most 54 bars). */
  static final int MAX_WEEK_RANGE = 371;

  /** Ranges up to this many days get one bar a month (six years: 72 bars). */
  static final int MAX_MONTH_RANGE = 6 * 366;

  static ChartBuckets of(LocalDate from, LocalDate to) {
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    Unit unit =
        days <= MAX_DAY_BARS
            ? Unit.DAY
            : days <= MAX_WEEK_RANGE ? Unit.WEEK : days <= MAX_MONTH_RANGE ? Unit.MONTH : Unit.YEAR;
    boolean severalYears = from.getYear() != to.getYear();
    DateTimeFormatter dayLabel = DateTimeFormatter.ofPattern(severalYears ? "yyyy-MM-dd" : "MM-dd");
    List<Bucket> out = new ArrayList<>();
    LocalDate start = null;
    List<LocalDate> current = null;
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      LocalDate s = start(unit, d);
      if (!s.equals(start)) {
        start = s;
        current = new ArrayList<>();
        String label =
            switch (unit) {
              case DAY, WEEK -> s.format(dayLabel);
              case MONTH -> s.format(DateTimeFormatter.ofPattern("yyyy-MM"));
              case YEAR -> String.valueOf(s.getYear());
            };
        out.add(new Bucket(s, label, current));
      }
      current.add(d);
    }
    return new ChartBuckets(unit, from, to, out);
  }

  static LocalDate start(Unit unit, LocalDate d) {
    return switch (unit) {
      case DAY -> d;
      case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> d.withDayOfMonth(1);
      case YEAR -> d.withDayOfYear(1);
    };
  }

  List<String> labels() {
    return buckets.stream().map(Bucket::label).toList();
  }

  /**
   * The x axis label: the bucket and the real years of the range, e.g. "month (UTC, 2015–2018)".
   */
  String axisLabel() {
    String years =
        from.getYear() == to.getYear()
            ? String.valueOf(from.getYear())
            : from.getYear() + "\u2013" + to.getYear();
    return unit.label + " (UTC, " + years + ")";
  }

  /** Whether a bucket holds fewer days than its unit (the edges of the range). */
  boolean partial(Bucket b) {
    LocalDate next =
        switch (unit) {
          case DAY -> b.start().plusDays(1);
          case WEEK -> b.start().plusWeeks(1);
          case MONTH -> b.start().plusMonths(1);
          case YEAR -> b.start().plusYears(1);
        };
    return b.days().size() < ChronoUnit.DAYS.between(b.start(), next);
  }

  /** How a daily figure is combined into a bar. */
  enum Combine {
    /** Counts that add up over days (sightings). */
    SUM,
    /** Head counts per day (members): the bar is the busiest day of the bucket. */
    PEAK
  }

  /**
   * A bar value per bucket from a value per day (NaN: no published value that day). A bucket with
   * no published day is NaN.
   */
  double[] combine(java.util.function.ToDoubleFunction<LocalDate> daily, Combine how) {
    double[] out = new double[buckets.size()];
    for (int i = 0; i < buckets.size(); i++) {
      double v = Double.NaN;
      for (LocalDate d : buckets.get(i).days()) {
        double x = daily.applyAsDouble(d);
        if (Double.isNaN(x)) {
          continue;
        }
        v = Double.isNaN(v) ? x : how == Combine.SUM ? v + x : Math.max(v, x);
      }
      out[i] = v;
    }
    return out;
  }
}
