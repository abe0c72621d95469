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

/**
 * One telemetry event that satisfied at least one bracketed observation (leaf) of one sequence
 * pattern, on its way from the {@link SequenceRouter} to the {@link SequenceMatcher} that holds the
 * pattern's partial matches for the event's scope; and, once there, one buffered observation.
 */
@TypeInfo(SequenceProbe.TypeFactory.class)
public class SequenceProbe extends ProbeEvent {
  public String indicatorId;

  /** Version (epoch ms) of the indicator whose leaves were tested. */
  public long indicatorVersion;

  /** Bit i set when leaf i of the pattern is satisfied by the event. */
  public long leaves;

  /** The observables that satisfied the leaves, each with its leaf in {@link #witnessLeaves}. */
  public List<Observable> witnesses;

  public int[] witnessLeaves;

  public SequenceProbe() {}

  /** Partition key of the sequence matcher: the scope (member or sector) and the indicator. */
  String scopeKey(boolean sectorScope) {
    return (sectorScope ? "sector:" + sector : "member:" + member) + '|' + indicatorId;
  }

  @Override
  public String toString() {
    return "SequenceProbe{event="
        + eventId
        + "@"
        + member
        + " t="
        + eventTime
        + " "
        + indicatorId
        + " leaves="
        + Long.toBinaryString(leaves)
        + "}";
  }

  public static final class TypeFactory extends TypeInfoFactory<SequenceProbe> {
    @Override
    public TypeInformation<SequenceProbe> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(SequenceProbe.class, Serializer::new);
    }
  }

  /** The event fields, indicator id and version, leaf mask, then each witness with its leaf. */
  public static final class Serializer extends CompactSerializer<SequenceProbe> {
    private static final long serialVersionUID = 1L;
    private static final ObservableType[] TYPES = ObservableType.values();
    private static final ObservableRole[] ROLES = ObservableRole.values();

    @Override
    protected CompactSerializer<SequenceProbe> fresh() {
      return new Serializer();
    }

    @Override
    public SequenceProbe createInstance() {
      return new SequenceProbe();
    }

    @Override
    public SequenceProbe copy(SequenceProbe from) {
      SequenceProbe p = new SequenceProbe();
      p.setEvent(from);
      p.indicatorId = from.indicatorId;
      p.indicatorVersion = from.indicatorVersion;
      p.leaves = from.leaves;
      if (from.witnesses != null) {
        p.witnesses = new ArrayList<>(from.witnesses.size());
        for (Observable o : from.witnesses) {
          p.witnesses.add(new Observable(o.getType(), o.getValue(), o.getRole()));
        }
        p.witnessLeaves = from.witnessLeaves.clone();
      }
      return p;
    }

    @Override
    public void serialize(SequenceProbe p, DataOutputView out) throws IOException {
      writeEvent(out, p);
      writeString(out, p.indicatorId);
      out.writeLong(p.indicatorVersion);
      out.writeLong(p.leaves);
      if (p.witnesses == null) {
        writeVarInt(out, 0);
        return;
      }
      writeVarInt(out, p.witnesses.size() + 1);
      for (int i = 0; i < p.witnesses.size(); i++) {
        Observable o = p.witnesses.get(i);
        writeVarInt(out, p.witnessLeaves[i]);
        writeEnum(out, o.getType());
        writeString(out, o.getValue());
        writeEnum(out, o.getRole());
      }
    }

    @Override
    public SequenceProbe deserialize(DataInputView in) throws IOException {
      SequenceProbe p = new SequenceProbe();
      readEvent(in, p, scratch());
      p.indicatorId = readString(in, scratch());
      p.indicatorVersion = in.readLong();
      p.leaves = in.readLong();
      int n = readVarInt(in) - 1;
      if (n >= 0) {
        p.witnesses = new ArrayList<>(n);
        p.witnessLeaves = new int[n];
        for (int i = 0; i < n; i++) {
          p.witnessLeaves[i] = readVarInt(in);
          ObservableType type = readEnum(in, TYPES);
          String value = readString(in, scratch());
          p.witnesses.add(new Observable(type, value, readEnum(in, ROLES)));
        }
      }
      return p;
    }

    @Override
    public TypeSerializerSnapshot<SequenceProbe> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<SequenceProbe> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
