package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;

/** The gate's open state survives a restore even when the indicators source stays silent. */
class BootstrapLatchTest {

  static RawRecord record(long offset) {
    return new RawRecord("indicators", 0, offset, 1_000, null, new byte[] {1});
  }

  static List<Long> watermarks(OneInputStreamOperatorTestHarness<RawRecord, RawRecord> h) {
    return h.getOutput().stream()
        .filter(o -> o instanceof Watermark)
        .map(o -> ((Watermark) o).getTimestamp())
        .collect(Collectors.toList());
  }

  static OneInputStreamOperatorTestHarness<RawRecord, RawRecord> harness() throws Exception {
    return new OneInputStreamOperatorTestHarness<>(new BootstrapLatch(5_000));
  }

  @Test
  void aFreshStartForwardsTheSourceAndAddsNothing() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(record(0), 1_000);
      h.setProcessingTime(60_000);
      assertThat(watermarks(h)).isEmpty(); // still loading: the gate stays shut
      h.processWatermark(new Watermark(123_456));
      assertThat(watermarks(h)).containsExactly(123_456L);
      assertThat(h.extractOutputValues()).hasSize(1);
    }
  }

  @Test
  void aRestoreAfterTheGateOpenedReopensItWhenTheSourceStaysSilent() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.processWatermark(new Watermark(10_000));
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.initializeState(snapshot);
      h.open();
      h.setProcessingTime(2_000);
      h.processElement(record(7), 1_000); // an indicator written while the job was down
      h.setProcessingTime(6_000);
      assertThat(watermarks(h)).isEmpty(); // within the grace after the last record
      h.setProcessingTime(7_200);
      assertThat(watermarks(h)).hasSize(1);
      assertThat(BootstrapGate.isOpen(watermarks(h).get(0))).isTrue();
      assertThat(h.extractOutputValues()).hasSize(1);
    }
  }

  @Test
  void aRestoreBeforeTheGateOpenedStillWaitsForTheSource() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.processElement(record(0), 1_000);
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      h.setProcessingTime(3_600_000);
      assertThat(watermarks(h)).isEmpty();
    }
  }
}
