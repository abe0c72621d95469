package org.signalbox.jobs.correlate;

import static org.signalbox.jobs.correlate.serde.CompactEncoding.readEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readVarInt;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeVarInt;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;

/**
 * A telemetry event as the pattern index needs it: all its observables (a STIX pattern compares
 * several of them at once) and the event fields a sighting carries. Attributes and provenance stay
 * behind, so the record that crosses the network to the pattern index is a fraction of the event.
 */
@TypeInfo(PatternProbe.TypeFactory.class)
public class PatternProbe {
  public String eventId;
  public String member;
  public Sector sector;
  public String sourceType;

  /** Event time at the member, epoch ms. */
  public long eventTime;

  public Tlp tlp;

  /** Kafka timestamp of the telemetry record, epoch ms (0 for file input). */
  public long ingestTime;

  /** In canonical form, as {@link TelemetryDecoder} left them. */
  public List<Observable> observables;

  public PatternProbe() {}

  static PatternProbe of(DecodedTelemetry decoded) {
    TelemetryEvent e = decoded.event;
    PatternProbe p = new PatternProbe();
    p.eventId = e.getEventId();
    p.member = e.getMember();
    p.sector = e.getSector();
    p.sourceType = e.getSourceType();
    p.eventTime = e.getEventTime().toEpochMilli();
    p.tlp = e.getTlp();
    p.ingestTime = decoded.ingestTime;
    p.observables = e.getObservables();
    return p;
  }

  /** Partition key of the pattern index: one event. */
  String eventKey() {
    return member + '|' + eventId;
  }

  @Override
  public String toString() {
    return "PatternProbe{event=" + eventId + "@" + member + ", " + observables.size() + " obs}";
  }

  public static final class TypeFactory extends TypeInfoFactory<PatternProbe> {
    @Override
    public TypeInformation<PatternProbe> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(PatternProbe.class, Serializer::new);
    }
  }

  /** The event fields in declaration order, then the number of observables and each of them. */
  public static final class Serializer extends CompactSerializer<PatternProbe> {
    private static final long serialVersionUID = 1L;
    private static final ObservableType[] TYPES = ObservableType.values();
    private static final ObservableRole[] ROLES = ObservableRole.values();
    private static final Sector[] SECTORS = Sector.values();
    private static final Tlp[] TLPS = Tlp.values();

    @Override
    protected CompactSerializer<PatternProbe> fresh() {
      return new Serializer();
    }

    @Override
    public PatternProbe createInstance() {
      return new PatternProbe();
    }

    @Override
    public PatternProbe copy(PatternProbe from) {
      PatternProbe p = new PatternProbe();
      p.eventId = from.eventId;
      p.member = from.member;
      p.sector = from.sector;
      p.sourceType = from.sourceType;
      p.eventTime = from.eventTime;
      p.tlp = from.tlp;
      p.ingestTime = from.ingestTime;
      if (from.observables != null) {
        p.observables = new ArrayList<>(from.observables.size());
        for (Observable o : from.observables) {
          p.observables.add(new Observable(o.getType(), o.getValue(), o.getRole()));
        }
      }
      return p;
    }

    @Override
    public void serialize(PatternProbe p, DataOutputView out) throws IOException {
      writeString(out, p.eventId);
      writeString(out, p.member);
      writeEnum(out, p.sector);
      writeString(out, p.sourceType);
      out.writeLong(p.eventTime);
      writeEnum(out, p.tlp);
      out.writeLong(p.ingestTime);
      if (p.observables == null) {
        writeVarInt(out, 0);
        return;
      }
      writeVarInt(out, p.observables.size() + 1);
      for (Observable o : p.observables) {
        writeEnum(out, o.getType());
        writeString(out, o.getValue());
        writeEnum(out, o.getRole());
      }
    }

    @Override
    public PatternProbe deserialize(DataInputView in) throws IOException {
      PatternProbe p = new PatternProbe();
      p.eventId = readString(in, scratch());
      p.member = readString(in, scratch());
      p.sector = readEnum(in, SECTORS);
      p.sourceType = readString(in, scratch());
      p.eventTime = in.readLong();
      p.tlp = readEnum(in, TLPS);
      p.ingestTime = in.readLong();
      int n = readVarInt(in) - 1;
      if (n >= 0) {
        p.observables = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ObservableType type = readEnum(in, TYPES);
          String value = readString(in, scratch());
          p.observables.add(new Observable(type, value, readEnum(in, ROLES)));
        }
      }
      return p;
    }

    @Override
    public TypeSerializerSnapshot<PatternProbe> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<PatternProbe> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
