package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeverityTest {
  static final long DAY = 86_400_000L;

  @Test
  void boundsAndWeights() {
    assertThat(Severity.score(1, 1, 0, DAY, DAY)).isZero();
    assertThat(Severity.score(5, 3, 100, 0, DAY)).isEqualTo(100);
    assertThat(Severity.score(50, 9, 100, -5, DAY)).isEqualTo(100);
    // Two members, one sector, confidence 80, fresh: 10 + 0 + 20 + 10.
    assertThat(Severity.score(2, 1, 80, 0, DAY)).isEqualTo(40);
    // Half a window old loses half the recency.
    assertThat(Severity.score(2, 1, 80, DAY / 2, DAY)).isEqualTo(35);
  }

  @Test
  void moreMembersOrSectorsNeverLowerTheScore() {
    for (int m = 1; m < 10; m++) {
      for (int s = 1; s < 5; s++) {
        int here = Severity.score(m, s, 60, 3_600_000L, DAY);
        assertThat(Severity.score(m + 1, s, 60, 3_600_000L, DAY)).isGreaterThanOrEqualTo(here);
        assertThat(Severity.score(m, s + 1, 60, 3_600_000L, DAY)).isGreaterThanOrEqualTo(here);
      }
    }
  }
}
