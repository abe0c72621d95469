package org.signalbox.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The harness runs end to end with tiny sizes; it checks results, never timings. */
class E2eHarnessITCase {

  @Test
  void everySystemProcessesEveryEventAndTheMatchersAgree() throws Exception {
    E2eSettings settings = new E2eSettings(2_000, 500, 20, 2, 2, 7L, E2eSettings.ALL_SYSTEMS);
    E2eHarness.Outcome outcome = new E2eHarness(settings, new PrintStream(System.out)).run();

    Map<String, SystemResult> bySystem =
        outcome.results().stream()
            .collect(Collectors.toMap(SystemResult::system, Function.identity()));
    assertThat(bySystem).containsOnlyKeys(E2eSettings.ALL_SYSTEMS);
    for (SystemResult r : outcome.results()) {
      assertThat(r.wallMillis()).as(r.system()).isPositive();
      assertThat(r.eventsPerSecond()).as(r.system()).isPositive();
      assertThat(r.peakHeapBytes()).as(r.system()).isPositive();
    }
    assertThat(bySystem.get("passthrough").outputRecords()).isEqualTo(2_000);

    long correlateExact = bySystem.get("correlate").exactSightings();
    assertThat(correlateExact).isPositive();
    assertThat(bySystem.get("kafka-streams").exactSightings()).isEqualTo(correlateExact);
    // The SQL join's output is an upsert changelog: counted by key, tombstones removed.
    assertThat(bySystem.get("flink-sql").exactSightings()).isEqualTo(correlateExact);
    // Correlate also matches CIDR and domain-suffix indicators: everything planted is due.
    assertThat(bySystem.get("correlate").allSightings()).isEqualTo(outcome.plantedSightingsDue());
  }
}
