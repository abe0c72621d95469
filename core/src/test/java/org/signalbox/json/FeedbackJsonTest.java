package org.signalbox.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;

class FeedbackJsonTest {
  static final Instant T = Instant.parse("2026-11-02T10:00:00Z");

  @Test
  void aVerdictSurvivesTheRoundTrip() throws Exception {
    Feedback f =
        Feedback.newBuilder()
            .setMember("rail-operator-a")
            .setIndicatorId("indicator--61000000-0000-4000-8000-000000000000")
            .setVerdict(FeedbackVerdict.FALSE_POSITIVE)
            .setReportedAt(T)
            .setComment("our CDN, \"not\" evil")
            .build();
    String line = FeedbackJson.write(f);
    assertThat(line)
        .contains("\"verdict\":\"false-positive\"", "\"reportedAt\":\"2026-11-02T10:00:00Z\"");
    assertThat(FeedbackJson.parse("f.jsonl", 1, line)).isEqualTo(f);
  }

  @Test
  void spellingsOfTheVerdictAndEpochMillisAreAccepted() throws Exception {
    Feedback f =
        FeedbackJson.parse(
            "f.jsonl",
            1,
            "{\"member\":\"m\",\"indicatorId\":\"i\",\"verdict\":\"TRUE_POSITIVE\",\"reportedAt\":"
                + T.toEpochMilli()
                + "}");
    assertThat(f.getVerdict()).isEqualTo(FeedbackVerdict.TRUE_POSITIVE);
    assertThat(f.getReportedAt()).isEqualTo(T);
    assertThat(f.getComment()).isNull();
  }

  @Test
  void aBadLineNamesTheLineAndTheField() {
    assertThatThrownBy(() -> FeedbackJson.parse("f.jsonl", 7, "{\"member\":\"m\"}"))
        .isInstanceOf(JsonLineException.class)
        .hasMessage("f.jsonl:7: missing field 'indicatorId'");
    assertThatThrownBy(
            () ->
                FeedbackJson.parse(
                    "f.jsonl",
                    3,
                    "{\"member\":\"m\",\"indicatorId\":\"i\",\"verdict\":\"maybe\",\"reportedAt\":\"2026-11-02T10:00:00Z\"}"))
        .hasMessageContaining("f.jsonl:3: field 'verdict': unknown value 'maybe'");
    assertThatThrownBy(
            () ->
                FeedbackJson.parse(
                    "f.jsonl",
                    4,
                    "{\"member\":\"\",\"indicatorId\":\"i\",\"verdict\":\"unknown\",\"reportedAt\":\"2026-11-02T10:00:00Z\"}"))
        .hasMessage("f.jsonl:4: field 'member' is empty");
    assertThatThrownBy(() -> FeedbackJson.parse("f.jsonl", 5, "[1]"))
        .hasMessage("f.jsonl:5: expected a JSON object");
  }
}
