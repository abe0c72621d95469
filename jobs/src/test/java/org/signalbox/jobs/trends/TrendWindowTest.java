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
import org.signalbox.jobs.sharing.MemberDirectory;
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
  void firstSightingsInTelemetryOlderThanTheIndicatorKeepTheirNegativeTime() throws Exception {
    // Real shape: 2018 telemetry matched by indicators published about 7.7 years later.
    long years77 = Duration.ofDays(2812).toMillis();
    long[] latencies = {-years77, -years77 + DAY, -years77 + 2 * DAY, 0};
    for (int i = 0; i < latencies.length; i++) {
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
      f.latencyMillis = latencies[i];
      harness.processElement(new StreamRecord<>(f, T));
    }
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getValue()).isEqualTo(4L);
              assertThat(r.getMedianMillis()).isEqualTo(-years77 + DAY);
              assertThat(r.getP90Millis()).isZero();
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

  KeyedOneInputStreamOperatorTestHarness<String, TrendFact, TrendRecord> withDirectory(
      MemberDirectory directory) throws Exception {
    harness.close();
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new TrendWindow(3, directory), TrendFact::figureKey, Types.STRING);
    harness.open();
    return harness;
  }

  void fact(TrendPeriod p, Sector sector, TrendMetric metric, String dimension, String member)
      throws Exception {
    harness.processElement(
        new StreamRecord<>(TrendFact.of(p, T, sector, metric, dimension, member, 1, Tlp.GREEN), T));
  }

  void verdictFact(String member, long fp, long tp) throws Exception {
    TrendFact f =
        TrendFact.of(
            TrendPeriod.DAY, T, null, TrendMetric.FEEDBACK_BY_SOURCE, "isac", member, 1, Tlp.AMBER);
    f.falsePositives = fp;
    f.truePositives = tp;
    harness.processElement(new StreamRecord<>(f, T));
  }

  @Test
  void falsePositiveRateIsFalseOverFalsePlusTrueVotes() throws Exception {
    verdictFact("m-1", 1, 0);
    verdictFact("m-2", 1, 0);
    verdictFact("m-2", 0, 0); // a repeat: received, no vote
    verdictFact("m-3", 0, 1);
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(4L);
              assertThat(r.getMembers()).isEqualTo(3);
              assertThat(r.getFalsePositives()).isEqualTo(2L);
              assertThat(r.getTruePositives()).isEqualTo(1L);
              assertThat(r.getRatio())
                  .isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void verdictsFromFewerThanKMembersAreSuppressedWithoutNumbers() throws Exception {
    verdictFact("m-1", 1, 0);
    verdictFact("m-1", 0, 0);
    verdictFact("m-2", 1, 0);
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isTrue();
              assertThat(r.getValue()).isNull();
              assertThat(r.getFalsePositives()).isNull();
              assertThat(r.getTruePositives()).isNull();
              assertThat(r.getRatio()).isNull();
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void loadIsComparedWithTheDirectorysCapacityAndNamesTheMember() throws Exception {
    withDirectory(
        TrendFixtures.directory(
            TrendFixtures.member("m-1", Sector.RAIL, 4),
            TrendFixtures.member("m-2", Sector.RAIL, 0)));
    for (int i = 0; i < 5; i++) {
      fact(TrendPeriod.DAY, Sector.RAIL, TrendMetric.MEMBER_LOAD, "m-1", "m-1");
    }
    fact(TrendPeriod.DAY, Sector.RAIL, TrendMetric.MEMBER_LOAD, "m-2", "m-2");
    harness.processWatermark(new Watermark(T + DAY));
    List<TrendRecord> out = published();
    assertThat(out)
        .filteredOn(r -> r.getDimension().equals("m-1"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isFalse(); // one member, named on purpose
              assertThat(r.getValue()).isEqualTo(5L);
              assertThat(r.getCapacity()).isEqualTo(4L);
              assertThat(r.getRatio()).isEqualTo(1.25);
            });
    assertThat(out)
        .filteredOn(r -> r.getDimension().equals("m-2"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getCapacity()).isNull();
              assertThat(r.getRatio()).isNull();
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void membersOverCapacityCountsAmongMembersWithACapacityAndAppliesK() throws Exception {
    withDirectory(
        TrendFixtures.directory(
            TrendFixtures.member("m-1", Sector.RAIL, 2),
            TrendFixtures.member("m-2", Sector.RAIL, 2),
            TrendFixtures.member("m-3", Sector.RAIL, 10),
            TrendFixtures.member("m-4", Sector.AVIATION, 1)));
    for (String m : new String[] {"m-1", "m-1", "m-1", "m-2", "m-2", "m-3"}) {
      fact(TrendPeriod.DAY, null, TrendMetric.MEMBERS_OVER_CAPACITY, "", m);
    }
    fact(TrendPeriod.DAY, Sector.AVIATION, TrendMetric.MEMBERS_OVER_CAPACITY, "", "m-4");
    fact(TrendPeriod.DAY, Sector.AVIATION, TrendMetric.MEMBERS_OVER_CAPACITY, "", "m-4");
    harness.processWatermark(new Watermark(T + DAY));
    List<TrendRecord> out = published();
    assertThat(out)
        .filteredOn(r -> r.getSector() == null)
        .singleElement()
        .satisfies(
            r -> {
              // m-1 has 3 records against 2; m-2 has exactly its capacity, which is not over.
              assertThat(r.getValue()).isEqualTo(1L);
              assertThat(r.getMembers()).isEqualTo(3);
            });
    assertThat(out)
        .filteredOn(r -> r.getSector() == Sector.AVIATION)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isTrue(); // one member compared
              assertThat(r.getValue()).isNull();
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void consumerOnlyIsTheDirectoryMinusItsContributorsAndFollowsTheirSuppression() throws Exception {
    withDirectory(
        TrendFixtures.directory(
            TrendFixtures.member("r-1", Sector.RAIL, 0),
            TrendFixtures.member("r-2", Sector.RAIL, 0),
            TrendFixtures.member("r-3", Sector.RAIL, 0),
            TrendFixtures.member("r-4", Sector.RAIL, 0),
            TrendFixtures.member("a-1", Sector.AVIATION, 0),
            TrendFixtures.member("a-2", Sector.AVIATION, 0),
            TrendFixtures.member("l-1", Sector.LOGISTICS, 0)));
    // r-1..r-3 and a-1 contributed; "outsider" is not in the directory.
    for (String m : new String[] {"r-1", "r-2", "r-3", "r-3", "a-1", "outsider"}) {
      fact(TrendPeriod.DAY, null, TrendMetric.PARTICIPATION, Contributions.CONTRIBUTORS, m);
    }
    harness.processWatermark(new Watermark(T + DAY));
    List<TrendRecord> out = published();
    assertThat(out)
        .filteredOn(r -> r.getDimension().equals(Contributions.CONTRIBUTORS))
        .singleElement()
        .extracting(TrendRecord::getValue)
        .isEqualTo(5L);
    List<TrendRecord> consumers =
        out.stream().filter(r -> r.getDimension().equals(Contributions.CONSUMER_ONLY)).toList();
    assertThat(consumers)
        .filteredOn(r -> r.getSector() == null)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(3L); // r-4, a-2, l-1
              assertThat(r.getMembers()).isEqualTo(7);
              assertThat(r.getMetric()).isEqualTo(TrendMetric.PARTICIPATION);
              assertThat(r.getWindowStart()).isEqualTo(DAY1);
            });
    assertThat(consumers)
        .filteredOn(r -> r.getSector() == Sector.RAIL)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(1L);
            });
    // One aviation contributor, none in logistics: publishing "1 of 2" or "1 of 1" would give
    // the contributor count away.
    assertThat(consumers)
        .filteredOn(r -> r.getSector() == Sector.AVIATION || r.getSector() == Sector.LOGISTICS)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.getSuppressed()).isTrue();
              assertThat(r.getValue()).isNull();
            });
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void withoutADirectoryThereIsNoConsumerOnlyFigure() throws Exception {
    for (String m : new String[] {"r-1", "r-2", "r-3"}) {
      fact(TrendPeriod.DAY, null, TrendMetric.PARTICIPATION, Contributions.CONTRIBUTORS, m);
    }
    harness.processWatermark(new Watermark(T + DAY));
    assertThat(published())
        .singleElement()
        .extracting(TrendRecord::getDimension)
        .isEqualTo(Contributions.CONTRIBUTORS);
  }
}
