package org.signalbox.jobs.trends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.trends.TrendFixtures.DAY1;
import static org.signalbox.jobs.trends.TrendFixtures.indicator;
import static org.signalbox.jobs.trends.TrendFixtures.sighting;
import static org.signalbox.jobs.trends.TrendFixtures.verdict;

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
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

class VerdictsBySourceTest {
  static final Duration RETENTION = Duration.ofDays(30);
  static final Instant PUBLISHED = DAY1.minus(Duration.ofHours(6));

  KeyedTwoInputStreamOperatorTestHarness<String, Feedback, IndicatorOrigin, TrendFact> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new VerdictsBySource(RETENTION),
            Feedback::getIndicatorId,
            o -> o.indicatorId,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  void say(String indicator, String member, FeedbackVerdict v, Instant at) throws Exception {
    harness.processElement1(
        new StreamRecord<>(verdict(indicator, member, v, at), at.toEpochMilli()));
  }

  void publish(String indicator, Instant version, String source) throws Exception {
    harness.processElement2(
        new StreamRecord<>(
            IndicatorOrigin.of(indicator(indicator, version, source)), version.toEpochMilli()));
  }

  void sighted(String indicator, Instant at) throws Exception {
    harness.processElement2(
        new StreamRecord<>(
            IndicatorOrigin.of(sighting(indicator, "m-x", Sector.RAIL, at, PUBLISHED)),
            at.toEpochMilli()));
  }

  /** The day facts (each verdict gives one per period). */
  List<TrendFact> dayFacts() {
    List<TrendFact> out =
        harness.extractOutputValues().stream().filter(f -> f.period == TrendPeriod.DAY).toList();
    harness.getOutput().clear();
    return out;
  }

  @Test
  void votesAreCountedOncePerMemberAndSourceAndTheStateGoes() throws Exception {
    publish("indicator--61000000-0000-4000-8000-000000000000", PUBLISHED, "cert-transport");
    Instant t = DAY1.plus(Duration.ofHours(3));
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-1",
        FeedbackVerdict.FALSE_POSITIVE,
        t);
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-2",
        FeedbackVerdict.FALSE_POSITIVE,
        t.plusSeconds(60));
    // m-1 says it again: received, not a second vote.
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-1",
        FeedbackVerdict.FALSE_POSITIVE,
        t.plusSeconds(120));
    // m-3 first says TRUE_POSITIVE, then changes its mind.
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-3",
        FeedbackVerdict.TRUE_POSITIVE,
        t.plusSeconds(180));
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-3",
        FeedbackVerdict.FALSE_POSITIVE,
        t.plusSeconds(240));
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-4",
        FeedbackVerdict.UNKNOWN,
        t.plusSeconds(300));

    // Held until the watermark passes the report time.
    assertThat(harness.extractOutputValues()).isEmpty();
    harness.processBothWatermarks(new Watermark(t.plusSeconds(300).toEpochMilli()));

    List<TrendFact> facts = dayFacts();
    assertThat(facts).hasSize(6);
    assertThat(facts)
        .allSatisfy(
            f -> {
              assertThat(f.metric).isEqualTo(TrendMetric.FEEDBACK_BY_SOURCE);
              assertThat(f.dimension).isEqualTo("cert-transport");
              assertThat(f.sector).isNull();
              assertThat(f.count).isEqualTo(1);
              // GREEN indicator, but a verdict is a member's statement: at least AMBER.
              assertThat(f.tlp).isEqualTo(Tlp.AMBER);
            });
    assertThat(facts.stream().mapToLong(f -> f.falsePositives).sum()).isEqualTo(3);
    assertThat(facts.stream().mapToLong(f -> f.truePositives).sum()).isEqualTo(1);
    assertThat(facts.stream().map(f -> f.member + f.falsePositives + f.truePositives))
        .containsExactly("m-110", "m-210", "m-100", "m-301", "m-310", "m-400");

    harness.processBothWatermarks(new Watermark(t.plus(RETENTION).plusSeconds(301).toEpochMilli()));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aVerdictWaitsForTheWatermarkSoAnIndicatorArrivingLaterStillNamesItsSource()
      throws Exception {
    Instant t = DAY1.plus(Duration.ofHours(3));
    say("indicator--62000000-0000-4000-8000-000000000000", "m-1", FeedbackVerdict.TRUE_POSITIVE, t);
    // The indicator record comes after the verdict, but its version is earlier.
    publish("indicator--62000000-0000-4000-8000-000000000000", PUBLISHED, "isac");
    harness.processBothWatermarks(new Watermark(t.toEpochMilli()));
    assertThat(dayFacts())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.metric).isEqualTo(TrendMetric.FEEDBACK_BY_SOURCE);
              assertThat(f.dimension).isEqualTo("isac");
              assertThat(f.truePositives).isEqualTo(1);
            });
  }

  @Test
  void aVerdictOnAnIndicatorNobodyHeardOfIsCountedAsSuchNotDropped() throws Exception {
    Instant t = DAY1.plus(Duration.ofHours(3));
    say(
        "indicator--67686f73-7400-4000-8000-000000000000",
        "m-1",
        FeedbackVerdict.FALSE_POSITIVE,
        t);
    harness.processBothWatermarks(new Watermark(t.toEpochMilli()));
    assertThat(dayFacts())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.metric).isEqualTo(TrendMetric.FEEDBACK_UNKNOWN_INDICATOR);
              assertThat(f.dimension).isEmpty();
              assertThat(f.falsePositives).isEqualTo(1);
              assertThat(f.tlp).isEqualTo(Tlp.AMBER);
            });
    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aSightingNamesTheSourceWhenTheIndicatorStreamDoesNotAndTheStreamOutranksIt()
      throws Exception {
    Instant t = DAY1.plus(Duration.ofHours(3));
    sighted(
        "indicator--63000000-0000-4000-8000-000000000000",
        t.minusSeconds(600)); // its indicatorSource is "isac"
    say(
        "indicator--63000000-0000-4000-8000-000000000000",
        "m-1",
        FeedbackVerdict.FALSE_POSITIVE,
        t);
    harness.processBothWatermarks(new Watermark(t.toEpochMilli()));
    assertThat(dayFacts()).singleElement().extracting(f -> f.dimension).isEqualTo("isac");

    publish("indicator--63000000-0000-4000-8000-000000000000", PUBLISHED, "cert-transport");
    say(
        "indicator--63000000-0000-4000-8000-000000000000",
        "m-2",
        FeedbackVerdict.FALSE_POSITIVE,
        t.plusSeconds(60));
    harness.processBothWatermarks(new Watermark(t.plusSeconds(60).toEpochMilli()));
    assertThat(dayFacts()).singleElement().extracting(f -> f.dimension).isEqualTo("cert-transport");
    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void withADirectoryEachVoteAlsoCountsInTheVotersSector() throws Exception {
    harness.close();
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new VerdictsBySource(
                RETENTION,
                TrendFixtures.directory(
                    TrendFixtures.member("m-rail", Sector.RAIL, 0),
                    TrendFixtures.member("m-air", Sector.AVIATION, 0))),
            Feedback::getIndicatorId,
            o -> o.indicatorId,
            Types.STRING);
    harness.open();
    publish("indicator--61000000-0000-4000-8000-000000000000", PUBLISHED, "isac");
    Instant t = DAY1.plus(Duration.ofHours(3));
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-rail",
        FeedbackVerdict.FALSE_POSITIVE,
        t);
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-air",
        FeedbackVerdict.TRUE_POSITIVE,
        t.plusSeconds(60));
    // Not in the directory: counted for all sectors only.
    say(
        "indicator--61000000-0000-4000-8000-000000000000",
        "m-stranger",
        FeedbackVerdict.FALSE_POSITIVE,
        t.plusSeconds(120));
    harness.processBothWatermarks(new Watermark(t.plusSeconds(120).toEpochMilli()));

    List<TrendFact> facts = dayFacts();
    assertThat(facts)
        .extracting(f -> f.sector + ":" + f.member + ":" + f.falsePositives + f.truePositives)
        .containsExactly(
            "null:m-rail:10",
            "RAIL:m-rail:10",
            "null:m-air:01",
            "AVIATION:m-air:01",
            "null:m-stranger:10");
  }
}
