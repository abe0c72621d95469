package org.signalbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndicatorIdsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "indicator--0b71628d-31dd-4eb8-baee-39f19c0a14b0",
        "indicator--6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        // RFC 9562 version 7 (time-ordered), as newer feeds write them.
        "indicator--01932c07-a6b1-7cc3-9f4e-3b8d2a1c5e60"
      })
  void stixIdsWithRfc4122UuidsAreValid(String id) {
    assertThat(IndicatorIds.problem(id)).isEmpty();
    assertThat(IndicatorIds.canonical(id)).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x",
        "",
        "indicator--",
        "indicator--c2",
        "indicator--../../etc/passwd",
        "indicator--../../../../../../../../../../../../../../../../../../../etc/passwd",
        "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f0000",
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3g",
        "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f",
        "indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f",
        "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F",
        " indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
      })
  void everythingElseIsInvalidWithAReason(String id) {
    assertThat(IndicatorIds.problem(id)).isPresent();
    assertThat(IndicatorIds.isValid(id)).isFalse();
  }

  @Test
  void feedsMayWriteUppercaseHexWhichImportersLowercase() {
    assertThat(IndicatorIds.canonical("indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"))
        .isEqualTo("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    assertThat(IndicatorIds.ofUuid("8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"))
        .isEqualTo("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    assertThatThrownBy(() -> IndicatorIds.ofUuid("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indicator--<RFC 4122 UUID>");
  }

  @Test
  void generatedIdsAreValid() {
    assertThat(IndicatorIds.named("c2")).isEqualTo(IndicatorIds.named("c2"));
    assertThat(IndicatorIds.isValid(IndicatorIds.named("c2"))).isTrue();
    assertThat(IndicatorIds.spelled("c2"))
        .isEqualTo("indicator--63320000-0000-4000-8000-000000000000");
    assertThat(IndicatorIds.spelled("a")).isLessThan(IndicatorIds.spelled("b"));
    assertThat(IndicatorIds.spelled("p8")).isLessThan(IndicatorIds.spelled("p80"));
    assertThat(IndicatorIds.isValid(IndicatorIds.spelled("does-not-exist!"))).isTrue();
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 1000; i++) {
      String id = IndicatorIds.random(r.nextLong(), r.nextLong());
      assertThat(IndicatorIds.problem(id)).as(id).isEmpty();
      assertThat(UUID.fromString(id.substring(11)).version()).isEqualTo(4);
    }
  }
}
