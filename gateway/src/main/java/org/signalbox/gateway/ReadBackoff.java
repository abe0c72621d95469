package org.signalbox.gateway;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * How a reader of a topic (a collection's feed, the indicator shelf) rides out a broker that is
 * away, a login refused or an ACL missing: it keeps serving what it holds and tries again, waiting
 * 1 s, then twice as long each time up to 30 s; never stops reading for good. A failure is said at
 * once, then once a minute while it lasts; the recovery once.
 */
final class ReadBackoff {
  private static final long FIRST_MILLIS = 1_000;
  private static final long MAX_MILLIS = 30_000;
  private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  private final Logger log;
  private final String reader;
  private long millis;
  private long lastWarned;

  /** {@code reader} names the reader in the log, e.g. {@code "collection member:m-a"}. */
  ReadBackoff(Logger log, String reader) {
    this.log = log;
    this.reader = reader;
  }

  /** After a failed read of {@code what}: logs as above and sleeps the back-off. */
  void failed(Object what, RuntimeException e) throws InterruptedException {
    millis = millis == 0 ? FIRST_MILLIS : Math.min(MAX_MILLIS, millis * 2);
    long now = System.nanoTime();
    if (lastWarned == 0 || now - lastWarned > WARN_EVERY_NANOS) {
      log.warn(
          "{}: cannot read {} ({}); serving what it holds, retrying every {} s",
          reader,
          what,
          e.toString(),
          millis / 1000);
      lastWarned = now;
    }
    Thread.sleep(millis);
  }

  /** After a read that worked: says so once if the reader had been failing. */
  void succeeded() {
    if (millis > 0) {
      log.info("{}: reading again", reader);
      millis = 0;
      lastWarned = 0;
    }
  }
}
