package org.signalbox.stix.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.UnsupportedPatternException;
import org.signalbox.stix.pattern.StixPattern;

/** Each operator and qualifier, with telemetry that matches and telemetry that does not. */
class SequenceMatchingTest {
  private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  private static final String DNS = "[domain-name:value = 'stager.example']";
  private static final String C2 = "[ipv4-addr:value = '203.0.113.9']";

  /** An event "name@seconds" carrying the observable that name stands for. */
  private record Ev(String name, long time, List<Observable> observables) {}

  private static Ev ev(String what, double seconds) {
    Observable o =
        what.startsWith("dns")
            ? new Observable(ObservableType.DOMAIN, "stager.example", ObservableRole.QUERY)
            : what.startsWith("c2")
                ? new Observable(ObservableType.IPV4, "203.0.113.9", ObservableRole.DESTINATION)
                : new Observable(ObservableType.IPV4, "198.51.100.1", ObservableRole.DESTINATION);
    return new Ev(what, T0 + Math.round(seconds * 1000), List.of(o));
  }

  private static SequencePattern compile(String text) throws Exception {
    return SequencePattern.compile(
        StixPattern.parse(text), Duration.ofHours(24), BreadthLimits.DEFAULT);
  }

  /** The matches, each as the names of its events, offering events in the order given. */
  private static List<List<String>> run(String pattern, Ev... events) throws Exception {
    SequencePattern p = compile(pattern);
    SequenceRun<String> run = new SequenceRun<>(p, new ArrayList<>(), 1000, 1_000_000);
    List<List<String>> out = new ArrayList<>();
    for (Ev e : events) {
      SequenceRun.Match<String> m =
          run.offer(new SequenceRun.Observation<>(e.time(), p.leafMask(e.observables()), e.name()));
      if (m != null) {
        out.add(m.observations().stream().map(SequenceRun.Observation::payload).sorted().toList());
      }
    }
    return out;
  }

  @Test
  void followedBy() throws Exception {
    // Parenthesised: a qualifier binds to the observation before it, so without them the WITHIN
    // would qualify the C2 observation alone (the grammar's reading, and the validator's).
    String p = "(" + DNS + " FOLLOWEDBY " + C2 + ") WITHIN 300 SECONDS";
    assertThat(run(p, ev("dns", 0), ev("c2", 10))).containsExactly(List.of("c2", "dns"));
    // Out of order (the connection offered first, a late DNS event): still in event-time order.
    assertThat(run(p, ev("c2", 10), ev("dns", 0))).containsExactly(List.of("c2", "dns"));
    // The wrong order in event time, or the same millisecond: no match.
    assertThat(run(p, ev("c2", 0), ev("dns", 10))).isEmpty();
    assertThat(run(p, ev("dns", 5), ev("c2", 5))).isEmpty();
    // Outside the window (inclusive at exactly 300 s).
    assertThat(run(p, ev("dns", 0), ev("c2", 300.001))).isEmpty();
    assertThat(run(p, ev("dns", 0), ev("c2", 300))).hasSize(1);
    assertThat(run(p, ev("dns", 0), ev("other", 5))).isEmpty();
  }

  @Test
  void observationAndInAnyOrder() throws Exception {
    String p = DNS + " AND " + C2;
    assertThat(run(p, ev("c2", 0), ev("dns", 10))).containsExactly(List.of("c2", "dns"));
    assertThat(run(p, ev("dns", 0), ev("c2", 0))).hasSize(1);
    assertThat(run(p, ev("dns", 0), ev("dns2", 1))).isEmpty();
    // One event cannot be both observations, even if it carried both values.
    assertThat(
            run(
                "[domain-name:value = 'stager.example'] AND [domain-name:value = 'stager.example']",
                ev("dns", 0)))
        .isEmpty();
    assertThat(
            run(
                "[domain-name:value = 'stager.example'] AND [domain-name:value = 'stager.example']",
                ev("dns", 0),
                ev("dns2", 1)))
        .containsExactly(List.of("dns", "dns2"));
  }

  @Test
  void observationOr() throws Exception {
    String p = "(" + DNS + " FOLLOWEDBY " + C2 + ") OR [ipv4-addr:value = '198.51.100.1']";
    assertThat(run(p, ev("other", 0))).containsExactly(List.of("other"));
    assertThat(run(p, ev("dns", 0), ev("c2", 1))).containsExactly(List.of("c2", "dns"));
    assertThat(run(p, ev("c2", 0), ev("dns", 1))).isEmpty();
  }

  @Test
  void withinOnAPartOnly() throws Exception {
    String p = "(" + DNS + " AND " + C2 + ") WITHIN 2 SECONDS";
    assertThat(run(p, ev("dns", 0), ev("c2", 2))).hasSize(1);
    assertThat(run(p, ev("dns", 0), ev("c2", 2.001))).isEmpty();
    // Nested under FOLLOWEDBY, the WITHIN binds only its own part.
    String nested =
        "("
            + DNS
            + " AND "
            + C2
            + ") WITHIN 2 SECONDS FOLLOWEDBY [ipv4-addr:value = '198.51.100.1']";
    assertThat(run(nested, ev("dns", 0), ev("c2", 2), ev("other", 100))).hasSize(1);
    assertThat(run(nested, ev("dns", 0), ev("c2", 2.001), ev("other", 100))).isEmpty();
  }

  @Test
  void repeats() throws Exception {
    String p = C2 + " REPEATS 3 TIMES WITHIN 60 SECONDS";
    assertThat(run(p, ev("c2a", 0), ev("c2b", 10))).isEmpty();
    assertThat(run(p, ev("c2a", 0), ev("c2b", 10), ev("c2c", 20)))
        .containsExactly(List.of("c2a", "c2b", "c2c"));
    // Six events give two matches, not one per combination of three.
    assertThat(
            run(
                p,
                ev("a", 0),
                ev("c2b", 1),
                ev("c2c", 2),
                ev("c2d", 3),
                ev("c2e", 4),
                ev("c2f", 5),
                ev("c2g", 6)))
        .hasSize(2);
    assertThat(run(p, ev("c2a", 0), ev("c2b", 10), ev("c2c", 61))).isEmpty();
  }

  @Test
  void startStopOnOneObservationAndOnASequence() throws Exception {
    String single = C2 + " START t'2024-01-01T00:00:10Z' STOP t'2024-01-01T00:00:20Z'";
    assertThat(run(single, ev("c2", 9.999))).isEmpty();
    assertThat(run(single, ev("c2", 10))).containsExactly(List.of("c2"));
    assertThat(run(single, ev("c2", 19.999))).hasSize(1);
    assertThat(run(single, ev("c2", 20))).isEmpty();
    String seq =
        "("
            + DNS
            + " FOLLOWEDBY "
            + C2
            + ") START t'2024-01-01T00:00:10Z' STOP t'2024-01-01T00:00:20Z'";
    assertThat(run(seq, ev("dns", 11), ev("c2", 12))).hasSize(1);
    assertThat(run(seq, ev("dns", 9), ev("c2", 12))).isEmpty();
  }

  @Test
  void windowsAreCappedAndSaySo() throws Exception {
    SequencePattern none = compile(DNS + " FOLLOWEDBY " + C2);
    assertThat(none.windowMillis()).isEqualTo(Duration.ofHours(24).toMillis());
    assertThat(none.windowCapped()).isTrue();
    SequencePattern within = compile("(" + DNS + " FOLLOWEDBY " + C2 + ") WITHIN 300 SECONDS");
    // Here the WITHIN binds to C2 alone, which leaves the sequence unbounded.
    assertThat(compile(DNS + " FOLLOWEDBY " + C2 + " WITHIN 300 SECONDS").windowCapped()).isTrue();
    assertThat(within.windowMillis()).isEqualTo(300_000);
    assertThat(within.windowCapped()).isFalse();
    SequencePattern week = compile("(" + DNS + " FOLLOWEDBY " + C2 + ") WITHIN 604800 SECONDS");
    assertThat(week.windowMillis()).isEqualTo(Duration.ofHours(24).toMillis());
    assertThat(week.windowCapped()).isTrue();
    // A match past the capped window is not reported.
    assertThat(run(DNS + " FOLLOWEDBY " + C2, ev("dns", 0), ev("c2", 24 * 3600 + 1))).isEmpty();
    assertThat(run(DNS + " FOLLOWEDBY " + C2, ev("dns", 0), ev("c2", 24 * 3600))).hasSize(1);
  }

  @Test
  void leavesTheMatcherCannotRunAreRefusedWithTheirColumn() {
    assertThatThrownBy(() -> compile(DNS + " FOLLOWEDBY [process:name = 'x']"))
        .isInstanceOf(UnsupportedPatternException.class)
        .hasMessageContaining("process:name");
    assertThatThrownBy(
            () ->
                SequencePattern.compile(
                    StixPattern.parse(DNS), Duration.ofHours(1), BreadthLimits.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFloodOfFirstObservationsStaysBoundedAndIsCounted() throws Exception {
    SequencePattern p = compile(DNS + " FOLLOWEDBY " + C2);
    SequenceRun<Integer> run = new SequenceRun<>(p, new ArrayList<>(), 100, 1_000_000);
    long dns = p.leafMask(ev("dns", 0).observables());
    for (int i = 0; i < 1000; i++) {
      assertThat(run.offer(new SequenceRun.Observation<>(T0 + i, dns, i))).isNull();
    }
    assertThat(run.buffered()).hasSize(100);
    assertThat(run.overflows()).isEqualTo(900);
    // The oldest were evicted: the match uses a recent DNS event.
    SequenceRun.Match<Integer> m =
        run.offer(
            new SequenceRun.Observation<>(T0 + 5000, p.leafMask(ev("c2", 0).observables()), -1));
    assertThat(m).isNotNull();
    assertThat(m.observations().get(0).payload()).isGreaterThanOrEqualTo(900);
    assertThat(run.expire(T0 + 10_000)).isEqualTo(99);
    assertThat(run.buffered()).isEmpty();
  }

  @Test
  void theLargestRepeatsIsMatchedWithoutExhaustingTheStack() throws Exception {
    SequencePattern p = compile(C2 + " REPEATS 1000 TIMES");
    SequenceRun<Integer> run = new SequenceRun<>(p, new ArrayList<>(), 1000, 1_000_000);
    long mask = p.leafMask(ev("c2", 0).observables());
    for (int i = 0; i < 999; i++) {
      assertThat(run.offer(new SequenceRun.Observation<>(T0 + i, mask, i))).isNull();
    }
    SequenceRun.Match<Integer> m = run.offer(new SequenceRun.Observation<>(T0 + 999, mask, 999));
    assertThat(m).isNotNull();
    assertThat(m.observations()).hasSize(1000);
    assertThat(run.buffered()).isEmpty();
  }

  @Test
  void aLargeRepeatsFindsTheWindowThatFits() throws Exception {
    // 20 within 10 seconds: the first event is too early for the other 20, the next 20 fit.
    SequencePattern p = compile("(" + C2 + " REPEATS 20 TIMES) WITHIN 10 SECONDS");
    SequenceRun<Integer> run = new SequenceRun<>(p, new ArrayList<>(), 1000, 1_000_000);
    long mask = p.leafMask(ev("c2", 0).observables());
    assertThat(run.offer(new SequenceRun.Observation<>(T0, mask, -1))).isNull();
    SequenceRun.Match<Integer> m = null;
    for (int i = 0; i < 20 && m == null; i++) {
      m = run.offer(new SequenceRun.Observation<>(T0 + 20_000 + i * 100L, mask, i));
    }
    assertThat(m).isNotNull();
    assertThat(m.observations())
        .extracting(SequenceRun.Observation::payload)
        .doesNotContain(-1)
        .hasSize(20);
    assertThat(run.buffered()).extracting(SequenceRun.Observation::payload).containsExactly(-1);
  }

  @Test
  void aSearchThatRunsOutOfStepsIsCounted() throws Exception {
    // Three leaves that every event satisfies, and a FOLLOWEDBY no event set can complete (all at
    // one instant): the search tries many bindings and gives up.
    String any = "[ipv4-addr:value = '203.0.113.9']";
    SequencePattern p = compile("(" + any + " AND " + any + " AND " + any + ") FOLLOWEDBY " + any);
    SequenceRun<Integer> run = new SequenceRun<>(p, new ArrayList<>(), 1000, 1000);
    long mask = p.leafMask(ev("c2", 0).observables());
    for (int i = 0; i < 40; i++) {
      assertThat(run.offer(new SequenceRun.Observation<>(T0, mask, i))).isNull();
    }
    assertThat(run.aborted()).isPositive();
  }
}
