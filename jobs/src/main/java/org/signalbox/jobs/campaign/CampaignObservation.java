package org.signalbox.jobs.campaign;

import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

/**
 * One sighting as seen by one campaign key. A sighting of an indicator attributed to two actors and
 * one technique becomes four observations (indicator, two actors, technique). Only what the
 * detector needs is kept, so that keyed state and the shuffle stay small. A Flink POJO.
 */
public class CampaignObservation {
  public CampaignKeyKind kind;

  /** Normalized key value; see {@link CampaignKeys}. */
  public String value;

  public String member;
  public Sector sector;

  /** Event time of the sighting, epoch milliseconds. */
  public long eventTime;

  public Tlp tlp;
  public int confidence;
  public String indicatorId;
  public String sightingId;

  public CampaignObservation() {}

  /** The key the detector is partitioned by: "KIND|value". */
  public String key() {
    return kind.name() + "|" + value;
  }

  @Override
  public String toString() {
    return key() + " " + member + "/" + sector + "@" + eventTime;
  }
}
