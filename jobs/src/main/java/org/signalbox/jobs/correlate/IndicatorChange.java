package org.signalbox.jobs.correlate;

import org.signalbox.schema.Indicator;

/** An instruction from {@link IndicatorLifecycle} to one of the indexes. */
public class IndicatorChange {
  public ChangeKind kind;

  /** Index key: {@code TYPE|value} for exact, {@code CIDR|net} or {@code SUFFIX|domain}. */
  public String key;

  public String indicatorId;
  public long version;
  public IndexTarget target;

  /** Set for {@link ChangeKind#UPSERT}. */
  public Indicator indicator;

  public IndicatorChange() {}

  static IndicatorChange of(
      ChangeKind kind, String key, String id, long version, IndexTarget target, Indicator ind) {
    IndicatorChange c = new IndicatorChange();
    c.kind = kind;
    c.key = key;
    c.indicatorId = id;
    c.version = version;
    c.target = target;
    c.indicator = ind;
    return c;
  }

  @Override
  public String toString() {
    return kind + " " + indicatorId + "@" + version + " -> " + target + " " + key;
  }
}
