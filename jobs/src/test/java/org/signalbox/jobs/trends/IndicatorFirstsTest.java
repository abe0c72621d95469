package org.signalbox.jobs.trends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.trends.TrendFixtures.DAY1;
import static org.signalbox.jobs.trends.TrendFixtures.indicator;
import static org.signalbox.jobs.trends.TrendFixtures.sighting;

import java.time.Duration;
import java.time.Instant;
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
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendMetric;

class IndicatorFirstsTest {
  static final Duration RETENTION = Duration.ofDays(30);
  static final Instant PUBLISHED = DAY1.minus(Duration.ofHours(6));

  KeyedTwoInputStreamOperatorTestHarness<String, Sighting, Indicator, TrendFact> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new IndicatorFirsts(RETENTION),
            Sighting::getIndicatorId,
            Indicator::getId,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  void see(String member, Instant at) throws Exception {
    harness.processElement1(
        new StreamRecord<>(
            sighting(
                "indicator--61000000-0000-4000-8000-000000000000",
                member,
                Sector.RAIL,
                at,
                PUBLISHED.plus(Duration.ofHours(2))),
            at.toEpochMilli()));
  }

  void publish(Instant version, String source) throws Exception {
    harness.processElement2(
        new StreamRecord<>(
            indicator("indicator--61000000-0000-4000-8000-000000000000", version, source),
            version.toEpochMilli()));
  }

  List<TrendFact> facts() {
    List<TrendFact> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  @Test
  void theEarliestSightingCountsOnceTheWatermarkPassesIt() throws Exception {
    publish(PUBLISHED, "cert-transport");
    assertThat(facts())
        .hasSize(3) // hour, day and week
        .allSatisfy(
            f -> {
              assertThat(f.metric).isEqualTo(TrendMetric.INDICATORS_PUBLISHED);
              assertThat(f.dimension).isEqualTo("cert-transport");
              assertThat(f.member).isNull();
            });
    // A newer version is an update, not a publication.
    publish(PUBLISHED.plus(Duration.ofHours(2)), "cert-transport");
    assertThat(facts()).isEmpty();

    // Out of order: the later sighting arrives first.
    see("m-2", DAY1.plus(Duration.ofHours(3)));
    see("m-1", DAY1.plus(Duration.ofHours(1)));
    assertThat(facts()).isEmpty();

    harness.processBothWatermarks(new Watermark(DAY1.plus(Duration.ofHours(5)).toEpochMilli()));
    List<TrendFact> first = facts();
    assertThat(first)
        .hasSize(6) // hour, day and week; rail and all sectors
        .allSatisfy(
            f -> {
              assertThat(f.metric).isEqualTo(TrendMetric.TIME_TO_FIRST_SIGHTING);
              assertThat(f.member).isEqualTo("m-1");
              // From the first version (not the updated one the sighting matched): 7 hours.
              assertThat(f.latencyMillis).isEqualTo(Duration.ofHours(7).toMillis());
            });

    see("m-3", DAY1.plus(Duration.ofHours(8)));
    harness.processBothWatermarks(new Watermark(DAY1.plus(Duration.ofDays(1)).toEpochMilli()));
    assertThat(facts()).as("only the first sighting counts").isEmpty();

    // After the retention without activity, the indicator is forgotten.
    harness.processBothWatermarks(
        new Watermark(DAY1.plus(Duration.ofHours(8)).plus(RETENTION).toEpochMilli()));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aRetroSightingCountsFromItsFirstSeenAsNegativeTimeToDetect() throws Exception {
    publish(PUBLISHED, "cert-transport");
    facts();
    Instant firstSeen = PUBLISHED.minus(Duration.ofDays(3));
    Instant lastSeen = PUBLISHED.minus(Duration.ofDays(1));
    Sighting retro =
        Sighting.newBuilder(
                sighting(
                    "indicator--61000000-0000-4000-8000-000000000000",
                    "m-1",
                    Sector.RAIL,
                    lastSeen,
                    PUBLISHED))
            .setRetro(true)
            .setFirstSeen(firstSeen)
            .setLastSeen(lastSeen)
            .setCount(4)
            .build();
    harness.processElement1(new StreamRecord<>(retro, lastSeen.toEpochMilli()));
    harness.processBothWatermarks(new Watermark(PUBLISHED.toEpochMilli()));
    assertThat(facts())
        .hasSize(6)
        .allSatisfy(
            f -> {
              assertThat(f.metric).isEqualTo(TrendMetric.TIME_TO_FIRST_SIGHTING);
              // Unseen for three days before the publication.
              assertThat(f.latencyMillis).isEqualTo(-Duration.ofDays(3).toMillis());
            });
  }

  @Test
  void withoutTheIndicatorTheMatchedVersionStandsInAndTelemetryOlderThanItIsNegative()
      throws Exception {
    // The matched version is PUBLISHED + 2 h; the telemetry is an hour older than that.
    see("m-1", PUBLISHED.plus(Duration.ofHours(1)));
    harness.processBothWatermarks(
        new Watermark(DAY1.plus(RETENTION).plus(Duration.ofDays(1)).toEpochMilli()));
    assertThat(facts())
        .filteredOn(f -> f.metric == TrendMetric.TIME_TO_FIRST_SIGHTING)
        .hasSize(6)
        .allSatisfy(f -> assertThat(f.latencyMillis).isEqualTo(-Duration.ofHours(1).toMillis()));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
