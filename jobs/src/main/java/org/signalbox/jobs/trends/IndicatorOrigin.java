package org.signalbox.jobs.trends;

import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

/**
 * Who published an indicator, as far as the trends job can tell: from a version on the indicators
 * topic, or from a sighting (which carries its indicator's source). A Flink POJO.
 */
public class IndicatorOrigin {
  public String indicatorId;
  public String source;

  /** Version time (indicator) or event time (sighting), epoch milliseconds. */
  public long time;

  /** True when it comes from the indicators topic itself, which outranks a sighting's copy. */
  public boolean published;

  public Tlp tlp;

  public IndicatorOrigin() {}

  public static IndicatorOrigin of(Indicator i) {
    IndicatorOrigin o = new IndicatorOrigin();
    o.indicatorId = i.getId();
    o.source = i.getSource();
    o.time = i.getVersion().toEpochMilli();
    o.published = true;
    o.tlp = i.getTlp();
    return o;
  }

  public static IndicatorOrigin of(Sighting s) {
    IndicatorOrigin o = new IndicatorOrigin();
    o.indicatorId = s.getIndicatorId();
    o.source = s.getIndicatorSource();
    o.time = s.getEventTime().toEpochMilli();
    o.published = false;
    o.tlp = s.getTlp();
    return o;
  }
}
