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
import org.signalbox.schema.TelemetryEvent;

/**
 * A telemetry event as the pattern index needs it: all its observables (a STIX pattern compares
 * several of them at once) and the event fields a sighting carries. Attributes and provenance stay
 * behind, so the record that crosses the network to the pattern index is a fraction of the event.
 */
@TypeInfo(PatternProbe.TypeFactory.class)
public class PatternProbe extends ProbeEvent {
  /** In canonical form, as {@link TelemetryDecoder} left them. */
  public List<Observable> observables;

  public PatternProbe() {}

  static PatternProbe of(DecodedTelemetry decoded) {
    TelemetryEvent e = decoded.event;
    PatternProbe p = new PatternProbe();
    p.setEvent(e, decoded.ingestTime);
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
      p.setEvent(from);
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
      writeEvent(out, p);
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
      readEvent(in, p, scratch());
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
