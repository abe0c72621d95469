package org.signalbox.jobs.correlate;

import static org.signalbox.jobs.correlate.serde.CompactEncoding.readEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readVarInt;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readVarLong;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeVarInt;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeVarLong;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Tlp;

/**
 * The exact index's state for one canonical value: every indicator id with that value (nearly
 * always one), ordered by id.
 *
 * <p>One value per key rather than a map keyed by id: a probe that matches nothing (nineteen in
 * twenty) costs RocksDB one point lookup instead of an iterator, and the key and framing are stored
 * once per value instead of once per id.
 */
@TypeInfo(ExactSlot.TypeFactory.class)
public final class ExactSlot {
  final List<ExactEntry> entries;

  public ExactSlot() {
    this(new ArrayList<>(1));
  }

  private ExactSlot(List<ExactEntry> entries) {
    this.entries = entries;
  }

  /** Applies {@code change}; true when the slot changed. */
  boolean apply(IndicatorChange change) {
    int i = find(change.indicatorId);
    ExactEntry current = i < 0 ? null : entries.get(i);
    ExactEntry next;
    switch (IndexEntry.outcome(current == null ? null : current.version, change)) {
      case KEEP:
        return false;
      case UPSERT:
        next = ExactEntry.upsert(change.indicatorId, change.version, change.indicator);
        break;
      case TOMBSTONE:
        next = ExactEntry.tombstone(change.indicatorId, change.version);
        break;
      default:
        if (current == null) {
          return false;
        }
        entries.remove(i);
        return true;
    }
    if (current == null) {
      entries.add(-i - 1, next);
    } else {
      entries.set(i, next);
    }
    return true;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entry held for {@code id}, or null. */
  ExactEntry entry(String id) {
    int i = find(id);
    return i < 0 ? null : entries.get(i);
  }

  /** Index of {@code id}, or {@code -(insertion point) - 1} as in binary search. */
  private int find(String id) {
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = entries.get(mid).indicatorId.compareTo(id);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  public static final class TypeFactory extends TypeInfoFactory<ExactSlot> {
    @Override
    public TypeInformation<ExactSlot> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(ExactSlot.class, Serializer::new);
    }
  }

  /**
   * The number of entries, then per entry: a flags byte, the id (16 bytes when it is {@code
   * indicator--} and a UUID in canonical form, as STIX, MISP and CSV imports make them, else the
   * string), the version; for a live entry also the validity, match kind, TLP, confidence, source,
   * labels and the six lists of the context. Times and counts are variable-length integers, enums
   * one byte.
   */
  public static final class Serializer extends CompactSerializer<ExactSlot> {
    private static final long serialVersionUID = 1L;
    private static final MatchKind[] KINDS = MatchKind.values();
    private static final Tlp[] TLPS = Tlp.values();
    private static final String STIX_PREFIX = "indicator--";
    private static final int TOMBSTONE = 1;
    private static final int REVOKED = 2;
    private static final int HAS_END = 4;
    private static final int UUID_ID = 8;
    private static final int HAS_CONTEXT = 16;

    @Override
    protected CompactSerializer<ExactSlot> fresh() {
      return new Serializer();
    }

    @Override
    public ExactSlot createInstance() {
      return new ExactSlot();
    }

    @Override
    public ExactSlot copy(ExactSlot from) {
      List<ExactEntry> entries = new ArrayList<>(from.entries.size());
      for (ExactEntry e : from.entries) {
        ExactEntry c = new ExactEntry();
        c.indicatorId = e.indicatorId;
        c.version = e.version;
        c.tombstone = e.tombstone;
        c.revoked = e.revoked;
        c.validFrom = e.validFrom;
        c.validUntil = e.validUntil;
        c.matchKind = e.matchKind;
        c.tlp = e.tlp;
        c.confidence = e.confidence;
        c.source = e.source;
        c.labels = e.labels == null ? null : new ArrayList<>(e.labels);
        c.context = e.context == null ? null : IndicatorContext.newBuilder(e.context).build();
        entries.add(c);
      }
      return new ExactSlot(entries);
    }

    @Override
    public void serialize(ExactSlot slot, DataOutputView out) throws IOException {
      writeVarInt(out, slot.entries.size());
      for (ExactEntry e : slot.entries) {
        UUID uuid = IndicatorKey.stixUuid(e.indicatorId);
        int flags =
            (e.tombstone ? TOMBSTONE : 0)
                | (e.revoked ? REVOKED : 0)
                | (e.validUntil != ExactEntry.NO_END ? HAS_END : 0)
                | (uuid != null ? UUID_ID : 0)
                | (e.context != null ? HAS_CONTEXT : 0);
        out.writeByte(flags);
        if (uuid != null) {
          out.writeLong(uuid.getMostSignificantBits());
          out.writeLong(uuid.getLeastSignificantBits());
        } else {
          writeString(out, e.indicatorId);
        }
        writeVarLong(out, e.version);
        if (e.tombstone) {
          continue;
        }
        writeVarLong(out, e.validFrom);
        if (e.validUntil != ExactEntry.NO_END) {
          writeVarLong(out, e.validUntil);
        }
        writeEnum(out, e.matchKind);
        writeEnum(out, e.tlp);
        writeVarInt(out, e.confidence);
        writeString(out, e.source);
        writeStrings(out, e.labels);
        if (e.context != null) {
          IndicatorContext c = e.context;
          writeStrings(out, c.getThreatActors());
          writeStrings(out, c.getCampaigns());
          writeStrings(out, c.getMalware());
          writeStrings(out, c.getAttackPatterns());
          writeStrings(out, c.getKillChainPhases());
          writeStrings(out, c.getVulnerabilities());
        }
      }
    }

    @Override
    public ExactSlot deserialize(DataInputView in) throws IOException {
      int n = readVarInt(in);
      List<ExactEntry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ExactEntry e = new ExactEntry();
        int flags = in.readUnsignedByte();
        if ((flags & UUID_ID) != 0) {
          e.indicatorId = STIX_PREFIX + new UUID(in.readLong(), in.readLong());
        } else {
          e.indicatorId = readString(in, scratch());
        }
        e.version = readVarLong(in);
        e.tombstone = (flags & TOMBSTONE) != 0;
        if (!e.tombstone) {
          e.revoked = (flags & REVOKED) != 0;
          e.validFrom = readVarLong(in);
          e.validUntil = (flags & HAS_END) != 0 ? readVarLong(in) : ExactEntry.NO_END;
          e.matchKind = readEnum(in, KINDS);
          e.tlp = readEnum(in, TLPS);
          e.confidence = readVarInt(in);
          e.source = readString(in, scratch());
          e.labels = readStrings(in);
          if ((flags & HAS_CONTEXT) != 0) {
            e.context =
                new IndicatorContext(
                    readStrings(in),
                    readStrings(in),
                    readStrings(in),
                    readStrings(in),
                    readStrings(in),
                    readStrings(in));
          }
        }
        entries.add(e);
      }
      return new ExactSlot(entries);
    }

    private static void writeStrings(DataOutputView out, List<String> list) throws IOException {
      if (list == null) {
        writeVarInt(out, 0);
        return;
      }
      writeVarInt(out, list.size() + 1);
      for (String s : list) {
        writeString(out, s);
      }
    }

    private List<String> readStrings(DataInputView in) throws IOException {
      int n = readVarInt(in) - 1;
      if (n < 0) {
        return null;
      }
      List<String> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(readString(in, scratch()));
      }
      return list;
    }

    @Override
    public TypeSerializerSnapshot<ExactSlot> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<ExactSlot> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
