package org.signalbox.jobs.trends;

import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

/** The earliest sighting of an indicator seen so far, held until the watermark passes it. */
public class FirstSighting {
  public long eventTime;
  public long indicatorVersion;
  public Sector sector;
  public String member;
  public Tlp tlp;

  public FirstSighting() {}
}
