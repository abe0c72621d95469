package org.signalbox.jobs.trends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.trends.TrendFixtures.DAY1;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;
import org.signalbox.schema.TrendRecord;

class TrendWindowTest {
  static final long T = DAY1.toEpochMilli();
  static final long DAY = Duration.ofDays(1).toMillis();

  KeyedOneInputStreamOperatorTestHarness<String, TrendFact, TrendRecord> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new TrendWindow(3), TrendFact::figureKey, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  void fact(TrendMetric metric, String member, long count, long at, Tlp tlp) throws Exception {
    harness.processElement(
        new StreamRecord<>(
            TrendFact.of(TrendPeriod.DAY, at, Sector.RAIL, metric, "", member, count, tlp), at));
  }

  List<TrendRecord> published() {
    List<TrendRecord> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  @Test
  void publishesTheSumAtTheEndOfTheWindowAndForgetsIt() throws Exception {
    fact(TrendMetric.SIGHTINGS, "m-1", 2, T + 10, Tlp.GREEN);
    fact(TrendMetric.SIGHTINGS, "m-2", 1, T + 20, Tlp.AMBER);
    fact(TrendMetric.SIGHTINGS, "m-3", 4, T + 30, Tlp.CLEAR);
    fact(TrendMetric.SIGHTINGS, "m-3", 1, T + 40, Tlp.CLEAR);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    harness.processWatermark(new Watermark(T + DAY - 2));
    assertThat(published()).isEmpty();

    harness.processWatermark(new Watermark(T + DAY - 1));
    assertThat(published())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(8L);
              assertThat(r.getMembers()).isEqualTo(3);
              assertThat(r.getTlp()).isEqualTo(Tlp.AMBER);
              assertThat(r.getWindowStart()).isEqualTo(DAY1);
              assertThat(r.getWindowEnd()).isEqualTo(DAY1.plus(Duration.ofDays(1)));
              assertThat(r.getSector()).isEqualTo(Sector.RAIL);
              assertThat(r.getMinMembers()).isEqualTo(3);
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void weeksStartOnMondayUtc() {
    long wednesday = java.time.Instant.parse("2026-11-04T15:00:00Z").toEpochMilli();
    assertThat(TrendWindows.start(TrendPeriod.WEEK, wednesday))
        .isEqualTo(java.time.Instant.parse("2026-11-02T00:00:00Z").toEpochMilli());
    assertThat(TrendWindows.end(TrendPeriod.WEEK, wednesday))
        .isEqualTo(java.time.Instant.parse("2026-11-09T00:00:00Z").toEpochMilli());
    long sundayNight = java.time.Instant.parse("2026-11-08T23:59:59Z").toEpochMilli();
    assertThat(TrendWindows.start(TrendPeriod.WEEK, sundayNight))
        .isEqualTo(TrendWindows.start(TrendPeriod.WEEK, wednesday));
    assertThat(TrendWindows.start(TrendPeriod.DAY, wednesday))
        .isEqualTo(java.time.Instant.parse("2026-11-04T00:00:00Z").toEpochMilli());
  }

  @Test
  void suppressesAFigureFromFewerThanKMembers() throws Exception {
    fact(TrendMetric.SIGHTINGS, "m-1", 50, T, Tlp.GREEN);
    fact(TrendMetric.SIGHTINGS, "m-2", 1, T, Tlp.GREEN);
    harness.processWatermark(new Watermark(T + DAY));

    assertThat(published())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isTrue();
              assertThat(r.getValue()).isNull();
              assertThat(r.getMembers()).isNull();
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void memberVolumeNamesItsMemberAndIsNotSuppressed() throws Exception {
    fact(TrendMetric.MEMBER_VOLUME, "m-1", 7, T, Tlp.GREEN);
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(7L);
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void participationCountsDistinctMembers() throws Exception {
    for (String m : new String[] {"m-1", "m-2", "m-2", "m-3", "m-4"}) {
      fact(TrendMetric.PARTICIPATION, m, 0, T, Tlp.GREEN);
    }
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published()).singleElement().extracting(TrendRecord::getValue).isEqualTo(4L);
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void timeToFirstSightingGivesMedianAndP90() throws Exception {
    long hour = Duration.ofHours(1).toMillis();
    for (int i = 1; i <= 10; i++) {
      TrendFact f =
          TrendFact.of(
              TrendPeriod.DAY,
              T,
              null,
              TrendMetric.TIME_TO_FIRST_SIGHTING,
              "",
              "m-" + i,
              1,
              Tlp.GREEN);
      f.latencyMillis = i * hour;
      harness.processElement(new StreamRecord<>(f, T));
    }
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getValue()).isEqualTo(10L);
              assertThat(r.getMedianMillis()).isEqualTo(5 * hour);
              assertThat(r.getP90Millis()).isEqualTo(9 * hour);
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aFactForAnAlreadyPublishedWindowIsLateNotASecondFigure() throws Exception {
    fact(TrendMetric.SIGHTINGS, "m-1", 1, T, Tlp.GREEN);
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published()).hasSize(1);

    fact(TrendMetric.SIGHTINGS, "m-2", 1, T + 5, Tlp.GREEN);
    harness.processWatermark(new Watermark(T + 2 * DAY));

    assertThat(published()).isEmpty();
    assertThat(harness.getSideOutput(TrendWindow.LATE)).hasSize(1);
    assertThat(harness.numKeyedStateEntries()).isZero();
  }
}
