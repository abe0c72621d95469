package org.signalbox.jobs.metrics;

import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * Names of the correlate job's own metrics (operator metric group {@value #GROUP}), used by the
 * operators that register them, and how Flink's Prometheus reporter exposes them.
 */
public final class CorrelateMetrics {
  private CorrelateMetrics() {}

  public static final String GROUP = "signalbox";

  public static final String TELEMETRY_EVENTS_IN = "telemetryEventsIn";
  public static final String TELEMETRY_DEAD_LETTERS = "telemetryDeadLetters";
  public static final String INDICATOR_DEAD_LETTERS = "indicatorDeadLetters";
  public static final String SIGHTINGS_OUT = "sightingsOut";
  public static final String INDICATOR_STALE_VERSIONS = "indicatorStaleVersions";
  public static final String INDICATOR_UNKNOWN_DELETIONS = "indicatorUnknownDeletions";
  public static final String INDICATOR_PATTERNS_UNSUPPORTED = "indicatorPatternsUnsupported";
  public static final String INDICATORS_SUPPRESSED = "indicatorsSuppressed";

  /** Telemetry whose member field is not the member its topic belongs to (also dead letters). */
  public static final String TELEMETRY_FORGED_MEMBERS = "telemetryForgedMembers";

  /**
   * Changes to an indicator by a source other than its original one (and not the secretariat): not
   * applied, sent to the dead-letter topic with reason {@code not-original-source}.
   */
  public static final String INDICATOR_FOREIGN_CHANGES_REJECTED = "indicatorForeignChangesRejected";

  /**
   * Changes applied although they did not come from the indicator's original source (the
   * secretariat's, and Kafka tombstones): each one is written to the audit topic.
   */
  public static final String INDICATOR_CHANGES_AUDITED = "indicatorChangesAudited";

  /** Per list, in a {@code warninglist=<name>} group: sightings dropped as known benign. */
  public static final String SIGHTINGS_SUPPRESSED = "sightingsSuppressed";

  /** Gauge: indicators held in keyed state by one subtask. */
  public static final String INDICATORS_HELD = "indicatorsHeld";

  public static final List<String> ALL =
      List.of(
          TELEMETRY_EVENTS_IN,
          TELEMETRY_DEAD_LETTERS,
          INDICATOR_DEAD_LETTERS,
          SIGHTINGS_OUT,
          INDICATOR_STALE_VERSIONS,
          INDICATOR_UNKNOWN_DELETIONS,
          INDICATOR_PATTERNS_UNSUPPORTED,
          INDICATORS_SUPPRESSED,
          TELEMETRY_FORGED_MEMBERS,
          INDICATOR_FOREIGN_CHANGES_REJECTED,
          INDICATOR_CHANGES_AUDITED,
          INDICATORS_HELD);

  /**
   * The series name Flink's Prometheus reporter gives an operator metric of our group: prefix
   * {@code flink_}, the logical scope of an operator ({@code taskmanager_job_task_operator}), the
   * user group and the name, joined by '_'. Counters are exported as gauges under that name (no
   * {@code _total}), with labels job_name, task_name, operator_name, subtask_index and so on.
   */
  public static String prometheusName(String metric) {
    return "flink_taskmanager_job_task_operator_" + GROUP + "_" + metric;
  }

  /** Adds Flink's Prometheus reporter, serving /metrics on {@code port}, to a configuration. */
  public static void enablePrometheus(Configuration conf, int port) {
    conf.setString(
        "metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.setString("metrics.reporter.prom.port", Integer.toString(port));
  }
}
