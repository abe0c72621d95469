package org.signalbox.stix.sequence;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.signalbox.schema.Observable;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.PatternMatcher;
import org.signalbox.stix.match.UnsupportedPatternException;
import org.signalbox.stix.pattern.ObservationExpression;
import org.signalbox.stix.pattern.Qualifier;
import org.signalbox.stix.pattern.StixPattern;

/**
 * A STIX pattern that spans observations (observation AND, OR, FOLLOWEDBY, qualifiers WITHIN,
 * REPEATS, START/STOP, nested with parentheses), or one observation with a qualifier, compiled for
 * matching in event time. Each bracketed observation is a <em>leaf</em>, run by the
 * single-observation {@link PatternMatcher} against one telemetry event; the tree says how leaf
 * matches on several events combine.
 *
 * <p>Semantics (STIX 2.1 section 9.5 and 9.6, the way the OASIS reference matcher reads them): a
 * match of an expression is a set of events, each bound to a leaf it satisfies.
 *
 * <ul>
 *   <li>{@code A AND B}: a match of A and a match of B on distinct events, in any order.
 *   <li>{@code A OR B}: a match of either.
 *   <li>{@code A FOLLOWEDBY B}: a match of A and one of B on distinct events, every event of B's
 *       strictly later (event time, milliseconds) than every event of A's.
 *   <li>{@code E WITHIN n SECONDS}: a match of E whose latest event is at most n seconds after its
 *       earliest (inclusive; n is cut to whole milliseconds, downwards).
 *   <li>{@code E REPEATS n TIMES}: n matches of E on pairwise distinct events.
 *   <li>{@code E START s STOP t}: a match of E all of whose events lie in [s, t).
 * </ul>
 *
 * <p>Every match is bounded in time so that state is: the whole pattern is taken as if under {@code
 * WITHIN window} ({@link #windowMillis}), the smaller of what its own qualifiers allow and the
 * job's maximum; a pattern whose qualifiers allow more (or have no WITHIN) is {@link #windowCapped
 * capped}, and the job counts it.
 *
 * <p>Immutable and thread-safe once compiled.
 */
public final class SequencePattern {

  /** Most leaves (bracketed observations) of one pattern: a leaf is a bit of a 64-bit mask. */
  public static final int MAX_LEAVES = 64;

  /** The compiled tree. */
  public sealed interface Node {}

  /** The {@code index}-th bracketed observation of the pattern, in the order written. */
  public record Leaf(int index) implements Node {}

  /** Observation AND: every operand on distinct events, in any order. */
  public record All(List<Node> operands) implements Node {
    public All {
      operands = List.copyOf(operands);
    }
  }

  /** Observation OR. */
  public record Any(List<Node> operands) implements Node {
    public Any {
      operands = List.copyOf(operands);
    }
  }

  /** FOLLOWEDBY: operands on distinct events, each strictly later than the one before. */
  public record Ordered(List<Node> operands) implements Node {
    public Ordered {
      operands = List.copyOf(operands);
    }
  }

  /** WITHIN: the operand's events span at most {@code millis}. */
  public record Within(Node operand, long millis) implements Node {}

  /** REPEATS: {@code times} matches of the operand on pairwise distinct events. */
  public record Repeats(Node operand, int times) implements Node {}

  /** START/STOP: the operand's events lie in [{@code startMillis}, {@code stopMillis}). */
  public record During(Node operand, long startMillis, long stopMillis) implements Node {}

  private final StixPattern pattern;
  private final Node root;
  private final List<PatternMatcher> leaves;
  private final long windowMillis;
  private final boolean windowCapped;
  private final long startMillis;
  private final long stopMillis;

  private SequencePattern(
      StixPattern pattern,
      Node root,
      List<PatternMatcher> leaves,
      long windowMillis,
      boolean windowCapped) {
    this.pattern = pattern;
    this.root = root;
    this.leaves = List.copyOf(leaves);
    this.windowMillis = windowMillis;
    this.windowCapped = windowCapped;
    long start = Long.MIN_VALUE;
    long stop = Long.MAX_VALUE;
    for (Node n = root; ; ) {
      if (n instanceof During d) {
        start = Math.max(start, d.startMillis());
        stop = Math.min(stop, d.stopMillis());
        n = d.operand();
      } else if (n instanceof Within w) {
        n = w.operand();
      } else {
        break;
      }
    }
    this.startMillis = start;
    this.stopMillis = stop;
  }

  /**
   * True if {@code pattern} is for this matcher rather than the single-event one: several
   * observations, or any qualifier.
   */
  public static boolean isSequence(StixPattern pattern) {
    return !(pattern.root() instanceof ObservationExpression.Observation);
  }

  /**
   * @param maxWindow the longest span of one match (correlate.sequence-max-window)
   * @throws UnsupportedPatternException if a leaf cannot be run by the single-observation matcher
   *     (its message, with the leaf's column), or the pattern has more than {@link #MAX_LEAVES}
   *     leaves
   * @throws IllegalArgumentException if {@code pattern} is a single observation without qualifier
   */
  public static SequencePattern compile(
      StixPattern pattern, Duration maxWindow, BreadthLimits limits)
      throws UnsupportedPatternException {
    if (!isSequence(pattern)) {
      throw new IllegalArgumentException("a single observation is matched by PatternMatcher");
    }
    if (maxWindow.isNegative()) {
      throw new IllegalArgumentException("max window must not be negative: " + maxWindow);
    }
    List<PatternMatcher> leaves = new ArrayList<>();
    Node root = compile(pattern.root(), leaves, limits);
    long max = maxWindow.toMillis();
    long bound = bound(root);
    return bound <= max
        ? new SequencePattern(pattern, root, leaves, bound, false)
        : new SequencePattern(pattern, root, leaves, max, true);
  }

  private static Node compile(
      ObservationExpression e, List<PatternMatcher> leaves, BreadthLimits limits)
      throws UnsupportedPatternException {
    if (e instanceof ObservationExpression.Observation obs) {
      if (leaves.size() == MAX_LEAVES) {
        throw new UnsupportedPatternException(
            "more than " + MAX_LEAVES + " observations in one pattern");
      }
      StixPattern single = new StixPattern(obs.toString(), obs);
      leaves.add(PatternMatcher.compile(single, limits));
      return new Leaf(leaves.size() - 1);
    }
    if (e instanceof ObservationExpression.And and) {
      return new All(compileAll(and.operands(), leaves, limits));
    }
    if (e instanceof ObservationExpression.Or or) {
      return new Any(compileAll(or.operands(), leaves, limits));
    }
    if (e instanceof ObservationExpression.FollowedBy fb) {
      return new Ordered(compileAll(fb.operands(), leaves, limits));
    }
    ObservationExpression.Qualified q = (ObservationExpression.Qualified) e;
    Node inner = compile(q.expression(), leaves, limits);
    if (q.qualifier() instanceof Qualifier.Within w) {
      // The parser bounds WITHIN to 366 days, so this fits a long.
      long ms = w.seconds().multiply(BigDecimal.valueOf(1000)).longValue();
      return new Within(inner, ms);
    }
    if (q.qualifier() instanceof Qualifier.Repeats r) {
      return new Repeats(inner, (int) r.times());
    }
    Qualifier.StartStop ss = (Qualifier.StartStop) q.qualifier();
    return new During(inner, ss.start().value().toEpochMilli(), ss.stop().value().toEpochMilli());
  }

  private static List<Node> compileAll(
      List<ObservationExpression> es, List<PatternMatcher> leaves, BreadthLimits limits)
      throws UnsupportedPatternException {
    List<Node> out = new ArrayList<>(es.size());
    for (ObservationExpression e : es) {
      out.add(compile(e, leaves, limits));
    }
    return out;
  }

  /** The longest span a match of {@code n} can have by its own qualifiers (MAX_VALUE: none). */
  static long bound(Node n) {
    if (n instanceof Leaf) {
      return 0;
    }
    if (n instanceof Within w) {
      return Math.min(w.millis(), bound(w.operand()));
    }
    if (n instanceof During d) {
      return Math.min(Math.max(0, d.stopMillis() - d.startMillis() - 1), bound(d.operand()));
    }
    if (n instanceof Repeats r) {
      return r.times() == 1 ? bound(r.operand()) : Long.MAX_VALUE;
    }
    if (n instanceof Any any) {
      long b = 0;
      for (Node o : any.operands()) {
        b = Math.max(b, bound(o));
      }
      return b;
    }
    return Long.MAX_VALUE;
  }

  public StixPattern pattern() {
    return pattern;
  }

  public Node root() {
    return root;
  }

  /** Number of leaves; leaf i is bit i of a leaf mask. */
  public int leafCount() {
    return leaves.size();
  }

  /** The single-observation matcher of leaf {@code i}. */
  public PatternMatcher leaf(int i) {
    return leaves.get(i);
  }

  /**
   * The longest span (latest minus earliest event time, ms) of one match: what the pattern's
   * qualifiers allow, or the job's maximum if that is less or they set none.
   */
  public long windowMillis() {
    return windowMillis;
  }

  /** True when the pattern's qualifiers allowed more than the job's maximum window, or no bound. */
  public boolean windowCapped() {
    return windowCapped;
  }

  /**
   * True if an event at {@code time} can take part in a match at all: inside the START/STOP
   * intervals applied to the whole pattern (always, if there are none).
   */
  public boolean admits(long time) {
    return time >= startMillis && time < stopMillis;
  }

  /** Bit i set when leaf i is satisfied by the event's observables. */
  public long leafMask(List<Observable> observables) {
    long mask = 0;
    for (int i = 0; i < leaves.size(); i++) {
      if (leaves.get(i).matches(observables)) {
        mask |= 1L << i;
      }
    }
    return mask;
  }

  @Override
  public String toString() {
    return pattern.text();
  }
}
