package org.signalbox.stix.sequence;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.signalbox.stix.sequence.SequencePattern.All;
import org.signalbox.stix.sequence.SequencePattern.Any;
import org.signalbox.stix.sequence.SequencePattern.During;
import org.signalbox.stix.sequence.SequencePattern.Leaf;
import org.signalbox.stix.sequence.SequencePattern.Node;
import org.signalbox.stix.sequence.SequencePattern.Ordered;
import org.signalbox.stix.sequence.SequencePattern.Repeats;
import org.signalbox.stix.sequence.SequencePattern.Within;

/**
 * Every match of a pattern over a small set of events, by enumeration straight from the definitions
 * in {@link SequencePattern}'s comment (sets of event indexes, combined by disjoint union), with no
 * search, pruning or ordering: the reference the search is checked against.
 */
final class ReferenceSemantics {
  private ReferenceSemantics() {}

  /** Events as (time, leaf mask). */
  record Event(long time, long leaves) {}

  /** All matches of the whole pattern (span at most its window), as sets of event indexes. */
  static Set<Set<Integer>> matches(SequencePattern p, List<Event> events) {
    Set<Set<Integer>> out = new HashSet<>();
    for (Set<Integer> m : eval(p.root(), events)) {
      if (span(m, events) <= p.windowMillis()) {
        out.add(m);
      }
    }
    return out;
  }

  static Set<Set<Integer>> eval(Node n, List<Event> ev) {
    Set<Set<Integer>> out = new HashSet<>();
    if (n instanceof Leaf leaf) {
      for (int i = 0; i < ev.size(); i++) {
        if ((ev.get(i).leaves() & (1L << leaf.index())) != 0) {
          out.add(Set.of(i));
        }
      }
      return out;
    }
    if (n instanceof Any any) {
      for (Node o : any.operands()) {
        out.addAll(eval(o, ev));
      }
      return out;
    }
    if (n instanceof All all) {
      Set<Set<Integer>> acc = eval(all.operands().get(0), ev);
      for (Node o : all.operands().subList(1, all.operands().size())) {
        acc = join(acc, eval(o, ev), ev, false);
      }
      return acc;
    }
    if (n instanceof Ordered ord) {
      Set<Set<Integer>> acc = eval(ord.operands().get(0), ev);
      for (Node o : ord.operands().subList(1, ord.operands().size())) {
        acc = join(acc, eval(o, ev), ev, true);
      }
      return acc;
    }
    if (n instanceof Within w) {
      for (Set<Integer> m : eval(w.operand(), ev)) {
        if (span(m, ev) <= w.millis()) {
          out.add(m);
        }
      }
      return out;
    }
    if (n instanceof During d) {
      for (Set<Integer> m : eval(d.operand(), ev)) {
        if (m.stream()
            .allMatch(
                i -> ev.get(i).time() >= d.startMillis() && ev.get(i).time() < d.stopMillis())) {
          out.add(m);
        }
      }
      return out;
    }
    Repeats r = (Repeats) n;
    Set<Set<Integer>> one = eval(r.operand(), ev);
    Set<Set<Integer>> acc = one;
    for (int k = 1; k < r.times(); k++) {
      acc = join(acc, one, ev, false);
    }
    return acc;
  }

  private static Set<Set<Integer>> join(
      Set<Set<Integer>> left, Set<Set<Integer>> right, List<Event> ev, boolean ordered) {
    Set<Set<Integer>> out = new HashSet<>();
    for (Set<Integer> a : left) {
      for (Set<Integer> b : right) {
        if (a.stream().anyMatch(b::contains)) {
          continue;
        }
        if (ordered && max(a, ev) >= min(b, ev)) {
          continue;
        }
        Set<Integer> u = new HashSet<>(a);
        u.addAll(b);
        out.add(Set.copyOf(u));
      }
    }
    return out;
  }

  static long span(Set<Integer> m, List<Event> ev) {
    return max(m, ev) - min(m, ev);
  }

  private static long max(Set<Integer> m, List<Event> ev) {
    return m.stream().mapToLong(i -> ev.get(i).time()).max().orElseThrow();
  }

  private static long min(Set<Integer> m, List<Event> ev) {
    return m.stream().mapToLong(i -> ev.get(i).time()).min().orElseThrow();
  }
}
