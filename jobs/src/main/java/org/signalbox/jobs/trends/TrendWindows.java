package org.signalbox.jobs.trends;

import java.time.Duration;
import org.signalbox.schema.TrendPeriod;

/**
 * Tumbling windows aligned to UTC hours, days and ISO weeks (epoch milliseconds). Weeks exist
 * because some figures are too thin per day to pass the k rule (time to first sighting counts one
 * member per indicator), and a week of them usually does.
 */
public final class TrendWindows {
  private TrendWindows() {}

  public static final TrendPeriod[] PERIODS = TrendPeriod.values();

  public static long length(TrendPeriod p) {
    return switch (p) {
      case HOUR -> Duration.ofHours(1).toMillis();
      case DAY -> Duration.ofDays(1).toMillis();
      case WEEK -> Duration.ofDays(7).toMillis();
    };
  }

  /** The epoch (1970-01-01) was a Thursday; weeks start on Monday 1970-01-05. */
  private static final long MONDAY = Duration.ofDays(4).toMillis();

  public static long start(TrendPeriod p, long time) {
    long offset = p == TrendPeriod.WEEK ? MONDAY : 0;
    return Math.floorDiv(time - offset, length(p)) * length(p) + offset;
  }

  public static long end(TrendPeriod p, long time) {
    return start(p, time) + length(p);
  }
}
