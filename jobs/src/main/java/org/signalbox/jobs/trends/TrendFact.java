package org.signalbox.jobs.trends;

import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

/**
 * One contribution to one window's figure, already assigned to its window: a sighting becomes
 * several facts (per period, per sector and for all sectors, per breakdown). A Flink POJO.
 */
public class TrendFact {
  public TrendPeriod period;
  public long windowStart;
  public long windowEnd;

  /** Null for all sectors together. */
  public Sector sector;

  public TrendMetric metric;
  public String dimension;

  /** Member behind the fact, for the distinct-member count; null when not member-based. */
  public String member;

  public long count;

  /** {@link #latencyMillis} of a fact that is not a first sighting. */
  public static final long NO_LATENCY = Long.MIN_VALUE;

  /**
   * Time from publication to first sighting, TIME_TO_FIRST_SIGHTING only; otherwise {@link
   * #NO_LATENCY}. Negative when the telemetry is older than the indicator (a retro-hunt): the
   * attack went unseen that long before anyone published the indicator.
   */
  public long latencyMillis = NO_LATENCY;

  /** FEEDBACK_* only: false-positive votes this fact casts (0 or 1). */
  public long falsePositives;

  /** FEEDBACK_* only: true-positive votes this fact casts (0 or 1). */
  public long truePositives;

  public Tlp tlp;

  public TrendFact() {}

  static TrendFact of(
      TrendPeriod period,
      long time,
      Sector sector,
      TrendMetric metric,
      String dimension,
      String member,
      long count,
      Tlp tlp) {
    TrendFact f = new TrendFact();
    f.period = period;
    f.windowStart = TrendWindows.start(period, time);
    f.windowEnd = TrendWindows.end(period, time);
    f.sector = sector;
    f.metric = metric;
    f.dimension = dimension == null ? "" : dimension;
    f.member = member;
    f.count = count;
    f.tlp = tlp;
    return f;
  }

  /** The figure this fact belongs to: one key per window, sector, metric and dimension. */
  public String figureKey() {
    return period
        + "|"
        + windowStart
        + "|"
        + (sector == null ? "*" : sector.name())
        + "|"
        + metric
        + "|"
        + dimension;
  }
}
