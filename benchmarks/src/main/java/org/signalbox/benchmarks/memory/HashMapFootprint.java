package org.signalbox.benchmarks.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Heap held per indicator by the in-heap stand-in of {@code ExactLookupBenchmark}: a {@code
 * HashMap<String, String>} from canonical key ("IPV4|45.1.2.3", "DOMAIN|...") to indicator id
 * ("indicator--" + a UUID, as real ids are). Measured as the difference of used heap after full
 * collections before and after building it, divided by the entries: keys, ids, entries and table
 * all counted. It is the footprint of the naive index, not of correlate's (which lives in RocksDB;
 * its checkpointed size is measured by the latency run).
 */
public final class HashMapFootprint {
  private HashMapFootprint() {}

  /** Bytes of heap per entry for {@code n} entries. */
  public static double bytesPerIndicator(int n) {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long before = settledUsed(mem);
    Map<String, String> index = build(n);
    long after = settledUsed(mem);
    double perEntry = (double) (after - before) / n;
    if (index.size() != n) {
      throw new IllegalStateException("generated duplicate keys: " + index.size() + " of " + n);
    }
    return perEntry;
  }

  static Map<String, String> build(int n) {
    SplittableRandom r = new SplittableRandom(11L);
    Map<String, String> index = new HashMap<>();
    int i = 0;
    while (index.size() < n) {
      String key =
          i++ % 2 == 0
              ? "IPV4|"
                  + (45 + r.nextInt(3) * 46)
                  + "."
                  + r.nextInt(256)
                  + "."
                  + r.nextInt(256)
                  + "."
                  + (1 + r.nextInt(254))
              : "DOMAIN|" + "bad-" + Long.toHexString(r.nextLong() & 0xffffffffffffL) + ".xyz";
      index.put(key, org.signalbox.core.IndicatorIds.random(r.nextLong(), r.nextLong()));
    }
    return index;
  }

  private static long settledUsed(MemoryMXBean mem) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
