package org.signalbox.benchmarks.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashMapFootprintTest {

  @Test
  void buildsTheRequestedNumberOfDistinctEntries() {
    assertThat(HashMapFootprint.build(50_000)).hasSize(50_000);
  }

  @Test
  void measuresSomeHeapPerEntry() {
    // Keys and ids alone take dozens of bytes each; only the sign is certain under a shared GC.
    assertThat(HashMapFootprint.bytesPerIndicator(100_000)).isPositive();
  }
}
