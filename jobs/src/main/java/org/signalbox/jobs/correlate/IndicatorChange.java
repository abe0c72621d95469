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
import org.signalbox.jobs.correlate.serde.CompactEncoding;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.jobs.correlate.serde.IndicatorCarrierSerializer;
import org.signalbox.schema.Indicator;

/**
 * An instruction from {@link IndicatorLifecycle} to one of the indexes. It only travels between
 * operators (no state holds it), with the hand-written {@link Serializer}.
 */
@TypeInfo(IndicatorChange.TypeFactory.class)
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

  public static final class TypeFactory extends TypeInfoFactory<IndicatorChange> {
    @Override
    public TypeInformation<IndicatorChange> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(IndicatorChange.class, Serializer::new);
    }
  }

  /**
   * Kind and target as one byte each, key and id as strings, the version as eight bytes, then the
   * indicator (a presence byte and its Avro body, {@link
   * org.signalbox.jobs.correlate.serde.IndicatorBinary}).
   */
  public static final class Serializer extends IndicatorCarrierSerializer<IndicatorChange> {
    private static final long serialVersionUID = 1L;
    private static final ChangeKind[] KINDS = ChangeKind.values();
    private static final IndexTarget[] TARGETS = IndexTarget.values();

    @Override
    protected CompactSerializer<IndicatorChange> fresh() {
      return new Serializer();
    }

    @Override
    public IndicatorChange createInstance() {
      return new IndicatorChange();
    }

    @Override
    public IndicatorChange copy(IndicatorChange from) {
      // Indexes keep the indicator, never change it: sharing it is safe.
      return of(from.kind, from.key, from.indicatorId, from.version, from.target, from.indicator);
    }

    @Override
    public void serialize(IndicatorChange c, DataOutputView out) throws IOException {
      CompactEncoding.writeEnum(out, c.kind);
      CompactEncoding.writeEnum(out, c.target);
      CompactEncoding.writeString(out, c.key);
      CompactEncoding.writeString(out, c.indicatorId);
      out.writeLong(c.version);
      out.writeBoolean(c.indicator != null);
      if (c.indicator != null) {
        binary().write(c.indicator, out);
      }
    }

    @Override
    public IndicatorChange deserialize(DataInputView in) throws IOException {
      IndicatorChange c = new IndicatorChange();
      c.kind = CompactEncoding.readEnum(in, KINDS);
      c.target = CompactEncoding.readEnum(in, TARGETS);
      c.key = CompactEncoding.readString(in, scratch());
      c.indicatorId = CompactEncoding.readString(in, scratch());
      c.version = in.readLong();
      c.indicator = in.readBoolean() ? binary().read(in) : null;
      return c;
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
      CompactEncoding.writeEnum(out, CompactEncoding.readEnum(in, KINDS));
      CompactEncoding.writeEnum(out, CompactEncoding.readEnum(in, TARGETS));
      CompactEncoding.copyString(in, out, scratch());
      CompactEncoding.copyString(in, out, scratch());
      out.writeLong(in.readLong());
      boolean present = in.readBoolean();
      out.writeBoolean(present);
      if (present) {
        binary().copy(in, out);
      }
    }

    @Override
    public TypeSerializerSnapshot<IndicatorChange> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot
      extends SimpleTypeSerializerSnapshot<IndicatorChange> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
