package org.signalbox.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed logins per key (a client address, a claimed user name) and blocks a key that failed
 * {@code maxFailures} times within {@code window} until {@code window} has passed since its first
 * failure. The keys are chosen by strangers (any name can be claimed), so the table is bounded:
 * past {@code maxKeys} the key seen least recently is forgotten. Forgetting is safe in one
 * direction only (a forgotten attacker starts again at zero), which is why the bound is large
 * compared with the number of members.
 */
final class FailureThrottle {

  private static final class Entry {
    Instant windowStart;
    int failures;
  }

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Entry> entries;

  FailureThrottle(int maxFailures, Duration window, int maxKeys, Clock clock) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures must be at least 1");
    }
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** Seconds until {@code key} may try again, or 0 if it may now. */
  synchronized long retryAfterSeconds(String key) {
    Entry e = entries.get(key);
    if (e == null || e.failures < maxFailures) {
      return 0;
    }
    Duration left = Duration.between(clock.instant(), e.windowStart.plus(window));
    if (left.isNegative() || left.isZero()) {
      entries.remove(key);
      return 0;
    }
    // Rounded up: a client that waits exactly Retry-After seconds is let through.
    return (left.toMillis() + 999) / 1000;
  }

  synchronized void failed(String key) {
    Instant now = clock.instant();
    Entry e = entries.get(key);
    if (e == null || !now.isBefore(e.windowStart.plus(window))) {
      e = new Entry();
      e.windowStart = now;
      entries.put(key, e);
    }
    e.failures++;
  }

  synchronized void succeeded(String key) {
    entries.remove(key);
  }

  synchronized int size() {
    return entries.size();
  }
}
