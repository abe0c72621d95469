package org.signalbox.stix.sequence;

import org.signalbox.stix.sequence.SequencePattern.All;
import org.signalbox.stix.sequence.SequencePattern.Any;
import org.signalbox.stix.sequence.SequencePattern.During;
import org.signalbox.stix.sequence.SequencePattern.Leaf;
import org.signalbox.stix.sequence.SequencePattern.Node;
import org.signalbox.stix.sequence.SequencePattern.Ordered;
import org.signalbox.stix.sequence.SequencePattern.Repeats;
import org.signalbox.stix.sequence.SequencePattern.Within;

/**
 * Looks for one match of a {@link SequencePattern} among buffered observations: a depth-first
 * search over the pattern tree that binds each leaf to an unused observation satisfying it, with
 * the time bounds of FOLLOWEDBY and START/STOP pushed down and WITHIN checked as each part closes.
 *
 * <p>Exponential in the worst case (an AND of leaves that match everything, with no way to
 * complete), so each search is bounded by a number of steps (leaf candidates tried); a search that
 * runs out {@link Result#aborted reports it}, and the caller counts it. A feasibility check first
 * (each leaf the tree needs has a candidate, REPEATS of one leaf has enough) ends the common
 * fruitless case, an incomplete sequence waiting for its last part, in time linear in the tree.
 *
 * <p>REPEATS takes its n matches in order of their earliest event (ties in any order): any n
 * disjoint matches can be so ordered, so this loses none and spares the n! orderings of each.
 */
public final class SequenceSearch {

  /** What a search found: the observations of the match and the leaf each is bound to. */
  public record Result(int[] observations, int[] leaves, boolean aborted) {
    static final Result NONE = new Result(new int[0], new int[0], false);
    static final Result ABORTED = new Result(new int[0], new int[0], true);

    /** True if a match was found. */
    public boolean found() {
      return observations.length > 0;
    }
  }

  private interface Cont {
    boolean accept(long tmin, long tmax);
  }

  private final long[] times;
  private final int[][] byLeaf;
  private final boolean[] used;
  private final int[] stackObs;
  private final int[] stackLeaf;
  private int top;
  private long steps;
  private final long budget;
  private boolean aborted;

  private SequenceSearch(long[] times, long[] masks, int n, int leafCount, long budget) {
    this.times = times;
    this.budget = budget;
    this.used = new boolean[n];
    this.stackObs = new int[n];
    this.stackLeaf = new int[n];
    int[] counts = new int[leafCount];
    for (int i = 0; i < n; i++) {
      long m = masks[i];
      while (m != 0) {
        int l = Long.numberOfTrailingZeros(m);
        m &= m - 1;
        if (l < leafCount) {
          counts[l]++;
        }
      }
    }
    byLeaf = new int[leafCount][];
    for (int l = 0; l < leafCount; l++) {
      byLeaf[l] = new int[counts[l]];
      counts[l] = 0;
    }
    for (int i = 0; i < n; i++) {
      long m = masks[i];
      while (m != 0) {
        int l = Long.numberOfTrailingZeros(m);
        m &= m - 1;
        if (l < leafCount) {
          byLeaf[l][counts[l]++] = i;
        }
      }
    }
    // Candidates in event-time order (stable: by index for equal times).
    for (int l = 0; l < leafCount; l++) {
      int[] c = byLeaf[l];
      boolean sorted = true;
      for (int j = 1; j < c.length && sorted; j++) {
        sorted = times[c[j - 1]] <= times[c[j]];
      }
      if (!sorted) {
        byLeaf[l] =
            java.util.Arrays.stream(c)
                .boxed()
                .sorted(java.util.Comparator.comparingLong((Integer i) -> times[i]))
                .mapToInt(Integer::intValue)
                .toArray();
      }
    }
  }

  /**
   * One match of {@code pattern} among observations {@code 0..n-1} (times in epoch ms, leaf masks
   * as {@link SequencePattern#leafMask}), spanning at most the pattern's window, with all its
   * observations inside {@code [lo, hi]}; or a result that is not {@link Result#found}.
   *
   * @param budget most leaf candidates tried before giving up
   */
  public static Result find(
      SequencePattern pattern, long[] times, long[] masks, int n, long lo, long hi, long budget) {
    SequenceSearch s = new SequenceSearch(times, masks, n, pattern.leafCount(), budget);
    if (!s.feasible(pattern.root())) {
      return Result.NONE;
    }
    long window = pattern.windowMillis();
    boolean found;
    try {
      found = s.solve(pattern.root(), lo, hi, (a, b) -> b - a <= window);
    } catch (StackOverflowError e) {
      // A pattern nesting large REPEATS in compound parts: given up, and counted as aborted.
      return Result.ABORTED;
    }
    if (!found) {
      return s.aborted ? Result.ABORTED : Result.NONE;
    }
    int[] obs = new int[s.top];
    int[] leaves = new int[s.top];
    System.arraycopy(s.stackObs, 0, obs, 0, s.top);
    System.arraycopy(s.stackLeaf, 0, leaves, 0, s.top);
    return new Result(obs, leaves, false);
  }

  /** A necessary condition for a match, linear in the tree. */
  private boolean feasible(Node node) {
    if (node instanceof Leaf leaf) {
      return byLeaf[leaf.index()].length > 0;
    }
    if (node instanceof Any any) {
      for (Node o : any.operands()) {
        if (feasible(o)) {
          return true;
        }
      }
      return false;
    }
    if (node instanceof All all) {
      for (Node o : all.operands()) {
        if (!feasible(o)) {
          return false;
        }
      }
      return true;
    }
    if (node instanceof Ordered ord) {
      for (Node o : ord.operands()) {
        if (!feasible(o)) {
          return false;
        }
      }
      return true;
    }
    if (node instanceof Within w) {
      return feasible(w.operand());
    }
    if (node instanceof During d) {
      return feasible(d.operand());
    }
    Repeats r = (Repeats) node;
    if (r.operand() instanceof Leaf leaf) {
      return byLeaf[leaf.index()].length >= r.times();
    }
    return feasible(r.operand());
  }

  private boolean solve(Node node, long lo, long hi, Cont k) {
    if (lo > hi || aborted) {
      return false;
    }
    if (node instanceof Leaf leaf) {
      for (int i : byLeaf[leaf.index()]) {
        if (++steps > budget) {
          aborted = true;
          return false;
        }
        long t = times[i];
        if (used[i] || t < lo || t > hi) {
          continue;
        }
        used[i] = true;
        stackObs[top] = i;
        stackLeaf[top] = leaf.index();
        top++;
        if (k.accept(t, t)) {
          return true;
        }
        top--;
        used[i] = false;
        if (aborted) {
          return false;
        }
      }
      return false;
    }
    if (node instanceof Any any) {
      for (Node o : any.operands()) {
        if (solve(o, lo, hi, k)) {
          return true;
        }
      }
      return false;
    }
    if (node instanceof All all) {
      return all(all, 0, lo, hi, Long.MAX_VALUE, Long.MIN_VALUE, k);
    }
    if (node instanceof Ordered ord) {
      return ordered(ord, 0, lo, hi, Long.MAX_VALUE, Long.MIN_VALUE, k);
    }
    if (node instanceof Within w) {
      long millis = w.millis();
      return solve(w.operand(), lo, hi, (a, b) -> b - a <= millis && k.accept(a, b));
    }
    if (node instanceof During d) {
      return solve(d.operand(), Math.max(lo, d.startMillis()), Math.min(hi, d.stopMillis() - 1), k);
    }
    Repeats r = (Repeats) node;
    if (r.times() > WIDE_REPEATS && r.operand() instanceof Leaf leaf) {
      return repeatsOfLeaf(leaf.index(), r.times(), lo, hi, k);
    }
    return repeats(r, 0, lo, hi, Long.MAX_VALUE, Long.MIN_VALUE, k);
  }

  /**
   * REPEATS of one observation more than this many times is searched without a frame per repetition
   * (see {@link #repeatsOfLeaf}): the general search nests one frame per repetition and would
   * exhaust the stack at REPEATS 1000.
   */
  static final int WIDE_REPEATS = 16;

  /**
   * {@code [x] REPEATS n TIMES} for large n: for each candidate as the earliest, the n earliest
   * unused candidates from it on, which is the set of least span and earliest end for that start
   * (what WITHIN and FOLLOWEDBY around it need). Not every n-subset is tried, so a pattern in which
   * another part needs one of those very events (an AND beside it on the same observation) can be
   * missed here where the general search would find it; for n up to {@link #WIDE_REPEATS} the
   * general search is used.
   */
  private boolean repeatsOfLeaf(int leaf, int n, long lo, long hi, Cont k) {
    int[] cands = byLeaf[leaf];
    int[] chosen = new int[n];
    for (int start = 0; start < cands.length; start++) {
      int c = 0;
      for (int j = start; j < cands.length && c < n; j++) {
        if (++steps > budget) {
          aborted = true;
          return false;
        }
        int i = cands[j];
        long t = times[i];
        if (used[i] || t < lo || t > hi || t < times[cands[start]]) {
          continue;
        }
        chosen[c++] = i;
      }
      if (c < n) {
        continue;
      }
      long tmin = Long.MAX_VALUE;
      long tmax = Long.MIN_VALUE;
      for (int i : chosen) {
        used[i] = true;
        stackObs[top] = i;
        stackLeaf[top] = leaf;
        top++;
        tmin = Math.min(tmin, times[i]);
        tmax = Math.max(tmax, times[i]);
      }
      if (k.accept(tmin, tmax)) {
        return true;
      }
      for (int i : chosen) {
        top--;
        used[i] = false;
      }
      if (aborted) {
        return false;
      }
    }
    return false;
  }

  private boolean all(All all, int idx, long lo, long hi, long tmin, long tmax, Cont k) {
    if (idx == all.operands().size()) {
      return k.accept(tmin, tmax);
    }
    return solve(
        all.operands().get(idx),
        lo,
        hi,
        (a, b) -> all(all, idx + 1, lo, hi, Math.min(tmin, a), Math.max(tmax, b), k));
  }

  private boolean ordered(Ordered ord, int idx, long lo, long hi, long tmin, long prevMax, Cont k) {
    if (idx == ord.operands().size()) {
      return k.accept(tmin, prevMax);
    }
    // Strictly later than everything before: times are whole milliseconds.
    long from = idx == 0 ? lo : Math.max(lo, prevMax + 1);
    return solve(
        ord.operands().get(idx),
        from,
        hi,
        (a, b) -> ordered(ord, idx + 1, lo, hi, idx == 0 ? a : tmin, b, k));
  }

  private boolean repeats(Repeats r, int done, long lo, long hi, long tmin, long tmax, Cont k) {
    if (done == r.times()) {
      return k.accept(tmin, tmax);
    }
    return solve(
        r.operand(),
        lo,
        hi,
        (a, b) -> {
          // The next match starts no earlier than this one (see the class comment).
          return repeats(r, done + 1, Math.max(lo, a), hi, Math.min(tmin, a), Math.max(tmax, b), k);
        });
  }
}
