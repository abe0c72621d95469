package org.signalbox.jobs.correlate;

import org.signalbox.schema.Indicator;

/**
 * A validated record from the indicators topic: a new version of an indicator, or a deletion (a
 * Kafka tombstone for the id, as a compacted topic expresses it).
 */
public class IndicatorUpdate {
  public String id;

  /** True for a Kafka tombstone: withdraw whatever version is held. */
  public boolean deleted;

  /** The indicator in canonical form; null when {@link #deleted}. */
  public Indicator indicator;

  public IndicatorUpdate() {}

  static IndicatorUpdate upsert(Indicator indicator) {
    IndicatorUpdate u = new IndicatorUpdate();
    u.id = indicator.getId();
    u.indicator = indicator;
    return u;
  }

  static IndicatorUpdate deletion(String id) {
    IndicatorUpdate u = new IndicatorUpdate();
    u.id = id;
    u.deleted = true;
    return u;
  }
}
