package org.signalbox.jobs.trends;

import java.time.Duration;
import org.signalbox.schema.TrendPeriod;

/** Tumbling windows aligned to UTC hours and days (epoch milliseconds). */
public final class TrendWindows {
  private TrendWindows() {}

  public static final TrendPeriod[] PERIODS = TrendPeriod.values();

  public static long length(TrendPeriod p) {
    return switch (p) {
      case HOUR -> Duration.ofHours(1).toMillis();
      case DAY -> Duration.ofDays(1).toMillis();
    };
  }

  public static long start(TrendPeriod p, long time) {
    return Math.floorDiv(time, length(p)) * length(p);
  }

  public static long end(TrendPeriod p, long time) {
    return start(p, time) + length(p);
  }
}
