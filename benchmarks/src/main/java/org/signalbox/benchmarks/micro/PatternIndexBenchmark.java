package org.signalbox.benchmarks.micro;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.match.PatternIndex;
import org.signalbox.stix.match.PatternMatcher;
import org.signalbox.stix.pattern.StixPattern;

/**
 * Events per second of STIX pattern matching by brute force (every pattern's matcher on every
 * event) and by {@link PatternIndex} (Lucene Monitor pre-filter, then the candidates' matchers),
 * side by side at each pattern count, on the same patterns and events.
 *
 * <p>Not JMH: a set of a million patterns takes tens of seconds to build and gigabytes to hold, and
 * JMH would rebuild it per fork and per parameter. Instead each pattern count is built once, both
 * strategies run on it one after the other, each warmed up and then timed over a fixed duration
 * (events/s = events matched / elapsed time, single thread). Before timing, both match the same
 * probe events outside the clock and must find the same matches; a disagreement fails the run.
 *
 * <p>Workload (deterministic, seed 7): patterns are 40 % ORs of 2 to 6 IPv4/domain equalities (as
 * in threat reports), 10 % single equalities (IPv4, domain, URL, SHA-256), 15 % IN sets of 3 to 10
 * domains, 10 % AND of an IPv4 and a domain (half with NOT), 12 % IPv4 ISSUBSET of random /16 to
 * /32 networks, 11 % domain LIKE '%.parent', 1 % URL LIKE 'prefix%' and 1 % URL MATCHES (the two
 * text kinds the pre-filter can only narrow to "has a URL"). Events carry a source and a
 * destination IPv4, a queried domain and, one in two, a URL; one in twenty carries a value taken
 * from a random pattern.
 */
public final class PatternIndexBenchmark {
  private PatternIndexBenchmark() {}

  /** One strategy at one pattern count. */
  /**
   * @param events events matched in the timed interval
   * @param buildMillis putting every pattern and applying them (the Monitor's index commits)
   * @param heapBytesPerPattern heap the strategy adds per pattern, beyond the compiled matchers
   *     both share (after full collections)
   * @param probeEvents events both strategies matched outside the clock, with equal results
   * @param probeMatches matches found on them
   */
  public record Row(
      int patterns,
      String strategy,
      long events,
      double eventsPerSecond,
      long buildMillis,
      double heapBytesPerPattern,
      int probeEvents,
      long probeMatches) {}

  private static final int EVENTS = 8192;

  /** Runs every count in {@code counts}, both strategies each, printing a line per result. */
  public static List<Row> run(int[] counts, Duration warmup, Duration measure, PrintStream out)
      throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int n : counts) {
      Workload w = new Workload(n, 7L);
      List<Set<PatternIndex.Match>> reference = null;
      for (String strategy : List.of("brute-force", "pattern-index")) {
        int threshold = strategy.equals("brute-force") ? Integer.MAX_VALUE : 0;
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long before = settledUsed(mem);
        long t0 = System.nanoTime();
        try (PatternIndex index = new PatternIndex(threshold)) {
          for (int i = 0; i < n; i++) {
            index.put(w.ids[i], w.matchers[i]);
          }
          index.witnesses(w.events.get(0)); // applies the batch to the Monitor
          long buildMillis = (System.nanoTime() - t0) / 1_000_000;
          // The matchers are shared by both strategies and were built before "before": this is
          // what the strategy adds on top of them.
          double heapPerPattern = (double) (settledUsed(mem) - before) / n;
          List<Set<PatternIndex.Match>> probe = probe(index, w);
          if (reference == null) {
            reference = probe;
          } else if (!reference.equals(probe)) {
            throw new IllegalStateException(
                "brute force and pattern index disagree at " + n + " patterns");
          }
          long[] sink = new long[1];
          time(index, w, warmup, sink);
          long[] counted = time(index, w, measure, sink);
          long probeMatches = probe.stream().mapToLong(Set::size).sum();
          Row row =
              new Row(
                  n,
                  strategy,
                  counted[0],
                  counted[0] / (counted[1] / 1e9),
                  buildMillis,
                  heapPerPattern,
                  probe.size(),
                  probeMatches);
          rows.add(row);
          out.printf(
              "  %,9d patterns  %-13s %,12.0f events/s  build %,7d ms  %,7.0f heap bytes/pattern"
                  + "  (%,d matches on %,d probe events)%n",
              n,
              strategy,
              row.eventsPerSecond(),
              buildMillis,
              heapPerPattern,
              probeMatches,
              probe.size());
        }
      }
    }
    return rows;
  }

  /**
   * Matches events round-robin for {@code d}; returns {events, nanos}. The match count goes to
   * {@code sink} so that the work cannot be optimized away.
   */
  private static long[] time(PatternIndex index, Workload w, Duration d, long[] matches) {
    long deadline = System.nanoTime() + d.toNanos();
    long start = System.nanoTime();
    long events = 0;
    long now;
    do {
      for (int i = 0; i < 8; i++) {
        matches[0] += index.witnesses(w.events.get((int) (events++ % EVENTS))).size();
      }
      now = System.nanoTime();
    } while (now < deadline);
    return new long[] {events, now - start};
  }

  /**
   * The matches of the first events (all planted ones among them), outside the timing, to prove
   * both strategies agree; fewer at large counts, where brute force takes long per event.
   */
  private static List<Set<PatternIndex.Match>> probe(PatternIndex index, Workload w) {
    int n = w.matchers.length >= 1_000_000 ? 50 : w.matchers.length >= 100_000 ? 200 : EVENTS;
    List<Set<PatternIndex.Match>> out = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      out.add(new HashSet<>(index.witnesses(w.events.get(e))));
    }
    return out;
  }

  private static long settledUsed(MemoryMXBean mem) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The patterns (compiled once, shared by both strategies) and the events of one count. */
  static final class Workload {
    final String[] ids;
    final PatternMatcher[] matchers;
    final List<List<Observable>> events = new ArrayList<>();
    private final List<String[]> planted = new ArrayList<>(); // {type, value} per pattern

    Workload(int n, long seed) throws Exception {
      SplittableRandom r = new SplittableRandom(seed);
      ids = new String[n];
      matchers = new PatternMatcher[n];
      for (int i = 0; i < n; i++) {
        ids[i] = org.signalbox.core.IndicatorIds.random(r.nextLong(), r.nextLong());
        matchers[i] = PatternMatcher.compile(StixPattern.parse(pattern(r)));
      }
      for (int e = 0; e < EVENTS; e++) {
        events.add(event(r, e % 20 == 0 ? planted.get(r.nextInt(planted.size())) : null));
      }
    }

    private String pattern(SplittableRandom r) {
      int k = r.nextInt(100);
      if (k < 40) {
        int n = 2 + r.nextInt(5);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          parts.add(r.nextBoolean() ? ip(r, true) : domain(r, true));
        }
        return "[" + String.join(" OR ", parts) + "]";
      }
      if (k < 50) {
        switch (r.nextInt(4)) {
          case 0:
            return "[" + ip(r, true) + "]";
          case 1:
            return "[" + domain(r, true) + "]";
          case 2:
            {
              String url = url(r);
              plant(ObservableType.URL, url);
              return "[url:value = '" + url + "']";
            }
          default:
            {
              String sha = MicroData.hex(r, 64);
              plant(ObservableType.SHA256, sha);
              return "[file:hashes.'SHA-256' = '" + sha + "']";
            }
        }
      }
      if (k < 65) {
        int n = 3 + r.nextInt(8);
        List<String> set = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String d = MicroData.domain(r);
          set.add("'" + d + "'");
          if (i == 0) {
            plant(ObservableType.DOMAIN, d);
          }
        }
        return "[domain-name:value IN (" + String.join(", ", set) + ")]";
      }
      if (k < 75) {
        String ip = MicroData.ipv4(r);
        String d = MicroData.domain(r);
        if (r.nextBoolean()) {
          plant(ObservableType.IPV4, ip);
          return "[ipv4-addr:value = '" + ip + "' AND domain-name:value NOT = '" + d + "']";
        }
        plant(ObservableType.IPV4, ip);
        return "[ipv4-addr:value = '" + ip + "' AND domain-name:value = '" + d + "']";
      }
      if (k < 87) {
        String ip = MicroData.ipv4(r);
        plant(ObservableType.IPV4, ip);
        return "[ipv4-addr:value ISSUBSET '" + ip + "/" + (16 + r.nextInt(17)) + "']";
      }
      if (k < 98) {
        String parent = MicroData.hex(r, 8) + ".com";
        plant(ObservableType.DOMAIN, "www." + parent);
        return "[domain-name:value LIKE '%." + parent + "']";
      }
      String host = MicroData.hex(r, 8) + ".net";
      plant(ObservableType.URL, "http://" + host + "/x");
      return k < 99
          ? "[url:value LIKE 'http://" + host + "/%']"
          : "[url:value MATCHES '^https?://" + host.replace(".", "\\\\.") + "/']";
    }

    private String ip(SplittableRandom r, boolean plant) {
      String ip = MicroData.ipv4(r);
      if (plant) {
        plant(ObservableType.IPV4, ip);
      }
      return "ipv4-addr:value = '" + ip + "'";
    }

    private String domain(SplittableRandom r, boolean plant) {
      String d = MicroData.domain(r);
      if (plant) {
        plant(ObservableType.DOMAIN, d);
      }
      return "domain-name:value = '" + d + "'";
    }

    private static String url(SplittableRandom r) {
      return "http://" + MicroData.domain(r) + "/path/" + MicroData.hex(r, 8);
    }

    private void plant(ObservableType type, String value) {
      planted.add(new String[] {type.name(), value});
    }

    private static List<Observable> event(SplittableRandom r, String[] plant) {
      List<Observable> obs = new ArrayList<>();
      obs.add(o(ObservableType.IPV4, MicroData.ipv4(r), ObservableRole.SOURCE));
      obs.add(o(ObservableType.IPV4, MicroData.ipv4(r), ObservableRole.DESTINATION));
      obs.add(o(ObservableType.DOMAIN, MicroData.domain(r), ObservableRole.QUERY));
      if (r.nextBoolean()) {
        obs.add(o(ObservableType.URL, url(r), ObservableRole.URL));
      }
      if (plant != null) {
        obs.add(o(ObservableType.valueOf(plant[0]), plant[1], ObservableRole.OTHER));
      }
      return obs;
    }

    /** Telemetry carries canonical values, as the edge normalizes them. */
    private static Observable o(ObservableType t, String v, ObservableRole role) {
      try {
        v = ObservableNormalizer.normalize(t, v).value();
      } catch (InvalidObservableException e) {
        throw new IllegalStateException("generated an invalid " + t + ": " + v, e);
      }
      return Observable.newBuilder().setType(t).setValue(v).setRole(role).build();
    }
  }

  /** {@code java ... PatternIndexBenchmark 1000 10000}: a run outside the bench command. */
  public static void main(String[] args) throws Exception {
    int[] counts = new int[args.length];
    for (int i = 0; i < args.length; i++) {
      counts[i] = Integer.parseInt(args[i]);
    }
    run(counts, Duration.ofSeconds(1), Duration.ofSeconds(2), System.out);
  }
}
