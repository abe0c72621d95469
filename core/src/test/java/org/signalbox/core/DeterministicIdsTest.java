package org.signalbox.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeterministicIdsTest {
  @Test
  void aNameAlwaysGivesTheSameVersion5IdAndDifferentNamesDifferentOnes() {
    UUID a = DeterministicIds.uuid("signalbox-member:rail-a");
    assertThat(DeterministicIds.uuid("signalbox-member:rail-a")).isEqualTo(a);
    assertThat(DeterministicIds.uuid("signalbox-member:rail-b")).isNotEqualTo(a);
    assertThat(a.version()).isEqualTo(5);
    assertThat(a.variant()).isEqualTo(2);
    assertThat(DeterministicIds.of("identity", "signalbox-member:rail-a"))
        .isEqualTo("identity--" + a);
    assertThat(IndicatorIds.named("x")).isEqualTo(DeterministicIds.of("indicator", "x"));
  }

  @Test
  void itIsTheRfc4122Version5OfTheNameInSignalboxsNamespace() {
    // Computed independently: Python's uuid.uuid5(NAMESPACE, "rail-a").
    assertThat(DeterministicIds.uuid("rail-a").toString()).isEqualTo(PYTHON_UUID5_OF_RAIL_A);
  }

  static final String PYTHON_UUID5_OF_RAIL_A = "c1def368-3818-5b58-9955-9150a462cec6";
}
