package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.HarnessMetrics;
import org.signalbox.schema.DeadLetter;

class DeadLetterCounterTest {

  static DeadLetter letter(String reason) {
    RawRecord raw =
        new RawRecord("telemetry.m1", 0, 7L, 0L, null, "junk".getBytes(StandardCharsets.UTF_8));
    return DeadLetters.of(raw, "decode", reason, null);
  }

  @Test
  void countsEachReasonUnderItsOwnLabelAndPassesEveryLetterOn() throws Exception {
    HarnessMetrics metrics = new HarnessMetrics();
    try (MockEnvironment env = metrics.environment();
        OneInputStreamOperatorTestHarness<DeadLetter, DeadLetter> harness =
            new OneInputStreamOperatorTestHarness<>(
                new StreamMap<>(new DeadLetterCounter()), env)) {
      harness.open();
      for (String r : new String[] {"undecodable-avro", "warninglist", "undecodable-avro"}) {
        harness.processElement(new StreamRecord<>(letter(r)));
      }
      assertThat(harness.extractOutputValues())
          .extracting(DeadLetter::getReason)
          .containsExactly("undecodable-avro", "warninglist", "undecodable-avro");
      assertThat(
              metrics.counter(
                  CorrelateMetrics.DEAD_LETTERS, CorrelateMetrics.REASON, "undecodable-avro"))
          .isEqualTo(2);
      assertThat(
              metrics.counter(
                  CorrelateMetrics.DEAD_LETTERS, CorrelateMetrics.REASON, "warninglist"))
          .isEqualTo(1);
    }
  }

  @Test
  void unboundedReasonsFoldIntoOtherSoTheLabelStaysSmall() throws Exception {
    HarnessMetrics metrics = new HarnessMetrics();
    try (MockEnvironment env = metrics.environment();
        OneInputStreamOperatorTestHarness<DeadLetter, DeadLetter> harness =
            new OneInputStreamOperatorTestHarness<>(
                new StreamMap<>(new DeadLetterCounter()), env)) {
      harness.open();
      int n = DeadLetterCounter.MAX_REASONS + 10;
      for (int i = 0; i < n; i++) {
        harness.processElement(new StreamRecord<>(letter("reason-" + i)));
      }
      // A reason seen before the limit keeps its own counter.
      harness.processElement(new StreamRecord<>(letter("reason-0")));
      assertThat(harness.extractOutputValues()).hasSize(n + 1);
      assertThat(
              metrics.counter(CorrelateMetrics.DEAD_LETTERS, CorrelateMetrics.REASON, "reason-0"))
          .isEqualTo(2);
      assertThat(
              metrics.counter(
                  CorrelateMetrics.DEAD_LETTERS, CorrelateMetrics.REASON, DeadLetterCounter.OTHER))
          .isEqualTo(10);
      assertThat(metrics.has(CorrelateMetrics.DEAD_LETTERS, CorrelateMetrics.REASON, "reason-70"))
          .isFalse();
    }
  }
}
