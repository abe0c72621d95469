package org.signalbox.jobs.correlate;

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
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.serde.CompactEncoding;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.jobs.correlate.serde.IndicatorCarrierSerializer;
import org.signalbox.schema.Indicator;

/**
 * A validated record from the indicators topic: a new version of an indicator, or a deletion (a
 * Kafka tombstone for the id, as a compacted topic expresses it). It only travels from the decoder
 * to the lifecycle (no state holds it), with the hand-written {@link Serializer}.
 */
@TypeInfo(IndicatorUpdate.TypeFactory.class)
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

  public static final class TypeFactory extends TypeInfoFactory<IndicatorUpdate> {
    @Override
    public TypeInformation<IndicatorUpdate> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(IndicatorUpdate.class, Serializer::new);
    }
  }

  /**
   * A flags byte (deleted, indicator present, origin present), the id, the indicator ({@link
   * org.signalbox.jobs.correlate.serde.IndicatorBinary}), then the origin: topic, partition,
   * offset, timestamp, key and value bytes.
   */
  public static final class Serializer extends IndicatorCarrierSerializer<IndicatorUpdate> {
    private static final long serialVersionUID = 1L;
    private static final int DELETED = 1;
    private static final int INDICATOR = 2;
    private static final int ORIGIN = 4;

    @Override
    protected CompactSerializer<IndicatorUpdate> fresh() {
      return new Serializer();
    }

    @Override
    public IndicatorUpdate createInstance() {
      return new IndicatorUpdate();
    }

    @Override
    public IndicatorUpdate copy(IndicatorUpdate from) {
      IndicatorUpdate u = new IndicatorUpdate();
      u.id = from.id;
      u.deleted = from.deleted;
      u.indicator = from.indicator;
      u.origin = from.origin;
      return u;
    }

    @Override
    public void serialize(IndicatorUpdate u, DataOutputView out) throws IOException {
      out.writeByte(
          (u.deleted ? DELETED : 0)
              | (u.indicator != null ? INDICATOR : 0)
              | (u.origin != null ? ORIGIN : 0));
      CompactEncoding.writeString(out, u.id);
      if (u.indicator != null) {
        binary().write(u.indicator, out);
      }
      if (u.origin != null) {
        RawRecord o = u.origin;
        CompactEncoding.writeString(out, o.topic);
        out.writeInt(o.partition);
        out.writeLong(o.offset);
        out.writeLong(o.timestamp);
        writeBytes(out, o.key);
        writeBytes(out, o.value);
      }
    }

    @Override
    public IndicatorUpdate deserialize(DataInputView in) throws IOException {
      int flags = in.readUnsignedByte();
      IndicatorUpdate u = new IndicatorUpdate();
      u.deleted = (flags & DELETED) != 0;
      u.id = CompactEncoding.readString(in, scratch());
      if ((flags & INDICATOR) != 0) {
        u.indicator = binary().read(in);
      }
      if ((flags & ORIGIN) != 0) {
        RawRecord o = new RawRecord();
        o.topic = CompactEncoding.readString(in, scratch());
        o.partition = in.readInt();
        o.offset = in.readLong();
        o.timestamp = in.readLong();
        o.key = readBytes(in);
        o.value = readBytes(in);
        u.origin = o;
      }
      return u;
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
      serialize(deserialize(in), out);
    }

    /** Null as 0, else the length plus one. */
    private static void writeBytes(DataOutputView out, byte[] b) throws IOException {
      CompactEncoding.writeVarInt(out, b == null ? 0 : b.length + 1);
      if (b != null) {
        out.write(b);
      }
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
      int size = CompactEncoding.readVarInt(in);
      if (size == 0) {
        return null;
      }
      byte[] b = new byte[size - 1];
      in.readFully(b);
      return b;
    }

    @Override
    public TypeSerializerSnapshot<IndicatorUpdate> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot
      extends SimpleTypeSerializerSnapshot<IndicatorUpdate> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
