package org.signalbox.jobs.correlate;

import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;

/**
 * One observable of a telemetry event, with just enough of the event to build a sighting. Events
 * are split into probes so that each value is routed to the index partition that owns it.
 *
 * <p>A Flink POJO: it must not hold collections, which would fall back to Kryo.
 */
public class ObservableProbe {
  /** Index key: {@code TYPE|canonical value}, e.g. {@code DOMAIN|evil.example}. */
  public String key;

  public ObservableType type;
  public String value;
  public ObservableRole role;
  public String eventId;
  public String member;
  public Sector sector;
  public String sourceType;

  /** Event time at the member, epoch ms. */
  public long eventTime;

  public Tlp tlp;

  /** Kafka timestamp of the telemetry record, epoch ms (0 for file input). */
  public long ingestTime;

  public ObservableProbe() {}

  static String keyOf(ObservableType type, String canonicalValue) {
    return type.name() + '|' + canonicalValue;
  }

  static ObservableProbe of(
      TelemetryEvent event, ObservableType type, String value, ObservableRole role, long ingest) {
    ObservableProbe p = new ObservableProbe();
    p.key = keyOf(type, value);
    p.type = type;
    p.value = value;
    p.role = role;
    p.eventId = event.getEventId();
    p.member = event.getMember();
    p.sector = event.getSector();
    p.sourceType = event.getSourceType();
    p.eventTime = event.getEventTime().toEpochMilli();
    p.tlp = event.getTlp();
    p.ingestTime = ingest;
    return p;
  }

  @Override
  public String toString() {
    return "ObservableProbe{" + key + " " + role + " event=" + eventId + "@" + member + "}";
  }
}
