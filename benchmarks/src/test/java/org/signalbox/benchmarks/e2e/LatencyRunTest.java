package org.signalbox.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyRunTest {

  @Test
  void percentilesAreNearestRank() {
    long[] hundred = LongStream.rangeClosed(1, 100).toArray();
    assertThat(LatencyRun.percentile(hundred, 50)).isEqualTo(50);
    assertThat(LatencyRun.percentile(hundred, 99)).isEqualTo(99);
    assertThat(LatencyRun.percentile(hundred, 99.9)).isEqualTo(100);
    long[] thousand = LongStream.rangeClosed(1, 1000).toArray();
    assertThat(LatencyRun.percentile(thousand, 99.9)).isEqualTo(999);
  }

  @Test
  void tinySamplesFallOnTheirEnds() {
    assertThat(LatencyRun.percentile(new long[] {7}, 50)).isEqualTo(7);
    assertThat(LatencyRun.percentile(new long[] {7}, 99.9)).isEqualTo(7);
    assertThat(LatencyRun.percentile(new long[] {}, 50)).isEqualTo(-1);
  }
}
