package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.probe;

import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.correlate.index.CountingBloomFilter;
import org.signalbox.schema.ObservableType;

class ExactPrefilterTest {
  static final String KNOWN = "198.51.100.7";
  static final String OTHER = "203.0.113.9";

  static TwoInputStreamOperatorTestHarness<ObservableProbe, ExactKeyDelta, ObservableProbe> harness(
      int parallelism, int subtask) throws Exception {
    return new TwoInputStreamOperatorTestHarness<>(
        new CoProcessOperator<>(new ExactPrefilter(1000)), 128, parallelism, subtask);
  }

  static void add(
      TwoInputStreamOperatorTestHarness<ObservableProbe, ExactKeyDelta, ObservableProbe> h,
      String value,
      boolean added)
      throws Exception {
    h.processElement2(
        new StreamRecord<>(
            ExactKeyDelta.of(
                CountingBloomFilter.hash(ObservableProbe.keyOf(ObservableType.IPV4, value)),
                added)));
  }

  static List<String> passed(
      TwoInputStreamOperatorTestHarness<ObservableProbe, ExactKeyDelta, ObservableProbe> h,
      String... values)
      throws Exception {
    h.getOutput().clear();
    for (String v : values) {
      h.processElement1(new StreamRecord<>(probe("e-" + v, ObservableType.IPV4, v, T0)));
    }
    List<String> out = h.extractOutputValues().stream().map(p -> p.value).toList();
    h.getOutput().clear();
    return out;
  }

  static void openGate(
      TwoInputStreamOperatorTestHarness<ObservableProbe, ExactKeyDelta, ObservableProbe> h)
      throws Exception {
    h.processBothWatermarks(new Watermark(BootstrapGate.OPEN));
  }

  @Test
  void passesEverythingWhileTheIndicatorsLoadThenOnlyLiveValues() throws Exception {
    try (var h = harness(1, 0)) {
      h.open();
      // Bootstrap: the filter is empty, and the indicator of KNOWN has not arrived yet.
      assertThat(passed(h, KNOWN, OTHER)).containsExactly(KNOWN, OTHER);
      add(h, KNOWN, true);
      assertThat(passed(h, KNOWN, OTHER)).containsExactly(KNOWN, OTHER);

      openGate(h);
      assertThat(passed(h, KNOWN, OTHER)).containsExactly(KNOWN);

      // An indicator arriving after the gate opened is filtered for from its arrival on.
      add(h, OTHER, true);
      assertThat(passed(h, KNOWN, OTHER)).containsExactly(KNOWN, OTHER);
      add(h, KNOWN, false);
      assertThat(passed(h, KNOWN, OTHER)).containsExactly(OTHER);
    }
  }

  @Test
  void twoIndicatorsOfOneValueKeepItUntilBothAreGone() throws Exception {
    try (var h = harness(1, 0)) {
      h.open();
      openGate(h);
      add(h, KNOWN, true);
      add(h, KNOWN, true);
      add(h, KNOWN, false);
      assertThat(passed(h, KNOWN)).containsExactly(KNOWN);
      add(h, KNOWN, false);
      assertThat(passed(h, KNOWN)).isEmpty();
    }
  }

  @Test
  void aRestoredFilterWaitsForTheGateAndKeepsWhatItHeldAtAnyParallelism() throws Exception {
    OperatorSubtaskState first;
    OperatorSubtaskState second;
    try (var h0 = harness(2, 0);
        var h1 = harness(2, 1)) {
      h0.open();
      h1.open();
      for (var h : List.of(h0, h1)) {
        openGate(h);
        add(h, KNOWN, true);
      }
      first = h0.snapshot(1L, 1L);
      second = h1.snapshot(1L, 1L);
    }
    OperatorSubtaskState both = TwoInputStreamOperatorTestHarness.repackageState(first, second);
    for (int parallelism : new int[] {1, 3}) {
      for (int subtask = 0; subtask < parallelism; subtask++) {
        OperatorSubtaskState mine =
            TwoInputStreamOperatorTestHarness.repartitionOperatorState(
                both, 128, 2, parallelism, subtask);
        try (var h = harness(parallelism, subtask)) {
          h.initializeState(mine);
          h.open();
          // After the restore, the indicators written while the job was down are still coming.
          assertThat(passed(h, KNOWN, OTHER)).containsExactly(KNOWN, OTHER);
          openGate(h);
          assertThat(passed(h, KNOWN, OTHER)).containsExactly(KNOWN);
        }
      }
    }
  }

  @Test
  void aRestoreWithoutAFilterPassesEverythingForEver() throws Exception {
    // Subtask 1 writes no filter: restoring its state alone is a checkpoint without one, as one
    // taken before the prefilter existed.
    OperatorSubtaskState withoutFilter;
    try (var h1 = harness(2, 1)) {
      h1.open();
      openGate(h1);
      add(h1, KNOWN, true);
      withoutFilter = h1.snapshot(1L, 1L);
    }
    try (var h = harness(1, 0)) {
      h.initializeState(withoutFilter);
      h.open();
      openGate(h);
      assertThat(passed(h, KNOWN, OTHER)).containsExactly(KNOWN, OTHER);
      // And it does not pass its emptiness on to the next checkpoint as if it were complete.
      OperatorSubtaskState next = h.snapshot(2L, 2L);
      try (var again = harness(1, 0)) {
        again.initializeState(next);
        again.open();
        openGate(again);
        assertThat(passed(again, OTHER)).containsExactly(OTHER);
      }
    }
  }
}
