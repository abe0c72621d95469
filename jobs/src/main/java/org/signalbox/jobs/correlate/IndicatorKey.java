package org.signalbox.jobs.correlate;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.signalbox.jobs.correlate.serde.CompactEncoding;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;

/**
 * An indicator id as the key of the lifecycle's state: an id of the form {@code indicator--<uuid>}
 * (what STIX, MISP and CSV imports produce) is held as the UUID's 128 bits, any other id as itself.
 * The key is stored with every state entry and every cleanup timer, so 17 bytes instead of 48 count
 * twice per indicator.
 */
@TypeInfo(IndicatorKey.TypeFactory.class)
public final class IndicatorKey {
  private static final String STIX_PREFIX = "indicator--";

  private final long high;
  private final long low;

  /** Null when the id is a UUID id. */
  private final String other;

  private IndicatorKey(long high, long low, String other) {
    this.high = high;
    this.low = low;
    this.other = other;
  }

  static IndicatorKey of(String id) {
    UUID u = stixUuid(id);
    return u == null
        ? new IndicatorKey(0, 0, id)
        : new IndicatorKey(u.getMostSignificantBits(), u.getLeastSignificantBits(), null);
  }

  /** The id exactly as it came in. */
  String id() {
    return other != null ? other : STIX_PREFIX + new UUID(high, low);
  }

  /**
   * The UUID of an {@code indicator--<uuid>} id that {@link UUID#toString} gives back exactly (so
   * that {@link #id} does), or null.
   */
  static UUID stixUuid(String id) {
    if (id == null || id.length() != STIX_PREFIX.length() + 36 || !id.startsWith(STIX_PREFIX)) {
      return null;
    }
    String tail = id.substring(STIX_PREFIX.length());
    try {
      UUID u = UUID.fromString(tail);
      return u.toString().equals(tail) ? u : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndicatorKey k
        && k.high == high
        && k.low == low
        && (other == null ? k.other == null : other.equals(k.other));
  }

  /** Deterministic across JVMs: Flink derives the key group from it. */
  @Override
  public int hashCode() {
    return other != null ? other.hashCode() : Long.hashCode(high * 31 + low);
  }

  @Override
  public String toString() {
    return id();
  }

  public static final class TypeFactory extends TypeInfoFactory<IndicatorKey> {
    @Override
    public TypeInformation<IndicatorKey> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(IndicatorKey.class, Serializer::new, true);
    }
  }

  /**
   * A tag byte, then 16 bytes or the id as a string. Deterministic, as a key serializer must be.
   */
  public static final class Serializer extends CompactSerializer<IndicatorKey> {
    private static final long serialVersionUID = 1L;
    private static final int UUID_ID = 1;
    private static final int OTHER_ID = 2;

    @Override
    protected CompactSerializer<IndicatorKey> fresh() {
      return new Serializer();
    }

    @Override
    public boolean isImmutableType() {
      return true;
    }

    @Override
    public IndicatorKey createInstance() {
      return new IndicatorKey(0, 0, "");
    }

    @Override
    public IndicatorKey copy(IndicatorKey from) {
      return from;
    }

    @Override
    public void serialize(IndicatorKey k, DataOutputView out) throws IOException {
      if (k.other == null) {
        out.writeByte(UUID_ID);
        out.writeLong(k.high);
        out.writeLong(k.low);
      } else {
        out.writeByte(OTHER_ID);
        CompactEncoding.writeString(out, k.other);
      }
    }

    @Override
    public IndicatorKey deserialize(DataInputView in) throws IOException {
      int tag = in.readUnsignedByte();
      if (tag == UUID_ID) {
        return new IndicatorKey(in.readLong(), in.readLong(), null);
      }
      if (tag != OTHER_ID) {
        throw new IOException("indicator key tag " + tag + " unknown: corrupt state?");
      }
      return new IndicatorKey(0, 0, CompactEncoding.readString(in, scratch()));
    }

    @Override
    public TypeSerializerSnapshot<IndicatorKey> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<IndicatorKey> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
