package org.signalbox.jobs.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.Sector;
import org.signalbox.schema.support.AvroCodec;

class FeedbackDecoderTest {
  static final Instant NOW = Instant.ofEpochMilli(1_800_000_000_000L);

  static final MemberDirectory DIRECTORY =
      new MemberDirectory(
          "isac",
          Set.of(),
          List.of(
              new MemberDirectory.Member("rail-a", Sector.RAIL, Set.of(), false, 0),
              new MemberDirectory.Member("rail-b", Sector.RAIL, Set.of(), false, 0)));

  static Feedback verdict(String member, Instant at) {
    return Feedback.newBuilder()
        .setMember(member)
        .setIndicatorId("indicator--61000000-0000-4000-8000-000000000000")
        .setVerdict(FeedbackVerdict.FALSE_POSITIVE)
        .setReportedAt(at)
        .build();
  }

  @Test
  void aVerdictCountsOnlyFromItsOwnMembersTopic() throws Exception {
    AvroCodec<Feedback> codec = AvroCodec.feedback();
    record In(String topic, byte[] value) {}
    List<In> input =
        List.of(
            new In("feedback.rail-a", codec.encode(verdict("rail-a", NOW))),
            new In("feedback.rail-a", codec.encode(verdict("rail-b", NOW))),
            new In("feedback.ghost", codec.encode(verdict("ghost", NOW))),
            new In("verdicts", codec.encode(verdict("rail-a", NOW))),
            new In(
                "feedback.rail-b", codec.encode(verdict("rail-b", NOW.plus(Duration.ofDays(3))))),
            new In("feedback.rail-b", "garbage".getBytes(StandardCharsets.UTF_8)));
    try (var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new FeedbackDecoder(DIRECTORY, Duration.ofDays(1))))) {
      harness.open();
      harness.setProcessingTime(NOW.toEpochMilli());
      long offset = 0;
      for (In in : input) {
        harness.processElement(
            new StreamRecord<>(new RawRecord(in.topic(), 0, offset++, 0, null, in.value())));
      }

      List<ReceivedFeedback> accepted = harness.extractOutputValues();
      assertThat(accepted).hasSize(1);
      assertThat(accepted.get(0).feedback.getMember()).isEqualTo("rail-a");
      assertThat(accepted.get(0).originTopic).isEqualTo("feedback.rail-a");
      assertThat(accepted.get(0).offset).isZero();

      List<DeadLetter> dead =
          harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
      assertThat(dead)
          .extracting(d -> d.getOriginTopic() + "@" + d.getOffset() + " " + d.getReason())
          .containsExactly(
              "feedback.rail-a@1 forged-member",
              "feedback.ghost@2 unknown-member",
              "verdicts@3 unknown-member",
              "feedback.rail-b@4 absurd-event-time",
              "feedback.rail-b@5 undecodable-avro");
      assertThat(dead.get(0).getError()).contains("claims member rail-b").contains("rail-a");
      assertThat(dead.get(2).getError()).contains("not a member's feedback topic");
      assertThat(dead).allSatisfy(d -> assertThat(d.getStage()).isEqualTo("feedback-decode"));
    }
  }

  @Test
  void theSenderIsTheTopicSuffix() {
    assertThat(FeedbackDecoder.senderOf("feedback.rail-a")).isEqualTo("rail-a");
    assertThat(FeedbackDecoder.senderOf("feedback.")).isNull();
    assertThat(FeedbackDecoder.senderOf("feedbackrail-a")).isNull();
    assertThat(FeedbackDecoder.senderOf(null)).isNull();
  }
}
