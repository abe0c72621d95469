package org.signalbox.jobs.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

class IndicatorScorerTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Duration IDLE = Duration.ofDays(10);
  static final Duration GRACE = Duration.ofHours(1);
  static final String IND = "indicator--61000000-0000-4000-8000-000000000000";

  KeyedTwoInputStreamOperatorTestHarness<String, Sighting, ReceivedFeedback, IndicatorScore>
      harness;

  @BeforeEach
  void setUp() throws Exception {
    // Linear decay over 100 days for domains keeps the arithmetic checkable by hand.
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(
                new IndicatorScorer(
                    ConfidenceDecay.parse("DOMAIN=100d/1.0"), 2, 25, 10, 20, IDLE, GRACE)),
            Sighting::getIndicatorId,
            ReceivedFeedback::indicatorId,
            Types.STRING);
    harness.open();
    harness.setProcessingTime(1_000);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  static Sighting sighting(String member, Duration after, int confidence) {
    Instant t = T0.plus(after);
    return Sighting.newBuilder()
        .setSightingId("sighting--" + member + after.toMillis())
        .setIndicatorId(IND)
        .setIndicatorVersion(T0)
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(Sector.RAIL)
        .setSourceType("zeek.dns")
        .setEventId("event")
        .setEventTime(t)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("c2.example")
        .setRole(ObservableRole.QUERY)
        .setTlp(Tlp.GREEN)
        .setConfidence(confidence)
        .setIndicatorSource("cert-rail")
        .setEnrichment(IndicatorContext.newBuilder().build())
        .setDetectedAt(t)
        .build();
  }

  /** A verdict as read from its member's topic, at offset 7 of partition 2. */
  static ReceivedFeedback feedback(
      String member, String indicator, FeedbackVerdict v, Duration after) {
    return new ReceivedFeedback(
        Feedback.newBuilder()
            .setMember(member)
            .setIndicatorId(indicator)
            .setVerdict(v)
            .setReportedAt(T0.plus(after))
            .build(),
        "feedback." + member,
        2,
        7);
  }

  List<IndicatorScore> drain() {
    List<IndicatorScore> out =
        harness.extractOutputValues().stream()
            .filter(IndicatorScore.class::isInstance)
            .map(IndicatorScore.class::cast)
            .collect(Collectors.toList());
    harness.getOutput().clear();
    return out;
  }

  List<Sighting> alerting() {
    var q = harness.getSideOutput(IndicatorScorer.ALERTING);
    return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void sightingsRaiseTimeDecaysAndFalsePositivesLowerUntilAlertingStops() throws Exception {
    harness.processElement1(new StreamRecord<>(sighting("m-1", Duration.ZERO, 40)));
    IndicatorScore first = drain().get(0);
    assertThat(first.getReason()).isEqualTo("first-sighting");
    assertThat(first.getScore()).isEqualTo(40);
    assertThat(first.getBaseConfidence()).isEqualTo(40);
    assertThat(first.getSource()).isEqualTo("cert-rail");
    assertThat(first.getAlerting()).isTrue();

    // Ten days later: 40 * (1 - 10/100) = 36, plus the sighting step 2.
    harness.processElement1(new StreamRecord<>(sighting("m-2", Duration.ofDays(10), 40)));
    IndicatorScore second = drain().get(0);
    assertThat(second.getReason()).isEqualTo("sighting");
    assertThat(second.getScore()).isCloseTo(38, within(1e-9));
    assertThat(second.getSightings()).isEqualTo(2);

    harness.processElement2(
        new StreamRecord<>(
            feedback("m-2", IND, FeedbackVerdict.FALSE_POSITIVE, Duration.ofDays(10))));
    IndicatorScore lowered = drain().get(0);
    assertThat(lowered.getReason()).isEqualTo("false-positive");
    assertThat(lowered.getScore()).isCloseTo(13, within(1e-9));
    assertThat(lowered.getFalsePositives()).isEqualTo(1);
    assertThat(lowered.getAlerting()).isFalse();

    // Muted: the sighting is counted and scored but neither raises nor reaches detection.
    harness.processElement1(new StreamRecord<>(sighting("m-3", Duration.ofDays(10), 40)));
    IndicatorScore muted = drain().get(0);
    assertThat(muted.getReason()).isEqualTo("sighting-muted-by-feedback");
    assertThat(muted.getScore()).isCloseTo(13, within(1e-9));
    assertThat(muted.getAlerting()).isFalse();
    assertThat(alerting()).extracting(Sighting::getMember).containsExactly("m-1", "m-2");
  }

  @Test
  void aMemberVotesOnceAndMayChangeItsMind() throws Exception {
    harness.processElement1(new StreamRecord<>(sighting("m-1", Duration.ZERO, 90)));
    drain();
    var fp = feedback("m-2", IND, FeedbackVerdict.FALSE_POSITIVE, Duration.ZERO);
    harness.processElement2(new StreamRecord<>(fp));
    harness.processElement2(new StreamRecord<>(fp));
    harness.processElement2(new StreamRecord<>(fp));
    List<IndicatorScore> out = drain();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getScore()).isEqualTo(65);

    harness.processElement2(
        new StreamRecord<>(feedback("m-2", IND, FeedbackVerdict.TRUE_POSITIVE, Duration.ZERO)));
    IndicatorScore changed = drain().get(0);
    assertThat(changed.getReason()).isEqualTo("true-positive");
    assertThat(changed.getScore()).isEqualTo(75);
    assertThat(changed.getFalsePositives()).isZero();
    assertThat(changed.getTruePositives()).isEqualTo(1);
  }

  @Test
  void scoresAreCappedAt100() throws Exception {
    harness.processElement1(new StreamRecord<>(sighting("m-1", Duration.ZERO, 99)));
    harness.processElement1(new StreamRecord<>(sighting("m-2", Duration.ZERO, 99)));
    harness.processElement2(
        new StreamRecord<>(feedback("m-2", IND, FeedbackVerdict.TRUE_POSITIVE, Duration.ZERO)));
    assertThat(drain()).extracting(IndicatorScore::getScore).containsExactly(99.0, 100.0, 100.0);
  }

  @Test
  void feedbackBeforeTheFirstSightingWaitsForIt() throws Exception {
    harness.processElement2(
        new StreamRecord<>(feedback("m-2", IND, FeedbackVerdict.FALSE_POSITIVE, Duration.ZERO)));
    assertThat(drain()).isEmpty();
    harness.processElement1(new StreamRecord<>(sighting("m-1", Duration.ZERO, 60)));
    assertThat(drain())
        .extracting(IndicatorScore::getReason, IndicatorScore::getScore)
        .containsExactly(tuple("first-sighting", 60.0), tuple("false-positive", 35.0));
    // The grace timer finds a known indicator and does nothing to it.
    harness.setProcessingTime(1_000 + GRACE.toMillis());
    assertThat(harness.getSideOutput(DeadLetters.TAG)).isNull();
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void feedbackOnAnUnknownIndicatorIsADeadLetterAfterTheGraceAndLeavesNoState() throws Exception {
    harness.processElement2(
        new StreamRecord<>(
            feedback(
                "m-1",
                "indicator--6e6f7065-0000-4000-8000-000000000000",
                FeedbackVerdict.FALSE_POSITIVE,
                Duration.ZERO)));
    assertThat(drain()).isEmpty();
    assertThat(harness.getSideOutput(DeadLetters.TAG)).isNull();

    harness.setProcessingTime(1_000 + GRACE.toMillis());
    List<DeadLetter> dead =
        harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getReason()).isEqualTo("unknown-indicator");
    assertThat(dead.get(0).getError())
        .contains("m-1")
        .contains("indicator--6e6f7065-0000-4000-8000-000000000000");
    assertThat(dead.get(0).getRaw()).isNotNull();
    // The dead letter points at the verdict's own record, like every other dead letter.
    assertThat(dead.get(0).getOriginTopic()).isEqualTo("feedback.m-1");
    assertThat(dead.get(0).getPartition()).isEqualTo(2);
    assertThat(dead.get(0).getOffset()).isEqualTo(7);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void theEndOfABoundedInputTurnsWaitingVerdictsIntoDeadLetters() throws Exception {
    harness.processElement2(
        new StreamRecord<>(
            feedback(
                "m-1",
                "indicator--6e6f7065-0000-4000-8000-000000000000",
                FeedbackVerdict.FALSE_POSITIVE,
                Duration.ZERO)));
    harness.processBothWatermarks(
        new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
    assertThat(harness.getSideOutput(DeadLetters.TAG)).hasSize(1);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void idleIndicatorsAreForgottenAndTheirTimersGone() throws Exception {
    harness.processElement1(new StreamRecord<>(sighting("m-1", Duration.ZERO, 50)));
    harness.processElement2(
        new StreamRecord<>(feedback("m-2", IND, FeedbackVerdict.TRUE_POSITIVE, Duration.ZERO)));
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    // Touched again halfway: the first timer only moves the cleanup forward.
    harness.setProcessingTime(1_000 + IDLE.toMillis() / 2);
    harness.processElement1(new StreamRecord<>(sighting("m-1", Duration.ofDays(1), 50)));
    harness.setProcessingTime(1_000 + IDLE.toMillis());
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(1_000 + IDLE.toMillis() / 2 + IDLE.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }
}
