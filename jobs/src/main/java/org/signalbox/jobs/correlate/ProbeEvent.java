package org.signalbox.jobs.correlate;

import static org.signalbox.jobs.correlate.serde.CompactEncoding.readEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeString;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.signalbox.jobs.correlate.serde.CompactEncoding;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;

/**
 * The fields of a telemetry event that a sighting carries, shared by the probes the decoder sends
 * to the indexes ({@link ObservableProbe}, {@link PatternProbe}), with their one copy and one wire
 * layout.
 */
public abstract class ProbeEvent {
  private static final Sector[] SECTORS = Sector.values();
  private static final Tlp[] TLPS = Tlp.values();

  public String eventId;
  public String member;
  public Sector sector;
  public String sourceType;

  /** Event time at the member, epoch ms. */
  public long eventTime;

  public Tlp tlp;

  /** Kafka timestamp of the telemetry record, epoch ms (0 for file input). */
  public long ingestTime;

  void setEvent(TelemetryEvent e, long ingest) {
    eventId = e.getEventId();
    member = e.getMember();
    sector = e.getSector();
    sourceType = e.getSourceType();
    eventTime = e.getEventTime().toEpochMilli();
    tlp = e.getTlp();
    ingestTime = ingest;
  }

  void setEvent(ProbeEvent from) {
    eventId = from.eventId;
    member = from.member;
    sector = from.sector;
    sourceType = from.sourceType;
    eventTime = from.eventTime;
    tlp = from.tlp;
    ingestTime = from.ingestTime;
  }

  /** The event fields in declaration order. */
  static void writeEvent(DataOutputView out, ProbeEvent p) throws IOException {
    writeString(out, p.eventId);
    writeString(out, p.member);
    writeEnum(out, p.sector);
    writeString(out, p.sourceType);
    out.writeLong(p.eventTime);
    writeEnum(out, p.tlp);
    out.writeLong(p.ingestTime);
  }

  static void readEvent(DataInputView in, ProbeEvent p, CompactEncoding.Scratch scratch)
      throws IOException {
    p.eventId = readString(in, scratch);
    p.member = readString(in, scratch);
    p.sector = readEnum(in, SECTORS);
    p.sourceType = readString(in, scratch);
    p.eventTime = in.readLong();
    p.tlp = readEnum(in, TLPS);
    p.ingestTime = in.readLong();
  }
}
