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

  /** Probes the exact prefilter dropped before the shuffle: no live exact indicator has them. */
  public static final String EXACT_PROBES_FILTERED = "exactProbesFiltered";

  /**
   * Probes the exact prefilter passed without consulting its filter (bootstrap, restore, or a
   * restore from a checkpoint without a filter): it fails open.
   */
  public static final String EXACT_PROBES_UNFILTERED = "exactProbesUnfiltered";

  /** Retro sightings emitted by the exact index's retro-hunt (issue 17). */
  public static final String RETRO_SIGHTINGS_OUT = "retroSightingsOut";

  /** Events not recorded in the retro history: a new member past the bound per value. */
  public static final String RETRO_HISTORY_EVENTS_OMITTED = "retroHistoryEventsOmitted";

  /** Events not recorded in the retro history: older than the retention when they arrived. */
  public static final String RETRO_HISTORY_EVENTS_TOO_OLD = "retroHistoryEventsTooOld";

  /** Retro sightings a range indicator did not emit: past the bound per indicator and subtask. */
  public static final String RETRO_RANGE_SIGHTINGS_CAPPED = "retroRangeSightingsCapped";

  /** Gauge: indicators held in keyed state by one subtask. */
  public static final String INDICATORS_HELD = "indicatorsHeld";

  /** Sequence patterns: events sent to the sequence matcher, once per pattern a leaf matched. */
  public static final String SEQUENCE_OBSERVATIONS_ROUTED = "sequenceObservationsRouted";

  /** Sequence patterns whose window was capped at correlate.sequence-max-window (or had none). */
  public static final String SEQUENCE_WINDOWS_CAPPED = "sequenceWindowsCapped";

  /** Matches of sequence patterns (one sighting each). */
  public static final String SEQUENCE_MATCHES = "sequenceMatches";

  /** Buffered observations dropped because their window closed (or their pattern changed). */
  public static final String SEQUENCE_OBSERVATIONS_EXPIRED = "sequenceObservationsExpired";

  /**
   * Buffered observations evicted (oldest first) because a scope held
   * correlate.sequence-max-buffered.
   */
  public static final String SEQUENCE_BUFFER_OVERFLOWS = "sequenceBufferOverflows";

  /** Searches for a match that ran out of steps (a match may be found by a later event). */
  public static final String SEQUENCE_SEARCHES_ABORTED = "sequenceSearchesAborted";

  /** Events behind the watermark but within correlate.sequence-allowed-lateness: still matched. */
  public static final String SEQUENCE_LATE_EVENTS = "sequenceLateEvents";

  /** Events behind the watermark by more than the allowed lateness: not matched. */
  public static final String SEQUENCE_EVENTS_TOO_LATE = "sequenceEventsTooLate";

  /** The sequence matcher's metrics (operators sequence router and sequence matcher). */
  public static final List<String> SEQUENCE =
      List.of(
          SEQUENCE_OBSERVATIONS_ROUTED,
          SEQUENCE_WINDOWS_CAPPED,
          SEQUENCE_MATCHES,
          SEQUENCE_OBSERVATIONS_EXPIRED,
          SEQUENCE_BUFFER_OVERFLOWS,
          SEQUENCE_SEARCHES_ABORTED,
          SEQUENCE_LATE_EVENTS,
          SEQUENCE_EVENTS_TOO_LATE);

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

  /**
   * Adds Flink's Prometheus reporter, serving /metrics on {@code port}, to a configuration, with
   * label values unfiltered.
   */
  public static void enablePrometheus(Configuration conf, int port) {
    conf.setString(
        "metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.setString("metrics.reporter.prom.port", Integer.toString(port));
    // Label values as the job writes them (reason="undecodable-avro", operator_name="exact index"),
    // the same text as on the dead-letter topic; by default Flink turns every character outside
    // [a-zA-Z0-9:_] into '_'. The Prometheus client escapes what the text format needs.
    conf.setString("metrics.reporter.prom.filterLabelValueCharacters", "false");
  }

  // Issue 7 part 4: match latency, dead letters by reason, suppressed values. Kept apart from
  // ALL: ALL holds plain counters and gauges, whose series is prometheusName(name); these are a
  // histogram and metrics in a labelled subgroup, whose series are named below.

  /**
   * Histogram, per index operator: milliseconds from the telemetry record's Kafka timestamp
   * (Sighting.telemetryIngestTime) to the match (Sighting.detectedAt), over the last {@value
   * #LATENCY_SAMPLES} sightings of the subtask. Flink's Prometheus reporter exports a histogram as
   * a summary: the series with label {@code quantile} (0.5, 0.75, 0.95, 0.98, 0.99, 0.999) and
   * {@code <series>_count} (sightings measured since the task started); no {@code _sum}.
   */
  public static final String MATCH_LATENCY = "matchLatencyMs";

  /** Samples a latency histogram keeps: enough for a p99.9, cheap to sort at each scrape. */
  public static final int LATENCY_SAMPLES = 2048;

  /** Counter per dead-letter reason, in a {@code reason=<code>} subgroup; every job. */
  public static final String DEAD_LETTERS = "deadLetters";

  /** Label (subgroup key) of {@link #DEAD_LETTERS}. */
  public static final String REASON = "reason";

  /** Label (subgroup key) of {@link #SIGHTINGS_SUPPRESSED}. */
  public static final String WARNINGLIST = "warninglist";

  /** Histograms: {@link #prometheusName} is their quantile series; add {@code _count}. */
  public static final List<String> HISTOGRAMS = List.of(MATCH_LATENCY);

  /** Every series of the job beyond {@link #ALL}, as the Prometheus reporter names them. */
  public static List<String> labelledSeries() {
    return List.of(
        prometheusName(MATCH_LATENCY),
        prometheusName(MATCH_LATENCY) + "_count",
        prometheusName(REASON, DEAD_LETTERS),
        prometheusName(WARNINGLIST, SIGHTINGS_SUPPRESSED));
  }

  /**
   * The series of a metric registered in a key-value subgroup ({@code addGroup(label, value)}): the
   * key joins the name, the value becomes the label {@code label}, e.g. {@code
   * flink_taskmanager_job_task_operator_signalbox_reason_deadLetters{reason="undecodable-avro"}}.
   */
  public static String prometheusName(String label, String metric) {
    return prometheusName(label + "_" + metric);
  }
}
