package org.signalbox.jobs.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.ObservableType;

class ConfidenceDecayTest {
  static final long DAY = Duration.ofDays(1).toMillis();

  @Test
  void linearDecayHalvesAtHalfTheLifetimeAndEndsAtZero() {
    var p = new ConfidenceDecay.Parameters(Duration.ofDays(100), 1.0);
    assertThat(ConfidenceDecay.score(80, 0, p)).isEqualTo(80);
    assertThat(ConfidenceDecay.score(80, 50 * DAY, p)).isCloseTo(40, within(1e-9));
    assertThat(ConfidenceDecay.score(80, 100 * DAY, p)).isZero();
    assertThat(ConfidenceDecay.score(80, 1000 * DAY, p)).isZero();
  }

  @Test
  void slowSpeedKeepsTheScoreHighThenDropsLate() {
    var p = new ConfidenceDecay.Parameters(Duration.ofDays(30), 0.3);
    // 1 - 0.5^(1/0.3) = 0.9007...
    assertThat(ConfidenceDecay.score(100, 15 * DAY, p))
        .isCloseTo(100 * (1 - Math.pow(0.5, 1 / 0.3)), within(1e-9))
        .isGreaterThan(90);
    assertThat(ConfidenceDecay.score(100, 29 * DAY, p)).isLessThan(20);
  }

  @Test
  void aRecordOlderThanTheAnchorDecaysNothing() {
    var p = new ConfidenceDecay.Parameters(Duration.ofDays(30), 0.3);
    assertThat(ConfidenceDecay.score(70, -5 * DAY, p)).isEqualTo(70);
  }

  @Test
  void defaultsDifferByTypeAndOverridesKeepTheRest() {
    ConfidenceDecay d = ConfidenceDecay.defaults();
    assertThat(d.parameters(ObservableType.IPV4).lifetime()).isEqualTo(Duration.ofDays(30));
    assertThat(d.parameters(ObservableType.SHA256).speed()).isEqualTo(1.0);
    // An IP address decays faster than a hash over the same 20 days.
    assertThat(d.score(ObservableType.IPV4, 80, 20 * DAY))
        .isLessThan(d.score(ObservableType.SHA256, 80, 20 * DAY));

    ConfidenceDecay tuned = ConfidenceDecay.parse("ipv4=7d/1.0");
    assertThat(tuned.parameters(ObservableType.IPV4))
        .isEqualTo(new ConfidenceDecay.Parameters(Duration.ofDays(7), 1.0));
    assertThat(tuned.parameters(ObservableType.DOMAIN).lifetime()).isEqualTo(Duration.ofDays(180));
  }

  @Test
  void badSpecificationsNameTheEntry() {
    assertThatThrownBy(() -> ConfidenceDecay.parse("IPV4=30d/0.3,SHIP=3d/1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 2 'SHIP=3d/1'")
        .hasMessageContaining("unknown observable type");
    assertThatThrownBy(() -> ConfidenceDecay.parse("IPV4=30d"))
        .hasMessageContaining("entry 1")
        .hasMessageContaining("TYPE=lifetime/speed");
    assertThatThrownBy(() -> ConfidenceDecay.parse("IPV4=30d/-1"))
        .hasMessageContaining("speed must be a positive number");
    assertThatThrownBy(() -> ConfidenceDecay.parse("IPV4=0d/1"))
        .hasMessageContaining("lifetime must be positive");
  }
}
