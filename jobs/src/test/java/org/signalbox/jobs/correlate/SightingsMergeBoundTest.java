package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/** A value carried by tens of thousands of indicators still makes one sighting that fits. */
class SightingsMergeBoundTest {

  @Test
  void thirtyThousandIndicatorsOfOneValueMakeOneBoundedSighting() {
    List<Indicator> matches = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      matches.add(
          Fixtures.indicator(
                  "indicator--" + UUID.nameUUIDFromBytes(("i" + i).getBytes()),
                  ObservableType.DOMAIN,
                  "hot.example")
              .setSource("feed-" + i)
              .setLabels(List.of("label-" + i))
              .build());
    }
    ObservableProbe probe =
        Fixtures.probe(
            "e1", ObservableType.DOMAIN, "hot.example", Instant.parse("2026-11-02T00:00:00Z"));
    List<Sighting> out = new ArrayList<>();

    Sightings.emit(probe, matches, 0L, out::add);

    assertThat(out).hasSize(1);
    Sighting s = out.get(0);
    assertThat(s.getMergedIndicatorIds()).hasSize(Sightings.MAX_MERGED);
    assertThat(s.getMergedIndicatorsOmitted()).isEqualTo(30_000 - 1 - Sightings.MAX_MERGED);
    assertThat(s.getAlsoReportedBy()).hasSize(Sightings.MAX_MERGED);
    assertThat(s.getLabels()).hasSizeLessThanOrEqualTo(Sightings.MAX_MERGED);
    assertThat(s.getMergedIndicatorIds()).doesNotContain(s.getIndicatorId());
    assertThat(AvroCodec.sighting().encode(s).length).isLessThan(64 * 1024);
  }

  @Test
  void aSmallMergeLeavesNothingOut() {
    List<Indicator> matches =
        List.of(
            Fixtures.indicator(
                    "indicator--" + UUID.nameUUIDFromBytes("a".getBytes()),
                    ObservableType.DOMAIN,
                    "x.example")
                .build(),
            Fixtures.indicator(
                    "indicator--" + UUID.nameUUIDFromBytes("b".getBytes()),
                    ObservableType.DOMAIN,
                    "x.example")
                .setSource("other")
                .build());
    List<Sighting> out = new ArrayList<>();

    Sightings.emit(
        Fixtures.probe("e1", ObservableType.DOMAIN, "x.example", Fixtures.T0.plusSeconds(5)),
        matches,
        0L,
        out::add);

    assertThat(out).hasSize(1);
    assertThat(out.get(0).getMergedIndicatorIds()).hasSize(1);
    assertThat(out.get(0).getMergedIndicatorsOmitted()).isZero();
    assertThat(out.get(0).getAlsoReportedBy()).containsExactly("other");
  }
}
