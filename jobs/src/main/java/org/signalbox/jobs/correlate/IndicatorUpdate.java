package org.signalbox.jobs.correlate;

import org.signalbox.connectors.kafka.RawRecord;
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

  /**
   * The record as it arrived, with its origin. {@link IndicatorLifecycle} may still refuse the
   * update (a change by a source that does not own the id), and that dead letter must carry the
   * bytes and the offset as evidence. Null only in tests that do not care.
   */
  public RawRecord origin;

  public IndicatorUpdate() {}

  static IndicatorUpdate upsert(Indicator indicator) {
    return upsert(indicator, null);
  }

  static IndicatorUpdate upsert(Indicator indicator, RawRecord origin) {
    IndicatorUpdate u = new IndicatorUpdate();
    u.id = indicator.getId();
    u.indicator = indicator;
    u.origin = origin;
    return u;
  }

  static IndicatorUpdate deletion(String id) {
    return deletion(id, null);
  }

  static IndicatorUpdate deletion(String id, RawRecord origin) {
    IndicatorUpdate u = new IndicatorUpdate();
    u.id = id;
    u.deleted = true;
    u.origin = origin;
    return u;
  }
}
