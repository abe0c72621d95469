package org.signalbox.schema.support;

import java.time.Duration;
import java.time.Instant;

/**
 * What counts as a plausible event time, for the edge (which rejects the line) and the correlate
 * job (which dead-letters the record) alike: one definition, so a record the edge lets through is
 * never a dead letter for its time. A year-50000 event time would otherwise hold watermarks and
 * windows hostage.
 */
public final class EventTimeBounds {
  private EventTimeBounds() {}

  /** Nothing in this field predates 2000; older times are clock or parser faults. */
  public static final long OLDEST_PLAUSIBLE_MILLIS =
      Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  /** How far ahead of the reader's clock an event time may be (sensor clocks drift). */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

  /**
   * True when {@code epochMillis} lies in 2000-01-01 .. {@code nowMillis + maxFutureSkewMillis}.
   */
  public static boolean plausible(long epochMillis, long nowMillis, long maxFutureSkewMillis) {
    return epochMillis >= OLDEST_PLAUSIBLE_MILLIS
        && epochMillis <= saturatedAdd(nowMillis, maxFutureSkewMillis);
  }

  /** The range {@link #plausible} accepts, for error messages. */
  public static String describe(long maxFutureSkewMillis) {
    return "2000-01-01 .. now + " + Duration.ofMillis(maxFutureSkewMillis);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
