package org.signalbox.jobs.correlate;

import java.io.Serializable;
import java.time.Duration;
import org.signalbox.schema.support.EventTimeBounds;

/**
 * What counts as a plausible timestamp. Records outside are dead letters: a year-50000 event time
 * would otherwise hold watermarks and windows hostage.
 */
public final class RecordLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Nothing in this field predates 2000; the edge rejects the same range (EventTimeBounds). */
  static final long OLDEST_PLAUSIBLE = EventTimeBounds.OLDEST_PLAUSIBLE_MILLIS;

  private final long maxFutureSkewMillis;

  public RecordLimits(Duration maxFutureSkew) {
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
  }

  boolean plausibleEventTime(long epochMillis) {
    return EventTimeBounds.plausible(epochMillis, System.currentTimeMillis(), maxFutureSkewMillis);
  }

  String describeEventTimeRange() {
    return EventTimeBounds.describe(maxFutureSkewMillis);
  }
}
