package org.signalbox.jobs.correlate;

import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.correlate.serde.CompactEncoding;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;

/**
 * The one place that knows the current version of each indicator id (keyed by id, as an {@link
 * IndicatorKey}). It turns the indicators topic into index changes:
 *
 * <ul>
 *   <li>a newer version replaces the older one; an older version arriving late is ignored;
 *   <li>a version whose value moved (another address, say) withdraws the old index entry;
 *   <li>a revocation or a Kafka tombstone leaves a withdrawal mark in the index for {@code
 *       tombstoneRetention}, then removes it; meanwhile late older versions stay ignored;
 *   <li>an indicator is removed from the index {@code expiryGrace} after its valid_until. The grace
 *       lets late telemetry from inside the validity window still match.
 * </ul>
 *
 * Cleanup runs on processing-time timers, so state does not depend on telemetry watermarks that an
 * idle member could hold back. In bounded runs cleanup is off: every record is in the input, and
 * removing entries before the input ends would only lose matches.
 */
public final class IndicatorLifecycle
    extends KeyedProcessFunction<IndicatorKey, IndicatorUpdate, IndicatorChange> {
  private static final long serialVersionUID = 1L;

  private final long expiryGraceMillis;
  private final long tombstoneRetentionMillis;
  private final boolean cleanup;

  private transient ValueState<LifecycleRecord> current;
  private transient Counter staleVersions;
  private transient Counter unknownDeletions;
  private transient long held;

  public IndicatorLifecycle(Duration expiryGrace, Duration tombstoneRetention, boolean cleanup) {
    this.expiryGraceMillis = expiryGrace.toMillis();
    this.tombstoneRetentionMillis = tombstoneRetention.toMillis();
    this.cleanup = cleanup;
  }

  @Override
  public void open(OpenContext openContext) {
    current =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("indicator-lifecycle", LifecycleRecord.class));
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    staleVersions = metrics.counter(CorrelateMetrics.INDICATOR_STALE_VERSIONS);
    unknownDeletions = metrics.counter(CorrelateMetrics.INDICATOR_UNKNOWN_DELETIONS);
    // Live (not withdrawn) ids this subtask has seen since it started; a restored job counts
    // again from zero until the ids are updated.
    metrics.gauge(CorrelateMetrics.INDICATORS_HELD, () -> held);
  }

  @Override
  public void processElement(IndicatorUpdate update, Context ctx, Collector<IndicatorChange> out)
      throws Exception {
    LifecycleRecord known = current.value();
    long now = ctx.timerService().currentProcessingTime();

    if (update.deleted) {
      if (known == null || known.revoked) {
        unknownDeletions.inc();
        return;
      }
      withdraw(known, known.version, update.id, now, ctx, out);
      return;
    }

    Indicator ind = update.indicator;
    long version = ind.getVersion().toEpochMilli();
    if (known != null && version <= known.version) {
      staleVersions.inc();
      return;
    }
    IndexTarget target = targetOf(ind.getMatchKind());
    String key = keyOf(ind, target);

    if (known != null && !known.revoked && !known.key.equals(key)) {
      // The value moved: the old index partition must forget this id.
      out.collect(
          IndicatorChange.of(
              ChangeKind.TOMBSTONE, known.key, update.id, version, known.target, null));
    }

    LifecycleRecord next = new LifecycleRecord();
    next.version = version;
    next.key = key;
    next.target = target;
    if (ind.getRevoked()) {
      next.revoked = true;
      out.collect(IndicatorChange.of(ChangeKind.TOMBSTONE, key, update.id, version, target, null));
      if (known != null && !known.revoked) {
        held--;
      }
      next.cleanupAt = now + tombstoneRetentionMillis;
    } else {
      out.collect(IndicatorChange.of(ChangeKind.UPSERT, key, update.id, version, target, ind));
      if (known == null || known.revoked) {
        held++;
      }
      next.cleanupAt =
          ind.getValidUntil() == null
              ? Long.MAX_VALUE
              : ind.getValidUntil().toEpochMilli() + expiryGraceMillis;
    }
    schedule(known, next, ctx);
    current.update(next);
  }

  private void withdraw(
      LifecycleRecord known,
      long version,
      String id,
      long now,
      Context ctx,
      Collector<IndicatorChange> out)
      throws Exception {
    out.collect(
        IndicatorChange.of(ChangeKind.TOMBSTONE, known.key, id, version, known.target, null));
    held--;
    LifecycleRecord next = new LifecycleRecord();
    next.version = version;
    next.key = known.key;
    next.target = known.target;
    next.revoked = true;
    next.cleanupAt = now + tombstoneRetentionMillis;
    schedule(known, next, ctx);
    current.update(next);
  }

  private void schedule(LifecycleRecord known, LifecycleRecord next, Context ctx) {
    if (!cleanup) {
      return;
    }
    if (known != null && known.cleanupAt != Long.MAX_VALUE && known.cleanupAt != next.cleanupAt) {
      ctx.timerService().deleteProcessingTimeTimer(known.cleanupAt);
    }
    if (next.cleanupAt != Long.MAX_VALUE) {
      ctx.timerService().registerProcessingTimeTimer(next.cleanupAt);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<IndicatorChange> out)
      throws Exception {
    LifecycleRecord known = current.value();
    if (known == null || known.cleanupAt != timestamp) {
      return;
    }
    out.collect(
        IndicatorChange.of(
            ChangeKind.REMOVE,
            known.key,
            ctx.getCurrentKey().id(),
            known.version,
            known.target,
            null));
    if (!known.revoked) {
      held--;
    }
    current.clear();
  }

  static IndexTarget targetOf(MatchKind kind) {
    switch (kind) {
      case EXACT:
        return IndexTarget.EXACT;
      case CIDR:
      case DOMAIN_SUFFIX:
        return IndexTarget.RANGE;
      default:
        return IndexTarget.PATTERN;
    }
  }

  static String keyOf(Indicator ind, IndexTarget target) {
    switch (target) {
      case EXACT:
        return ObservableProbe.keyOf(ind.getObservableType(), ind.getValue());
      case RANGE:
        return (ind.getMatchKind() == MatchKind.CIDR ? "CIDR|" : "SUFFIX|") + ind.getValue();
      default:
        return "PATTERN|" + ind.getId();
    }
  }

  /** Per-id state: small on purpose, the indicator itself lives in the index that matches it. */
  @TypeInfo(LifecycleRecord.TypeFactory.class)
  public static class LifecycleRecord {
    public long version;
    public String key;
    public IndexTarget target;
    public boolean revoked;

    /** Processing time at which the id leaves state; Long.MAX_VALUE for never. */
    public long cleanupAt;

    public LifecycleRecord() {}

    public static final class TypeFactory extends TypeInfoFactory<LifecycleRecord> {
      @Override
      public TypeInformation<LifecycleRecord> createTypeInfo(
          Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new CompactTypeInfo<>(LifecycleRecord.class, Serializer::new);
      }
    }

    /**
     * A flags byte (target, revoked, whether there is a cleanup time), the version and the cleanup
     * time as variable-length integers, the index key as UTF-8: about a third of the reflective
     * POJO serializer's bytes.
     */
    public static final class Serializer extends CompactSerializer<LifecycleRecord> {
      private static final long serialVersionUID = 1L;
      private static final IndexTarget[] TARGETS = IndexTarget.values();
      private static final int REVOKED = 0x10;
      private static final int CLEANUP = 0x20;
      private static final int TARGET_MASK = 0x0F;

      @Override
      protected CompactSerializer<LifecycleRecord> fresh() {
        return new Serializer();
      }

      @Override
      public LifecycleRecord createInstance() {
        return new LifecycleRecord();
      }

      @Override
      public LifecycleRecord copy(LifecycleRecord from) {
        LifecycleRecord r = new LifecycleRecord();
        r.version = from.version;
        r.key = from.key;
        r.target = from.target;
        r.revoked = from.revoked;
        r.cleanupAt = from.cleanupAt;
        return r;
      }

      @Override
      public void serialize(LifecycleRecord r, DataOutputView out) throws IOException {
        int flags =
            (r.target == null ? 0 : r.target.ordinal() + 1)
                | (r.revoked ? REVOKED : 0)
                | (r.cleanupAt != Long.MAX_VALUE ? CLEANUP : 0);
        out.writeByte(flags);
        CompactEncoding.writeVarLong(out, r.version);
        if (r.cleanupAt != Long.MAX_VALUE) {
          CompactEncoding.writeVarLong(out, r.cleanupAt);
        }
        CompactEncoding.writeString(out, r.key);
      }

      @Override
      public LifecycleRecord deserialize(DataInputView in) throws IOException {
        LifecycleRecord r = new LifecycleRecord();
        int flags = in.readUnsignedByte();
        int target = flags & TARGET_MASK;
        if (target > TARGETS.length) {
          throw new IOException("index target " + (target - 1) + " unknown: corrupt state?");
        }
        r.target = target == 0 ? null : TARGETS[target - 1];
        r.revoked = (flags & REVOKED) != 0;
        r.version = CompactEncoding.readVarLong(in);
        r.cleanupAt = (flags & CLEANUP) != 0 ? CompactEncoding.readVarLong(in) : Long.MAX_VALUE;
        r.key = CompactEncoding.readString(in, scratch());
        return r;
      }

      @Override
      public TypeSerializerSnapshot<LifecycleRecord> snapshotConfiguration() {
        return new SerializerSnapshot();
      }
    }

    /** Version 1: the layout above. */
    public static final class SerializerSnapshot
        extends SimpleTypeSerializerSnapshot<LifecycleRecord> {
      public SerializerSnapshot() {
        super(Serializer::new);
      }
    }
  }
}
