package org.signalbox.jobs.campaign;

/**
 * The over-correlation guard's decision, for the secretariat: an indicator matched at so many
 * members at once that it is suppressed rather than alerted on. A Flink POJO.
 */
public class FloodDecision {
  /** "INDICATOR|indicator id". */
  public String key;

  /** Distinct members and sectors within the window when the decision was made. */
  public int memberCount;

  public int sectorCount;

  /** The configured campaign.flood-members. */
  public int threshold;

  /** Event time of the newest sighting, epoch milliseconds. */
  public long decidedAt;

  /** Event time until which the indicator raises no alerts, epoch milliseconds. */
  public long suppressedUntil;

  /** The alert already raised for this key and episode, if any; null otherwise. */
  public String alertId;

  public FloodDecision() {}

  @Override
  public String toString() {
    return key
        + " suppressed at "
        + memberCount
        + " members in "
        + sectorCount
        + " sectors (threshold "
        + threshold
        + ") until "
        + suppressedUntil;
  }
}
