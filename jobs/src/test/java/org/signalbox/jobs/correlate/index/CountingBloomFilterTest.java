package org.signalbox.jobs.correlate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CountingBloomFilterTest {

  @Test
  void neverForgetsAKeyThatWasAddedMoreOftenThanRemoved() {
    // Random adds and removes of a small key space (so counters saturate too), against a multiset.
    SplittableRandom random = new SplittableRandom(19);
    CountingBloomFilter filter = new CountingBloomFilter(200);
    Map<Long, Integer> truth = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      long key = CountingBloomFilter.hash("DOMAIN|k" + random.nextInt(400) + ".example");
      int count = truth.getOrDefault(key, 0);
      if (count > 0 && random.nextInt(3) == 0) {
        filter.remove(key);
        truth.put(key, count - 1);
      } else {
        filter.add(key);
        truth.put(key, count + 1);
      }
      if (step % 1000 == 0) {
        truth.forEach((k, c) -> assertThat(c == 0 || filter.mightContain(k)).isTrue());
      }
    }
    truth.forEach((k, c) -> assertThat(c == 0 || filter.mightContain(k)).isTrue());
  }

  @Test
  void aboutOnePercentFalsePositivesAtCapacityAndNoneOnceEmptiedAgain() {
    int n = 100_000;
    CountingBloomFilter filter = new CountingBloomFilter(n);
    for (int i = 0; i < n; i++) {
      filter.add(CountingBloomFilter.hash("IPV4|10.0." + i));
    }
    int falsePositives = 0;
    for (int i = 0; i < n; i++) {
      if (filter.mightContain(CountingBloomFilter.hash("IPV4|192.0." + i))) {
        falsePositives++;
      }
    }
    assertThat(falsePositives / (double) n).isLessThan(0.02);
    assertThat(filter.sizeBytes()).isLessThanOrEqualTo(n * 6L + 64);

    for (int i = 0; i < n; i++) {
      filter.remove(CountingBloomFilter.hash("IPV4|10.0." + i));
    }
    for (int i = 0; i < 1000; i++) {
      // Nothing saturated at this load, so every counter is back to zero.
      assertThat(filter.mightContain(CountingBloomFilter.hash("IPV4|10.0." + i))).isFalse();
    }
  }

  @Test
  void roundTripsThroughItsCheckpointBytes() {
    CountingBloomFilter filter = new CountingBloomFilter(1000);
    for (int i = 0; i < 1000; i++) {
      filter.add(CountingBloomFilter.hash("URL|u" + i));
    }
    CountingBloomFilter restored = CountingBloomFilter.fromBytes(filter.toBytes());
    for (int i = 0; i < 1000; i++) {
      assertThat(restored.mightContain(CountingBloomFilter.hash("URL|u" + i))).isTrue();
    }
    assertThat(restored.toBytes()).isEqualTo(filter.toBytes());
    byte[] corrupt = filter.toBytes();
    corrupt[0] = 9;
    assertThatThrownBy(() -> CountingBloomFilter.fromBytes(corrupt)).hasMessageContaining("format");
  }
}
