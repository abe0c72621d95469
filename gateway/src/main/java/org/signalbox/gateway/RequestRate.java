package org.signalbox.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requests per second per authenticated member: a token bucket of {@code perSecond} tokens that
 * refills at {@code perSecond} a second, so a member may burst up to one second's worth and then
 * keeps to the rate. Keyed by member name only after authentication, so the table is bounded by the
 * members of the config (strangers are bounded by the failure throttle instead).
 */
final class RequestRate {

  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final double perSecond;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new HashMap<>();

  RequestRate(int perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
  }

  /** Takes a token for {@code member}: 0 when granted, else whole seconds until one is there. */
  synchronized long acquire(String member) {
    long now = nanoTime.getAsLong();
    Bucket b = buckets.get(member);
    if (b == null) {
      b = new Bucket();
      b.tokens = perSecond;
      b.lastNanos = now;
      buckets.put(member, b);
    }
    b.tokens = Math.min(perSecond, b.tokens + (now - b.lastNanos) / 1e9 * perSecond);
    b.lastNanos = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    // Rounded up: a client that waits exactly Retry-After seconds finds a token.
    return (long) Math.ceil((1 - b.tokens) / perSecond);
  }
}
