package org.signalbox.jobs.correlate;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.signalbox.schema.Sighting;

/**
 * The retro-hunt (issue 17): when an exact indicator becomes live, the members that saw its value
 * during the last {@code correlate.retro-window} learn of it, one {@code retro} sighting per member
 * and value, from the {@link RetroHistory} the exact index keeps beside its slot.
 *
 * <p>What is hunted is the part of the new version's validity that no live version of the same id
 * covered before, cut to the retention: a new indicator hunts its whole validity; a new version
 * with an earlier {@code valid_from} or a later {@code valid_until} only what it adds (events in
 * the old validity were matched live or hunted already); a version that follows a revocation or a
 * withdrawal mark, or a revoked version, hunts its whole validity again (the events matched before
 * the revocation are then counted again in the retro sighting: the exact index keeps no per-event
 * record of what it reported, only the validity of the version it holds). A version whose validity
 * is not larger hunts nothing.
 *
 * <p>Serializable settings of the exact index; the logic is static so the harness tests and the
 * benchmark use the same code.
 */
final class RetroHunt implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Eventid prefix of retro sightings; the rest is the indicator version, epoch ms. */
  static final String EVENT_ID_PREFIX = "retro:";

  final long windowMs;
  final int maxMembers;

  /** False in bounded runs: no processing-time cleanup timers (the run ends). */
  final boolean cleanupTimers;

  RetroHunt(Duration window, int maxMembers, boolean cleanupTimers) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("retro window must be positive: " + window);
    }
    if (maxMembers < 1) {
      throw new IllegalArgumentException("retro max members must be at least 1: " + maxMembers);
    }
    this.windowMs = window.toMillis();
    this.maxMembers = maxMembers;
    this.cleanupTimers = cleanupTimers;
  }

  /**
   * The first UTC day the history keeps at processing time {@code now}: a day leaves when all of it
   * is older than the window, so retention is the window rounded up to the end of a day.
   */
  int firstKeptDay(long now) {
    return (int) Math.floorDiv(now - windowMs, RetroHistory.DAY_MS);
  }

  /** When the day {@code day} leaves the history (processing time). */
  long expiry(int day) {
    return (day + 1L) * RetroHistory.DAY_MS + windowMs;
  }

  /** True when an event at {@code eventTime} is still inside the retention at {@code now}. */
  boolean retains(long eventTime, long now) {
    return Math.floorDiv(eventTime, RetroHistory.DAY_MS) >= firstKeptDay(now);
  }

  /** The history's state, in the exact index and (for IP and domain values) the range index. */
  static ValueStateDescriptor<RetroHistory> stateDescriptor(String name) {
    return new ValueStateDescriptor<>(name, RetroHistory.class);
  }

  /**
   * Records {@code probe} in the history of its value (the current key).
   *
   * @param omitted counts events of a member past the bound
   * @param tooOld counts events already outside the retention
   */
  void remember(
      ValueState<RetroHistory> history,
      ObservableProbe probe,
      long now,
      TimerService timers,
      Counter omitted,
      Counter tooOld)
      throws Exception {
    if (!retains(probe.eventTime, now)) {
      tooOld.inc();
      return;
    }
    RetroHistory held = history.value();
    boolean fresh = held == null;
    RetroHistory h = fresh ? new RetroHistory() : held;
    int oldest = fresh ? Integer.MAX_VALUE : h.oldestDay();
    if (h.record(probe, maxMembers) == RetroHistory.Recorded.OMITTED) {
      omitted.inc();
    }
    h.pruneBefore(firstKeptDay(now));
    if (h.isEmpty()) {
      // Only a new member past the bound of an otherwise empty history could get here; there is
      // nothing to keep.
      history.clear();
      return;
    }
    history.update(h);
    int nowOldest = h.oldestDay();
    // One timer per key at the expiry of its oldest day (an event older than all held adds an
    // earlier one); a timer that finds a younger oldest day re-registers for it.
    if (cleanupTimers && nowOldest < oldest) {
      timers.registerProcessingTimeTimer(expiry(nowOldest));
    }
  }

  /** The processing-time timer of the current key fired: drops the days past the retention. */
  void expire(ValueState<RetroHistory> history, long now, TimerService timers) throws Exception {
    RetroHistory h = history.value();
    if (h == null) {
      return;
    }
    h.pruneBefore(firstKeptDay(now));
    if (h.isEmpty()) {
      history.clear();
      return;
    }
    history.update(h);
    long next = expiry(h.oldestDay());
    if (next > now) {
      timers.registerProcessingTimeTimer(next);
    }
  }

  /**
   * The validity newly covered when {@code after} replaces {@code before} for one id, as at most
   * two half-open intervals {@code [from, until)}; an empty array when nothing is new or {@code
   * after} cannot match.
   *
   * @param before the entry held for the id before the change, null when none
   */
  static long[][] newlyCovered(ExactEntry before, ExactEntry after) {
    if (after == null || after.tombstone || after.revoked || after.validUntil <= after.validFrom) {
      return new long[0][];
    }
    boolean wasLive = before != null && !before.tombstone && !before.revoked;
    if (!wasLive || before.validUntil <= after.validFrom || before.validFrom >= after.validUntil) {
      return new long[][] {{after.validFrom, after.validUntil}};
    }
    long[][] parts = new long[2][];
    int n = 0;
    if (after.validFrom < before.validFrom) {
      parts[n++] = new long[] {after.validFrom, before.validFrom};
    }
    if (after.validUntil > before.validUntil) {
      parts[n++] = new long[] {before.validUntil, after.validUntil};
    }
    long[][] out = new long[n][];
    System.arraycopy(parts, 0, out, 0, n);
    return out;
  }

  /**
   * Emits one retro sighting per member of {@code history} with at least one event inside {@code
   * intervals} and the retention at {@code now}; returns how many.
   *
   * @param key the exact index's key ({@code TYPE|value})
   */
  int hunt(
      String key,
      RetroHistory history,
      ExactEntry indicator,
      long[][] intervals,
      long now,
      Consumer<Sighting> out) {
    if (history == null || intervals.length == 0) {
      return 0;
    }
    int firstDay = firstKeptDay(now);
    boolean truncated = history.lastOmitted != 0 && retains(history.lastOmitted, now);
    int emitted = 0;
    for (RetroHistory.Member m : history.members) {
      RetroHistory.Seen seen = new RetroHistory.Seen();
      for (long[] interval : intervals) {
        m.over(interval[0], interval[1], firstDay, seen);
      }
      if (seen.count == 0) {
        continue;
      }
      out.accept(sighting(key, m, seen, indicator, truncated, now));
      emitted++;
    }
    return emitted;
  }

  /**
   * The retro sighting of member {@code m}: built as a live one would be from a probe standing for
   * the member's events (so TLP, enrichment and the deterministic id follow the same rules), then
   * marked retro with the summary.
   */
  static Sighting sighting(
      String key,
      RetroHistory.Member m,
      RetroHistory.Seen seen,
      ExactEntry indicator,
      boolean truncated,
      long now) {
    ObservableProbe p = new ObservableProbe();
    p.key = key;
    p.type = ObservableProbe.typeOfKey(key);
    p.value = ObservableProbe.valueOfKey(key);
    p.role = m.role;
    p.member = m.member;
    p.sector = m.sector;
    p.sourceType = m.sourceType;
    p.tlp = m.tlp;
    p.eventTime = seen.last;
    // The version in the event id makes the id differ per hunted version (each hunts another part
    // of the validity) and stay the same when a replay hunts the same version again.
    p.eventId = EVENT_ID_PREFIX + indicator.version;
    p.ingestTime = 0;
    Sighting s = Sightings.of(p, indicator, now);
    s.setRetro(true);
    s.setCount((int) Math.min(Integer.MAX_VALUE, seen.count));
    s.setFirstSeen(Instant.ofEpochMilli(seen.first));
    s.setLastSeen(Instant.ofEpochMilli(seen.last));
    s.setHistoryTruncated(truncated);
    return s;
  }
}
