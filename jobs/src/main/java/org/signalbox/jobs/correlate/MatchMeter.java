package org.signalbox.jobs.correlate;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.Sighting;

/**
 * What an index operator reports about the sightings it emits: how many ({@code sightingsOut}) and
 * how long each took from the telemetry record reaching Kafka to its match ({@code
 * matchLatencyMs}). One per index operator, so a slow index shows under its own operator name.
 *
 * <p>The latency uses both ends as the sighting carries them (telemetryIngestTime, detectedAt), so
 * it includes time spent held back by the bootstrap gate and any backlog in front of the job. A
 * Kafka timestamp ahead of the job's clock (a producer clock running fast) counts as 0.
 */
final class MatchMeter {
  private final Counter sightings;
  private final Histogram latency;

  private MatchMeter(Counter sightings, Histogram latency) {
    this.sightings = sightings;
    this.latency = latency;
  }

  /** Registers both metrics in the operator's {@code signalbox} group. */
  static MatchMeter register(MetricGroup operator) {
    MetricGroup group = operator.addGroup(CorrelateMetrics.GROUP);
    return new MatchMeter(
        group.counter(CorrelateMetrics.SIGHTINGS_OUT),
        group.histogram(
            CorrelateMetrics.MATCH_LATENCY,
            new DescriptiveStatisticsHistogram(CorrelateMetrics.LATENCY_SAMPLES)));
  }

  /** Counts {@code s} and records its latency; returns it for the collector. */
  Sighting emitted(Sighting s) {
    sightings.inc();
    long ms = s.getDetectedAt().toEpochMilli() - s.getTelemetryIngestTime().toEpochMilli();
    latency.update(Math.max(0, ms));
    return s;
  }
}
