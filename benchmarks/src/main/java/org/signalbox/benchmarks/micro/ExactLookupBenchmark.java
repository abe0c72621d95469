package org.signalbox.benchmarks.micro;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A stand-in, not the real index: exact lookup in a {@code HashMap} from canonical key ({@code
 * TYPE|value}) to indicator id at {@code indicators} entries, one in eight probes a hit. Correlate
 * keeps exact indicators in Flink keyed state (RocksDB by default), which this does not exercise:
 * it is the in-heap lower bound a compact index would have to beat, and the end-to-end harness
 * measures the real thing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExactLookupBenchmark {

  @Param({"1000", "1000000"})
  public int indicators;

  private Map<String, String> index;
  private String[] probes;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(11L);
    index = new HashMap<>(indicators * 2);
    String[] keys = new String[indicators];
    for (int i = 0; i < indicators; i++) {
      keys[i] = i % 2 == 0 ? "IPV4|" + MicroData.ipv4(r) : "DOMAIN|" + MicroData.domain(r);
      index.put(keys[i], org.signalbox.core.IndicatorIds.named(Integer.toString(i)));
    }
    probes = new String[4096];
    for (int i = 0; i < probes.length; i++) {
      // Fresh strings, so the hash is computed per probe as it would be for a decoded event.
      probes[i] =
          new String(i % 8 == 0 ? keys[r.nextInt(indicators)] : "IPV4|" + MicroData.ipv4(r));
    }
  }

  @Benchmark
  public String lookup() {
    String probe = probes[next++ & 4095];
    return index.get(new String(probe));
  }
}
