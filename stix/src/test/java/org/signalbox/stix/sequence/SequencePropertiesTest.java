package org.signalbox.stix.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.stix.sequence.ReferenceSemantics.Event;

/**
 * Differential tests of the stream matcher ({@link SequenceRun} over {@link SequenceSearch})
 * against {@link ReferenceSemantics}, which enumerates every match of a random pattern over a
 * random stream of events. What the matcher reports is then checked on three counts, which together
 * pin down its policy (consume each match, report it when its last event is offered):
 *
 * <ol>
 *   <li>every reported match is a match of the reference;
 *   <li>reported matches share no event;
 *   <li>no match of the reference lies wholly among the events left unconsumed (the matcher missed
 *       none), and so it reports at least one match exactly when the reference has one.
 * </ol>
 */
@Tag("property")
class SequencePropertiesTest {
  private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();

  /** A random pattern over leaves on the addresses 10.0.0.1 to 10.0.0.3. */
  static String pattern(Random r, int depth) {
    if (depth == 0 || r.nextInt(4) == 0) {
      return "[ipv4-addr:value = '10.0.0." + (1 + r.nextInt(3)) + "']";
    }
    switch (r.nextInt(7)) {
      case 0:
        return "(" + pattern(r, depth - 1) + ") AND (" + pattern(r, depth - 1) + ")";
      case 1:
        return "(" + pattern(r, depth - 1) + ") OR (" + pattern(r, depth - 1) + ")";
      case 2:
      case 3:
        return "(" + pattern(r, depth - 1) + ") FOLLOWEDBY (" + pattern(r, depth - 1) + ")";
      case 4:
        return "(" + pattern(r, depth - 1) + ") WITHIN " + (1 + r.nextInt(4)) + " SECONDS";
      case 5:
        return "(" + pattern(r, depth - 1) + ") REPEATS " + (1 + r.nextInt(3)) + " TIMES";
      default:
        int from = r.nextInt(8);
        int to = from + 1 + r.nextInt(6);
        return "(" + pattern(r, depth - 1) + ") START " + ts(from) + " STOP " + ts(to);
    }
  }

  private static String ts(int seconds) {
    return "t'" + Instant.ofEpochMilli(T0 + seconds * 1000L) + "'";
  }

  /** Up to 9 events, each with one address (10.0.0.4 matches no leaf). */
  static List<List<Observable>> observables(Random r, int n) {
    List<List<Observable>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          List.of(
              new Observable(
                  ObservableType.IPV4,
                  "10.0.0." + (1 + r.nextInt(4)),
                  ObservableRole.DESTINATION)));
    }
    return out;
  }

  static SequencePattern compile(Random r) throws Exception {
    while (true) {
      StixPattern p = StixPattern.parse(pattern(r, 3));
      if (SequencePattern.isSequence(p)) {
        return SequencePattern.compile(
            p, Duration.ofSeconds(3 + r.nextInt(15)), BreadthLimits.DEFAULT);
      }
    }
  }

  @Property(tries = 1000)
  void inEventTimeOrderTheMatcherAgreesWithTheReference(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    SequencePattern p = compile(r);
    int n = 1 + r.nextInt(9);
    List<Event> events = new ArrayList<>();
    for (List<Observable> obs : observables(r, n)) {
      // Whole seconds and one millisecond past them, so that spans hit the bounds exactly.
      int[] offsets = {0, 0, 1, r.nextInt(1000)};
      long t = T0 + r.nextInt(8) * 1000L + offsets[r.nextInt(offsets.length)];
      events.add(new Event(t, p.leafMask(obs)));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort((a, b) -> Long.compare(events.get(a).time(), events.get(b).time()));

    SequenceRun<Integer> run = new SequenceRun<>(p, new ArrayList<>(), 1000, 10_000_000);
    List<Set<Integer>> reported = new ArrayList<>();
    for (int i : order) {
      Event e = events.get(i);
      // In order and without lateness, nothing older than the window before this event can
      // still take part in a match.
      run.expire(e.time() - p.windowMillis());
      SequenceRun.Match<Integer> m =
          run.offer(new SequenceRun.Observation<>(e.time(), e.leaves(), i));
      if (m != null) {
        reported.add(indexes(m));
      }
    }
    assertThat(run.aborted()).isZero();
    check(p, events, reported);
  }

  @Property(tries = 1000)
  void inAnyArrivalOrderWithoutExpiryNoMatchIsMissed(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    SequencePattern p = compile(r);
    int n = 1 + r.nextInt(9);
    List<Event> events = new ArrayList<>();
    for (List<Observable> obs : observables(r, n)) {
      events.add(new Event(T0 + r.nextInt(8) * 1000L + r.nextInt(2), p.leafMask(obs)));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, r);
    SequenceRun<Integer> run = new SequenceRun<>(p, new ArrayList<>(), 1000, 10_000_000);
    List<Set<Integer>> reported = new ArrayList<>();
    for (int i : order) {
      Event e = events.get(i);
      SequenceRun.Match<Integer> m =
          run.offer(new SequenceRun.Observation<>(e.time(), e.leaves(), i));
      if (m != null) {
        reported.add(indexes(m));
      }
    }
    check(p, events, reported);
  }

  private static Set<Integer> indexes(SequenceRun.Match<Integer> m) {
    Set<Integer> s = new HashSet<>();
    for (SequenceRun.Observation<Integer> o : m.observations()) {
      s.add(o.payload());
    }
    assertThat(s).hasSize(m.observations().size());
    return s;
  }

  private static void check(SequencePattern p, List<Event> events, List<Set<Integer>> reported) {
    Set<Set<Integer>> reference = ReferenceSemantics.matches(p, events);
    Set<Integer> consumed = new HashSet<>();
    for (Set<Integer> m : reported) {
      assertThat(reference).as("%s over %s", p, events).contains(m);
      for (int i : m) {
        assertThat(consumed.add(i)).as("event %d in two matches of %s", i, p).isTrue();
      }
    }
    for (Set<Integer> m : reference) {
      assertThat(consumed.stream().anyMatch(m::contains))
          .as("match %s of %s over %s missed (reported %s)", m, p, events, reported)
          .isTrue();
    }
    assertThat(reported.isEmpty()).isEqualTo(reference.isEmpty());
  }
}
