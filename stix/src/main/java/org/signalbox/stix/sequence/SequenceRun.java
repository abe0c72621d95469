package org.signalbox.stix.sequence;

import java.util.ArrayList;
import java.util.List;

/**
 * The observations one scope (a member, or a sector) holds for one sequence pattern, and what each
 * new observation completes. The state of the stream matcher between two events is exactly {@link
 * #buffered()}; the job keeps it in keyed state and makes a run of it for each step.
 *
 * <p>Policy: each observation is offered once, in event-time order (late ones when they come). If
 * the buffered observations and the new one hold a match, the match is reported and its
 * observations are consumed: an event is part of at most one match of a pattern, so a burst of
 * REPEATS gives one sighting per n events, not one per combination. Invariant: after each offer, no
 * match exists among the buffered observations (a match found now must use the new one), so a match
 * is reported as soon as its last observation has been offered, and an observation that can no
 * longer be part of a match (older than the window before the earliest event still to come) can be
 * {@link #expire expired} without losing any.
 *
 * <p>Bounded: at most {@code maxBuffered} observations (past it the oldest is evicted and {@link
 * #overflows} counts it), and each search at most {@code searchBudget} steps ({@link #aborted}
 * counts searches that gave up; a match missed so may still be found by a later offer).
 *
 * @param <T> what the caller keeps of each observation (its event)
 */
public final class SequenceRun<T> {

  /** One event that satisfied at least one leaf. */
  public record Observation<T>(long time, long leaves, T payload) {}

  /** A match: its observations in the order offered, and the leaf each is bound to. */
  public record Match<T>(List<Observation<T>> observations, int[] leaves) {}

  private final SequencePattern pattern;
  private final List<Observation<T>> buffered;
  private final int maxBuffered;
  private final long searchBudget;
  private long overflows;
  private long aborted;

  /**
   * @param buffered the scope's observations so far; the run changes this list
   */
  public SequenceRun(
      SequencePattern pattern, List<Observation<T>> buffered, int maxBuffered, long searchBudget) {
    if (maxBuffered < 1 || searchBudget < 1) {
      throw new IllegalArgumentException("maxBuffered and searchBudget must be positive");
    }
    this.pattern = pattern;
    this.buffered = buffered;
    this.maxBuffered = maxBuffered;
    this.searchBudget = searchBudget;
  }

  /**
   * Offers one observation: the match it completes (its observations are then consumed), or null
   * (it is then buffered). An observation outside the pattern's START/STOP, or satisfying no leaf,
   * is ignored.
   */
  public Match<T> offer(Observation<T> o) {
    if (o.leaves() == 0 || !pattern.admits(o.time())) {
      return null;
    }
    buffered.add(o);
    int n = buffered.size();
    long[] times = new long[n];
    long[] masks = new long[n];
    for (int i = 0; i < n; i++) {
      times[i] = buffered.get(i).time();
      masks[i] = buffered.get(i).leaves();
    }
    long w = pattern.windowMillis();
    long lo = o.time() < Long.MIN_VALUE + w ? Long.MIN_VALUE : o.time() - w;
    long hi = o.time() > Long.MAX_VALUE - w ? Long.MAX_VALUE : o.time() + w;
    SequenceSearch.Result r = SequenceSearch.find(pattern, times, masks, n, lo, hi, searchBudget);
    if (r.aborted()) {
      aborted++;
    }
    if (r.found()) {
      int[] idx = r.observations();
      List<Observation<T>> matched = new ArrayList<>(idx.length);
      boolean[] take = new boolean[n];
      for (int i : idx) {
        matched.add(buffered.get(i));
        take[i] = true;
      }
      List<Observation<T>> rest = new ArrayList<>(n - idx.length);
      for (int i = 0; i < n; i++) {
        if (!take[i]) {
          rest.add(buffered.get(i));
        }
      }
      buffered.clear();
      buffered.addAll(rest);
      return new Match<>(matched, r.leaves());
    }
    if (buffered.size() > maxBuffered) {
      int oldest = 0;
      for (int i = 1; i < buffered.size(); i++) {
        if (buffered.get(i).time() < buffered.get(oldest).time()) {
          oldest = i;
        }
      }
      buffered.remove(oldest);
      overflows++;
    }
    return null;
  }

  /** Drops observations older than {@code before} (epoch ms); returns how many. */
  public int expire(long before) {
    int n = buffered.size();
    buffered.removeIf(o -> o.time() < before);
    return n - buffered.size();
  }

  /** What the scope holds now. */
  public List<Observation<T>> buffered() {
    return buffered;
  }

  /** Observations evicted because the buffer was full, since this run was made. */
  public long overflows() {
    return overflows;
  }

  /** Searches that ran out of steps, since this run was made. */
  public long aborted() {
    return aborted;
  }
}
