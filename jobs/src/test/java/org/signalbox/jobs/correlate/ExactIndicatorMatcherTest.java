package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.probe;
import static org.signalbox.jobs.correlate.Fixtures.upsert;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

class ExactIndicatorMatcherTest {
  KeyedTwoInputStreamOperatorTestHarness<String, ObservableProbe, IndicatorChange, Sighting>
      harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new ExactIndicatorMatcher(true), p -> p.key, c -> c.key, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  void change(IndicatorChange c) throws Exception {
    harness.processElement2(new StreamRecord<>(c));
  }

  void send(ObservableProbe p) throws Exception {
    harness.processElement1(new StreamRecord<>(p));
  }

  List<Sighting> sightings() {
    List<Sighting> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  @Test
  void telemetryWaitsForTheIndicatorsToLoad() throws Exception {
    // The probe arrives before the index has loaded, and before the indicator itself.
    send(probe("e1", ObservableType.IPV4, "198.51.100.7", T0.plusSeconds(10)));
    assertThat(sightings()).isEmpty();
    change(
        upsert(
            indicator(
                    "indicator--61000000-0000-4000-8000-000000000000",
                    ObservableType.IPV4,
                    "198.51.100.7")
                .build()));

    harness.processBothWatermarks(new Watermark(T0.toEpochMilli()));

    assertThat(sightings())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getIndicatorId())
                  .isEqualTo("indicator--61000000-0000-4000-8000-000000000000");
              assertThat(s.getEventId()).isEqualTo("e1");
              assertThat(s.getEnrichment().getThreatActors()).containsExactly("RAILFOX");
            });
    // The waiting list is gone; only the index entry is left.
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void matchesOnlyInsideTheValidityWindowAndTakesTheStricterTlp() throws Exception {
    harness.processBothWatermarks(new Watermark(T0.toEpochMilli()));
    change(
        upsert(
            indicator(
                    "indicator--61000000-0000-4000-8000-000000000000",
                    ObservableType.DOMAIN,
                    "evil.example")
                .setValidFrom(T0.plusSeconds(100))
                .setValidUntil(T0.plusSeconds(200))
                .setTlp(Tlp.AMBER_STRICT)
                .build()));

    send(probe("before", ObservableType.DOMAIN, "evil.example", T0.plusSeconds(99)));
    send(probe("inside", ObservableType.DOMAIN, "evil.example", T0.plusSeconds(100)));
    send(probe("at-end", ObservableType.DOMAIN, "evil.example", T0.plusSeconds(200)));

    assertThat(sightings())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getEventId()).isEqualTo("inside");
              assertThat(s.getTlp()).isEqualTo(Tlp.AMBER_STRICT); // telemetry was GREEN
            });
  }

  @Test
  void revokedIndicatorStopsMatchingAndLeavesStateOnRemove() throws Exception {
    harness.processBothWatermarks(new Watermark(T0.toEpochMilli()));
    Indicator v1 =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build();
    IndicatorChange up = upsert(v1);
    long v2 = T0.plusSeconds(5).toEpochMilli();
    change(up);
    change(
        IndicatorChange.of(
            ChangeKind.TOMBSTONE,
            up.key,
            "indicator--61000000-0000-4000-8000-000000000000",
            v2,
            IndexTarget.EXACT,
            null));
    // A reordered older version must not bring it back.
    change(up);

    send(probe("e1", ObservableType.IPV4, "198.51.100.7", T0.plusSeconds(10)));
    assertThat(sightings()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // the withdrawal mark

    change(
        IndicatorChange.of(
            ChangeKind.REMOVE,
            up.key,
            "indicator--61000000-0000-4000-8000-000000000000",
            v2,
            IndexTarget.EXACT,
            null));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void expiryRemovalEmptiesTheKey() throws Exception {
    Indicator ind =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.SHA256,
                "a".repeat(64))
            .setValidUntil(T0.plus(Duration.ofDays(1)))
            .build();
    IndicatorChange up = upsert(ind);
    change(up);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    change(
        IndicatorChange.of(
            ChangeKind.REMOVE,
            up.key,
            "indicator--61000000-0000-4000-8000-000000000000",
            up.version,
            IndexTarget.EXACT,
            null));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void oneValueFromSeveralFeedsIsOneSightingWithMergedProvenance() throws Exception {
    harness.processBothWatermarks(new Watermark(T0.toEpochMilli()));
    change(
        upsert(
            indicator(
                    "indicator--69736163-0000-4000-8000-000000000000",
                    ObservableType.IPV4,
                    "198.51.100.7")
                .build()));
    change(
        upsert(
            indicator(
                    "indicator--63657274-0000-4000-8000-000000000000",
                    ObservableType.IPV4,
                    "198.51.100.7")
                .setSource("national-cert")
                .setConfidence(95)
                .setLabels(List.of("scanner"))
                .setContext(
                    org.signalbox.schema.IndicatorContext.newBuilder()
                        .setThreatActors(List.of("SKYHOOK"))
                        .build())
                .build()));
    change(
        upsert(
            indicator(
                    "indicator--70617274-6e65-4720-8000-000000000000",
                    ObservableType.IPV4,
                    "198.51.100.7")
                .setSource("partner-isac")
                .setConfidence(60)
                .build()));
    // Marked RED: naming it beside GREEN sources would take it past its marking.
    change(
        upsert(
            indicator(
                    "indicator--72656400-0000-4000-8000-000000000000",
                    ObservableType.IPV4,
                    "198.51.100.7")
                .setSource("member-x")
                .setTlp(Tlp.RED)
                .build()));

    send(probe("e1", ObservableType.IPV4, "198.51.100.7", T0.plusSeconds(10)));

    List<Sighting> out = sightings();
    assertThat(out).hasSize(2);
    Sighting green = out.stream().filter(s -> s.getTlp() == Tlp.GREEN).findFirst().orElseThrow();
    assertThat(green.getIndicatorId()).isEqualTo("indicator--63657274-0000-4000-8000-000000000000");
    assertThat(green.getIndicatorSource()).isEqualTo("national-cert");
    assertThat(green.getAlsoReportedBy()).containsExactly("isac", "partner-isac");
    assertThat(green.getMergedIndicatorIds())
        .containsExactly(
            "indicator--69736163-0000-4000-8000-000000000000",
            "indicator--70617274-6e65-4720-8000-000000000000");
    assertThat(green.getEnrichment().getThreatActors()).containsExactly("SKYHOOK", "RAILFOX");
    assertThat(green.getLabels()).containsExactly("scanner", "c2");
    Sighting red = out.stream().filter(s -> s.getTlp() == Tlp.RED).findFirst().orElseThrow();
    assertThat(red.getIndicatorId()).isEqualTo("indicator--72656400-0000-4000-8000-000000000000");
    assertThat(red.getAlsoReportedBy()).isEmpty();
    assertThat(red.getMergedIndicatorIds()).isEmpty();
  }
}
