package org.signalbox.jobs.correlate;

import static org.signalbox.jobs.correlate.serde.CompactEncoding.readEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeString;

import java.io.IOException;
import java.lang.reflect.Type;
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
 * One observable of a telemetry event, with just enough of the event to build a sighting. Events
 * are split into probes so that each value is routed to the index partition that owns it.
 *
 * <p>Every probe crosses the network (keyed by value) to the exact and range indexes, so it has its
 * own {@link Serializer} rather than Flink's reflective POJO serializer.
 */
@TypeInfo(ObservableProbe.TypeFactory.class)
public class ObservableProbe extends ProbeEvent {
  /** Index key: {@code TYPE|canonical value}, e.g. {@code DOMAIN|evil.example}. */
  public String key;

  public ObservableType type;
  public String value;
  public ObservableRole role;

  public ObservableProbe() {}

  static String keyOf(ObservableType type, String canonicalValue) {
    return type.name() + '|' + canonicalValue;
  }

  /** The type of a key made by {@link #keyOf}. */
  static ObservableType typeOfKey(String key) {
    return ObservableType.valueOf(key.substring(0, key.indexOf('|')));
  }

  /** The canonical value of a key made by {@link #keyOf}. */
  static String valueOfKey(String key) {
    return key.substring(key.indexOf('|') + 1);
  }

  static ObservableProbe of(
      TelemetryEvent event, ObservableType type, String value, ObservableRole role, long ingest) {
    ObservableProbe p = new ObservableProbe();
    p.key = keyOf(type, value);
    p.type = type;
    p.value = value;
    p.role = role;
    p.setEvent(event, ingest);
    return p;
  }

  /** The probe for one observable of an event the pattern index matched. */
  static ObservableProbe of(PatternProbe event, Observable o) {
    ObservableProbe p = new ObservableProbe();
    p.key = keyOf(o.getType(), o.getValue());
    p.type = o.getType();
    p.value = o.getValue();
    p.role = o.getRole();
    p.setEvent(event);
    return p;
  }

  @Override
  public String toString() {
    return "ObservableProbe{" + key + " " + role + " event=" + eventId + "@" + member + "}";
  }

  public static final class TypeFactory extends TypeInfoFactory<ObservableProbe> {
    @Override
    public TypeInformation<ObservableProbe> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(ObservableProbe.class, Serializer::new);
    }
  }

  /**
   * Field by field, in declaration order; {@link #value} is not written when it is the tail of
   * {@link #key} (always, for probes built by {@link ObservableProbe#of}), so the value's bytes
   * cross the network once.
   */
  public static final class Serializer extends CompactSerializer<ObservableProbe> {
    private static final long serialVersionUID = 1L;
    private static final ObservableType[] TYPES = ObservableType.values();
    private static final ObservableRole[] ROLES = ObservableRole.values();

    @Override
    protected CompactSerializer<ObservableProbe> fresh() {
      return new Serializer();
    }

    @Override
    public ObservableProbe createInstance() {
      return new ObservableProbe();
    }

    @Override
    public ObservableProbe copy(ObservableProbe from) {
      ObservableProbe p = new ObservableProbe();
      p.key = from.key;
      p.type = from.type;
      p.value = from.value;
      p.role = from.role;
      p.setEvent(from);
      return p;
    }

    static boolean valueIsKeyTail(ObservableProbe p) {
      return p.key != null
          && p.type != null
          && p.value != null
          && p.key.length() == p.type.name().length() + 1 + p.value.length()
          && p.key.endsWith(p.value)
          && p.key.startsWith(p.type.name())
          && p.key.charAt(p.type.name().length()) == '|';
    }

    @Override
    public void serialize(ObservableProbe p, DataOutputView out) throws IOException {
      boolean derived = valueIsKeyTail(p);
      out.writeBoolean(derived);
      writeString(out, p.key);
      writeEnum(out, p.type);
      if (!derived) {
        writeString(out, p.value);
      }
      writeEnum(out, p.role);
      writeEvent(out, p);
    }

    @Override
    public ObservableProbe deserialize(DataInputView in) throws IOException {
      ObservableProbe p = new ObservableProbe();
      boolean derived = in.readBoolean();
      p.key = readString(in, scratch());
      p.type = readEnum(in, TYPES);
      p.value = derived ? p.key.substring(p.type.name().length() + 1) : readString(in, scratch());
      p.role = readEnum(in, ROLES);
      readEvent(in, p, scratch());
      return p;
    }

    @Override
    public TypeSerializerSnapshot<ObservableProbe> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot
      extends SimpleTypeSerializerSnapshot<ObservableProbe> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
