package org.signalbox.jobs.correlate;

import java.io.Serializable;
import java.time.Duration;
import org.signalbox.schema.support.EventTimeBounds;
import org.signalbox.stix.match.BreadthLimits;

/**
 * What counts as a plausible timestamp, and how broad an indicator may be. Records outside are dead
 * letters: a year-50000 event time would otherwise hold watermarks and windows hostage, and a
 * {@code 0.0.0.0/1} or {@code *.com} indicator would turn half of all traffic into sightings.
 */
public final class RecordLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Nothing in this field predates 2000; the edge rejects the same range (EventTimeBounds). */
  static final long OLDEST_PLAUSIBLE = EventTimeBounds.OLDEST_PLAUSIBLE_MILLIS;

  private final long maxFutureSkewMillis;
  private final BreadthLimits breadth;

  public RecordLimits(Duration maxFutureSkew) {
    this(maxFutureSkew, BreadthLimits.DEFAULT);
  }

  public RecordLimits(Duration maxFutureSkew, BreadthLimits breadth) {
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    this.breadth = breadth;
  }

  BreadthLimits breadth() {
    return breadth;
  }

  boolean plausibleEventTime(long epochMillis) {
    return EventTimeBounds.plausible(epochMillis, System.currentTimeMillis(), maxFutureSkewMillis);
  }

  String describeEventTimeRange() {
    return EventTimeBounds.describe(maxFutureSkewMillis);
  }
}
