package org.signalbox.jobs.metrics;

import java.util.List;

/**
 * Names of the metrics of campaign detection and of the alert digests (the campaign job; the
 * sharing router and the indicator scorer name their own counters), in the same operator metric
 * group as the correlate job's ({@link CorrelateMetrics#GROUP}), so {@link
 * CorrelateMetrics#prometheusName} gives their series.
 */
public final class CampaignMetrics {
  private CampaignMetrics() {}

  /** Counter: first revisions of alerts. */
  public static final String ALERTS_RAISED = "campaignAlertsRaised";

  /** Counter: later revisions (more members or sectors). */
  public static final String ESCALATIONS = "campaignEscalations";

  /** Counter: sightings behind the watermark but within the allowed lateness, still counted. */
  public static final String LATE_SIGHTINGS = "campaignLateSightings";

  /** Counter: sightings too late to place, sent to the TOO_LATE side output. */
  public static final String SIGHTINGS_TOO_LATE = "campaignSightingsTooLate";

  /** Counter: flood-guard decisions (an indicator at too many members suppressed for a while). */
  public static final String FLOODS_SUPPRESSED = "campaignFloodsSuppressed";

  /**
   * Counter: observations of a flooding indicator that raised no alert because the flood guard held
   * them back: the suppressed values themselves, where {@link #FLOODS_SUPPRESSED} counts the
   * decisions.
   */
  public static final String OBSERVATIONS_SUPPRESSED = "campaignObservationsSuppressed";

  /**
   * Gauge per detector subtask: campaign keys (indicator, actor, campaign, technique) with an open
   * episode in the sliding window. Maintained on every add and expiry, kept across restores.
   */
  public static final String WINDOW_KEYS = "campaignWindowKeys";

  /** Gauge per detector subtask: (key, member) presences held in the windows. */
  public static final String WINDOW_MEMBERS = "campaignWindowMembers";

  /** Counter: digests published (one per audience and window with at least one alert). */
  public static final String DIGESTS_EMITTED = "digestsEmitted";

  /** Counter: routed records the digest builder could not decode (a bug upstream). */
  public static final String DIGEST_UNDECODABLE = "digestUndecodableRecords";

  public static final List<String> ALL =
      List.of(
          ALERTS_RAISED,
          ESCALATIONS,
          LATE_SIGHTINGS,
          SIGHTINGS_TOO_LATE,
          FLOODS_SUPPRESSED,
          OBSERVATIONS_SUPPRESSED,
          WINDOW_KEYS,
          WINDOW_MEMBERS,
          DIGESTS_EMITTED,
          DIGEST_UNDECODABLE);
}
