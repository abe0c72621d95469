package org.signalbox.benchmarks.e2e;

/**
 * What one system did with the pre-loaded data.
 *
 * @param system short name ("passthrough", "correlate", "kafka-streams")
 * @param wallMillis from submitting the job (or starting the topology) until it finished and
 *     flushed its output; includes start-up, which is why the sizes must dwarf it
 * @param events telemetry events read
 * @param outputRecords records written to its output topic
 * @param exactSightings sightings of exact-value indicators (-1 where the system does no matching)
 * @param allSightings all sightings, including CIDR and domain-suffix ones (-1 likewise)
 * @param peakHeapBytes peak heap in use in this JVM while it ran (sampled every 100 ms)
 * @param peakRssBytes peak resident set of this JVM while it ran (sampled; includes off-heap state
 *     such as RocksDB, excludes the broker, which is a separate process)
 * @param cpuMillis CPU time this JVM used while it ran, all threads (-1 if not available); unlike
 *     wall time it hardly moves when other processes compete for the cores, and it excludes the
 *     broker
 */
public record SystemResult(
    String system,
    long wallMillis,
    long events,
    long outputRecords,
    long exactSightings,
    long allSightings,
    long peakHeapBytes,
    long peakRssBytes,
    long cpuMillis) {

  public double eventsPerSecond() {
    return wallMillis <= 0 ? 0 : events * 1000.0 / wallMillis;
  }

  /** Events per second of this JVM's CPU time; 0 when CPU time is not available. */
  public double eventsPerCpuSecond() {
    return cpuMillis <= 0 ? 0 : events * 1000.0 / cpuMillis;
  }
}
