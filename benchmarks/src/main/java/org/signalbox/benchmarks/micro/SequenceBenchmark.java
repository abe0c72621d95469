package org.signalbox.benchmarks.micro;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.PatternIndex;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.stix.sequence.SequencePattern;
import org.signalbox.stix.sequence.SequenceRun;

/**
 * Events per second of the sequence matcher's engine, as the correlate job runs it but in one
 * thread and without Flink: each event through the leaf {@link PatternIndex} (what {@code
 * SequenceRouter} does), then, for every pattern a leaf of which it satisfied, a {@link
 * SequenceRun} over that member's buffered observations of the pattern (what {@code
 * SequenceMatcher} does per key, its keyed state here a HashMap), with the buffers expired as the
 * event time moves on. Beside it, the single-observation case: the same number of patterns, each
 * the first observation of a sequence pattern alone, in a {@link PatternIndex}.
 *
 * <p>Not JMH, for the reasons of {@link PatternIndexBenchmark}: each count is built once, warmed
 * up, then timed over a fixed interval; events/s = events / elapsed.
 *
 * <p>Workload (seed 11): 50 % {@code ([domain] FOLLOWEDBY [ipv4]) WITHIN 300 SECONDS}, 25 % {@code
 * [ipv4] REPEATS 3 TIMES WITHIN 60 SECONDS}, 25 % {@code [domain] AND [url]} (no WITHIN: capped at
 * 24 h). Events: 16 members round robin, 10 ms of event time apart, each with a queried domain, a
 * destination IPv4 and a URL; one in ten carries a value of a random pattern's leaf instead of a
 * random one (so about one event in ten starts or continues a partial match).
 */
public final class SequenceBenchmark {
  private SequenceBenchmark() {}

  /** One strategy at one pattern count. */
  public record Row(
      int patterns,
      String strategy,
      long events,
      double eventsPerSecond,
      long matches,
      long bufferedAtEnd,
      long buildMillis) {}

  private static final int EVENTS = 1 << 16;
  private static final int MEMBERS = 16;

  public static void main(String[] args) throws Exception {
    int[] counts = {1_000, 10_000};
    if (args.length > 0) {
      String[] parts = args[0].split(",");
      counts = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        counts[i] = Integer.parseInt(parts[i].trim());
      }
    }
    run(counts, Duration.ofSeconds(3), Duration.ofSeconds(5), System.out);
  }

  public static List<Row> run(int[] counts, Duration warmup, Duration measure, PrintStream out)
      throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int n : counts) {
      Workload w = new Workload(n, 11L);
      for (String strategy : List.of("single-observation", "sequence")) {
        long t0 = System.nanoTime();
        Engine e = new Engine(w, strategy.equals("sequence"));
        long build = (System.nanoTime() - t0) / 1_000_000;
        try {
          e.drive(warmup);
          Engine.Result r = e.drive(measure);
          Row row =
              new Row(
                  n,
                  strategy,
                  r.events,
                  r.events / (r.nanos / 1e9),
                  r.matches,
                  e.buffered(),
                  build);
          rows.add(row);
          out.printf(
              "sequences %,8d patterns  %-18s %,10.0f events/s  (%,d events, %,d matches, %,d"
                  + " observations buffered, built in %,d ms)%n",
              n,
              strategy,
              row.eventsPerSecond(),
              row.events(),
              row.matches(),
              row.bufferedAtEnd(),
              build);
        } finally {
          e.close();
        }
      }
    }
    return rows;
  }

  /** The router and the per-key runs of the job, in one thread. */
  static final class Engine implements AutoCloseable {
    record Result(long events, long nanos, long matches) {}

    final Workload w;
    final boolean sequences;
    final PatternIndex index = new PatternIndex();
    final Map<String, List<SequenceRun.Observation<Integer>>> buffers = new HashMap<>();
    long time = 1_700_000_000_000L;
    int next;

    Engine(Workload w, boolean sequences) throws Exception {
      this.w = w;
      this.sequences = sequences;
      for (int i = 0; i < w.patterns.length; i++) {
        if (sequences) {
          for (int l = 0; l < w.patterns[i].leafCount(); l++) {
            index.put(i + "\n" + l, w.patterns[i].leaf(l));
          }
        } else {
          index.put(Integer.toString(i), w.patterns[i].leaf(0));
        }
      }
      index.witnesses(w.events.get(0)); // applies the batch to the Monitor
    }

    Result drive(Duration d) {
      long matches = 0;
      long events = 0;
      long start = System.nanoTime();
      long deadline = start + d.toNanos();
      long[] found = new long[1];
      Map<Integer, long[]> masks = new HashMap<>();
      while (true) {
        for (int k = 0; k < 256; k++) {
          int e = next++ % w.events.size();
          String member = "m" + (e % MEMBERS);
          List<Observable> event = w.events.get(e);
          time += 10;
          if (!sequences) {
            index.witnesses(event, (id, wit) -> found[0]++);
            continue;
          }
          masks.clear();
          index.witnesses(
              event,
              (id, wit) -> {
                int cut = id.indexOf('\n');
                int p = Integer.parseInt(id.substring(0, cut));
                int leaf = Integer.parseInt(id.substring(cut + 1));
                masks.computeIfAbsent(p, x -> new long[1])[0] |= 1L << leaf;
              });
          for (Map.Entry<Integer, long[]> m : masks.entrySet()) {
            SequencePattern p = w.patterns[m.getKey()];
            List<SequenceRun.Observation<Integer>> buf =
                buffers.computeIfAbsent(member + '|' + m.getKey(), x -> new ArrayList<>());
            SequenceRun<Integer> run = new SequenceRun<>(p, buf, 1000, 200_000);
            // What the job's timers do: drop what the window has closed.
            run.expire(time - p.windowMillis() - 60_000);
            if (run.offer(new SequenceRun.Observation<>(time, m.getValue()[0], e)) != null) {
              found[0]++;
            }
            if (buf.isEmpty()) {
              buffers.remove(member + '|' + m.getKey());
            }
          }
        }
        events += 256;
        long now = System.nanoTime();
        if (now >= deadline) {
          matches = found[0];
          return new Result(events, now - start, matches);
        }
      }
    }

    long buffered() {
      long n = 0;
      for (List<SequenceRun.Observation<Integer>> b : buffers.values()) {
        n += b.size();
      }
      return n;
    }

    @Override
    public void close() {
      index.close();
    }
  }

  static final class Workload {
    final SequencePattern[] patterns;
    final String[][] leafValues;
    final List<List<Observable>> events = new ArrayList<>();

    Workload(int n, long seed) throws Exception {
      SplittableRandom r = new SplittableRandom(seed);
      patterns = new SequencePattern[n];
      leafValues = new String[n][];
      for (int i = 0; i < n; i++) {
        String domain = "d" + i + "-" + r.nextInt(1 << 20) + ".example";
        String ip = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
        String url = "http://" + domain + "/p" + r.nextInt(1000);
        String text;
        int kind = r.nextInt(4);
        if (kind < 2) {
          text =
              "([domain-name:value = '"
                  + domain
                  + "'] FOLLOWEDBY [ipv4-addr:value = '"
                  + ip
                  + "']) WITHIN 300 SECONDS";
          leafValues[i] = new String[] {"D" + domain, "I" + ip};
        } else if (kind == 2) {
          text = "[ipv4-addr:value = '" + ip + "'] REPEATS 3 TIMES WITHIN 60 SECONDS";
          leafValues[i] = new String[] {"I" + ip};
        } else {
          text = "[domain-name:value = '" + domain + "'] AND [url:value = '" + url + "']";
          leafValues[i] = new String[] {"D" + domain, "U" + url};
        }
        patterns[i] =
            SequencePattern.compile(
                StixPattern.parse(text), Duration.ofHours(24), BreadthLimits.DEFAULT);
      }
      for (int e = 0; e < EVENTS; e++) {
        String domain = "q" + r.nextInt(1 << 24) + ".example";
        String ip = "192.0." + r.nextInt(256) + "." + r.nextInt(256);
        String url = "http://" + domain + "/x";
        if (r.nextInt(10) == 0) {
          String[] leaves = leafValues[r.nextInt(n)];
          String v = leaves[r.nextInt(leaves.length)];
          switch (v.charAt(0)) {
            case 'D':
              domain = v.substring(1);
              break;
            case 'I':
              ip = v.substring(1);
              break;
            default:
              url = v.substring(1);
          }
        }
        events.add(
            List.of(
                new Observable(ObservableType.DOMAIN, domain, ObservableRole.QUERY),
                new Observable(ObservableType.IPV4, ip, ObservableRole.DESTINATION),
                new Observable(
                    ObservableType.URL,
                    ObservableNormalizer.normalize(ObservableType.URL, url).value(),
                    ObservableRole.OTHER)));
      }
    }
  }
}
