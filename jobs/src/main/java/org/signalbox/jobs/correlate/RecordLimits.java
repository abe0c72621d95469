package org.signalbox.jobs.correlate;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * What counts as a plausible timestamp. Records outside are dead letters: a year-50000 event time
 * would otherwise hold watermarks and windows hostage.
 */
public final class RecordLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Nothing in this field predates 2000; older times are clock or parser faults. */
  static final long OLDEST_PLAUSIBLE = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  private final long maxFutureSkewMillis;

  public RecordLimits(Duration maxFutureSkew) {
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
  }

  boolean plausibleEventTime(long epochMillis) {
    return epochMillis >= OLDEST_PLAUSIBLE
        && epochMillis <= System.currentTimeMillis() + maxFutureSkewMillis;
  }

  String describeEventTimeRange() {
    return "2000-01-01 .. now + " + Duration.ofMillis(maxFutureSkewMillis);
  }
}
