package org.signalbox.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
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
    // A KStream-KTable join has no bootstrap: telemetry that reaches the join task before the
    // table's repartition topic has data is joined against an empty table and misses (seen on a
    // loaded CI machine: 179 of 236). It may find fewer, never more, and must find some.
    // Signalbox's bootstrap gate is what prevents exactly this race.
    assertThat(bySystem.get("kafka-streams").exactSightings())
        .isPositive()
        .isLessThanOrEqualTo(correlateExact);
    // The SQL join's output is an upsert changelog: counted by key, tombstones removed.
    assertThat(bySystem.get("flink-sql").exactSightings()).isEqualTo(correlateExact);
    // Correlate also matches CIDR and domain-suffix indicators: everything planted is due.
    assertThat(bySystem.get("correlate").allSightings()).isEqualTo(outcome.plantedSightingsDue());
  }

  @Test
  void theLatencyRunTimesEverySightingAndMeasuresACheckpoint() throws Exception {
    E2eSettings settings = new E2eSettings(100, 300, 20, 2, 2, 9L, List.of());
    E2eHarness.Outcome outcome =
        new E2eHarness(settings, new PrintStream(System.out))
            .withLatency(Duration.ofSeconds(2), Duration.ofSeconds(6), 100.0)
            .run();

    LatencyRun.Result l = outcome.latency();
    assertThat(l).isNotNull();
    assertThat(l.produced()).isEqualTo(800);
    assertThat(l.sightingsDue()).isPositive();
    assertThat(l.sightingsReceived()).isEqualTo(l.sightingsDue());
    assertThat(l.measured()).isPositive().isLessThanOrEqualTo(l.sightingsReceived());
    assertThat(l.p50Millis()).isNotNegative();
    assertThat(l.p99Millis()).isGreaterThanOrEqualTo(l.p50Millis());
    assertThat(l.p999Millis()).isGreaterThanOrEqualTo(l.p99Millis());
    assertThat(l.maxMillis()).isGreaterThanOrEqualTo(l.p999Millis());
    assertThat(l.checkpointBytes()).isPositive();
    assertThat(l.liveIndicators()).isPositive();
  }
}
