package org.signalbox.jobs.correlate;

import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
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
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.signalbox.core.IndicatorOwnership;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.index.CountingBloomFilter;
import org.signalbox.jobs.correlate.serde.CompactEncoding;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.HeldCounts;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.IndicatorAuditAction;
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
 *       lets late telemetry from inside the validity window still match;
 *   <li>an id belongs to its original source, the {@code source} of the first version accepted. A
 *       later version, revocation or change of validity naming another source is not applied: it
 *       becomes a dead letter ({@code not-original-source}) and the held version keeps matching.
 *       The secretariat may change anyone's indicator; such a change is applied and written to
 *       {@link #AUDIT}. A Kafka tombstone names no source: it is applied as an administrative
 *       delete and audited with actor {@value #TOMBSTONE_ACTOR}.
 * </ul>
 *
 * <p>The original source lives in the keyed state with the version, so it survives checkpoints and
 * restores. It leaves state with the rest when the id is removed (end of a revocation's retention,
 * expiry): from then on the id is free, and the next source to publish it owns it. Keeping owners
 * of removed ids forever would grow state without bound for ids nobody uses again.
 *
 * <p>Within a run the order is the topic's: one id is one key, so one partition, read in offset
 * order, and the first version accepted is the first one written. A rebuild without a checkpoint or
 * savepoint knows only what compaction left, the last record of each id: if that is a refused
 * foreign change, the rebuilt job cannot tell and takes its source as the owner. The write ACL on
 * the indicators topic is the guard against that; the dead letter is the evidence.
 *
 * <p>Cleanup runs on processing-time timers, so state does not depend on telemetry watermarks that
 * an idle member could hold back. In bounded runs cleanup is off: every record is in the input, and
 * removing entries before the input ends would only lose matches.
 *
 * <p>The gauge {@code indicatorsHeld} counts live (not withdrawn) ids as they come and go; the
 * count is checkpointed with the state it counts ({@link HeldCounts}), so a restored job reports
 * what it restored rather than starting from zero.
 */
public final class IndicatorLifecycle
    extends KeyedProcessFunction<IndicatorKey, IndicatorUpdate, IndicatorChange>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  /** Changes applied that did not come from the indicator's original source. */
  public static final OutputTag<IndicatorAudit> AUDIT = new OutputTag<>("indicator-audit") {};

  /**
   * Live exact values as they come and go, for the {@link ExactPrefilter}s in front of the exact
   * index's shuffle.
   */
  public static final OutputTag<ExactKeyDelta> EXACT_KEYS = new OutputTag<>("exact-keys") {};

  /** Actor of an audited Kafka tombstone: the record names no source. */
  public static final String TOMBSTONE_ACTOR = "tombstone";

  private final long expiryGraceMillis;
  private final long tombstoneRetentionMillis;
  private final boolean cleanup;
  private final String secretariatSource;

  private transient ValueState<LifecycleRecord> current;
  private transient Counter staleVersions;
  private transient Counter unknownDeletions;
  private transient Counter foreignRejected;
  private transient Counter audited;
  private final HeldCounts held = new HeldCounts("indicators-held", 1);

  /**
   * @param secretariatSource the source name that may change other sources' indicators (audited)
   */
  public IndicatorLifecycle(
      Duration expiryGrace,
      Duration tombstoneRetention,
      boolean cleanup,
      String secretariatSource) {
    this.expiryGraceMillis = expiryGrace.toMillis();
    this.tombstoneRetentionMillis = tombstoneRetention.toMillis();
    this.cleanup = cleanup;
    this.secretariatSource = secretariatSource;
  }

  @Override
  public void open(OpenContext openContext) {
    current =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("indicator-lifecycle", LifecycleRecord.class));
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    staleVersions = metrics.counter(CorrelateMetrics.INDICATOR_STALE_VERSIONS);
    unknownDeletions = metrics.counter(CorrelateMetrics.INDICATOR_UNKNOWN_DELETIONS);
    foreignRejected = metrics.counter(CorrelateMetrics.INDICATOR_FOREIGN_CHANGES_REJECTED);
    audited = metrics.counter(CorrelateMetrics.INDICATOR_CHANGES_AUDITED);
    metrics.gauge(CorrelateMetrics.INDICATORS_HELD, () -> held.get(0));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    held.initialize(context);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    held.snapshot();
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
      // A tombstone carries no source, so ownership cannot be checked. It is accepted as an
      // administrative delete: writing to the indicators topic directly takes its write ACL (the
      // importers' and the secretariat's tooling), and refusing it would leave the job holding an
      // indicator that compaction removes from the source of truth, so a rebuild would disagree
      // with the running job. The audit record makes every such delete visible.
      audit(ctx, update, IndicatorAuditAction.DELETE, TOMBSTONE_ACTOR, known, null, now);
      withdraw(known, known.version, update.id, now, ctx, out);
      return;
    }

    Indicator ind = update.indicator;
    String claimed = ind.getSource();
    // State written before sources were remembered has none: the next accepted version's source
    // becomes the owner, as it would for a new id.
    String original = known == null ? null : known.source;
    // The rule is shared with the TAXII gateway (IndicatorOwnership), so that it never serves a
    // version refused here.
    IndicatorOwnership.Verdict verdict =
        IndicatorOwnership.judge(original, claimed, secretariatSource);
    boolean foreign = verdict == IndicatorOwnership.Verdict.SECRETARIAT;
    if (verdict == IndicatorOwnership.Verdict.REFUSED) {
      // Checked before the version: the version is whatever the sender wrote, so an old one says
      // nothing about intent, and the attempt is worth reporting either way.
      foreignRejected.inc();
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(
              originOf(update),
              "lifecycle",
              IndicatorOwnership.REFUSED_REASON,
              IndicatorOwnership.refusal(update.id, claimed, original, secretariatSource)
                  + "; version "
                  + known.version
                  + " stays in force"));
      return;
    }

    long version = ind.getVersion().toEpochMilli();
    if (known != null && version <= known.version) {
      staleVersions.inc();
      return;
    }
    if (foreign) {
      audit(
          ctx,
          update,
          ind.getRevoked() ? IndicatorAuditAction.REVOKE : IndicatorAuditAction.UPDATE,
          claimed,
          known,
          version,
          now);
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
    next.source = IndicatorOwnership.ownerAfter(original, claimed);
    if (ind.getRevoked()) {
      next.revoked = true;
      out.collect(IndicatorChange.of(ChangeKind.TOMBSTONE, key, update.id, version, target, null));
      if (known != null && !known.revoked) {
        held.add(0, -1);
      }
      next.cleanupAt = now + tombstoneRetentionMillis;
    } else {
      out.collect(IndicatorChange.of(ChangeKind.UPSERT, key, update.id, version, target, ind));
      if (known == null || known.revoked) {
        held.add(0, 1);
      }
      next.cleanupAt =
          ind.getValidUntil() == null
              ? Long.MAX_VALUE
              : ind.getValidUntil().toEpochMilli() + expiryGraceMillis;
    }
    schedule(known, next, ctx);
    transition(known, next, ctx);
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
    held.add(0, -1);
    LifecycleRecord next = new LifecycleRecord();
    next.version = version;
    next.key = known.key;
    next.target = known.target;
    next.source = known.source;
    next.revoked = true;
    next.cleanupAt = now + tombstoneRetentionMillis;
    schedule(known, next, ctx);
    transition(known, next, ctx);
    current.update(next);
  }

  /**
   * Tells the prefilters when the live exact value of this id changes: every state write goes
   * through here, so the filters count each id's live value exactly once.
   */
  private static void transition(LifecycleRecord before, LifecycleRecord after, Context ctx) {
    String was = liveExactKey(before);
    String is = liveExactKey(after);
    if (was != null && was.equals(is)) {
      return; // a newer version of the same value: nothing changes for the filter
    }
    if (was != null) {
      ctx.output(EXACT_KEYS, ExactKeyDelta.of(CountingBloomFilter.hash(was), false));
    }
    if (is != null) {
      ctx.output(EXACT_KEYS, ExactKeyDelta.of(CountingBloomFilter.hash(is), true));
    }
  }

  private static String liveExactKey(LifecycleRecord r) {
    return r == null || r.revoked || r.target != IndexTarget.EXACT ? null : r.key;
  }

  private void audit(
      Context ctx,
      IndicatorUpdate update,
      IndicatorAuditAction action,
      String actor,
      LifecycleRecord known,
      Long newVersion,
      long now) {
    audited.inc();
    RawRecord origin = originOf(update);
    ctx.output(
        AUDIT,
        IndicatorAudit.newBuilder()
            .setIndicatorId(update.id)
            .setAction(action)
            .setActor(actor)
            .setOriginalSource(known.source == null ? "" : known.source)
            .setOldVersion(Instant.ofEpochMilli(known.version))
            .setNewVersion(newVersion == null ? null : Instant.ofEpochMilli(newVersion))
            .setAt(Instant.ofEpochMilli(now))
            .setOriginTopic(origin.topic == null ? "unknown" : origin.topic)
            .setPartition(origin.partition)
            .setOffset(origin.offset)
            .build());
  }

  private static RawRecord originOf(IndicatorUpdate update) {
    return update.origin == null ? new RawRecord() : update.origin;
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
      held.add(0, -1);
    }
    if (liveExactKey(known) != null) {
      ctx.output(EXACT_KEYS, ExactKeyDelta.of(CountingBloomFilter.hash(known.key), false));
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

    /**
     * Source of the first version accepted: the only one, besides the secretariat, whose changes
     * are applied. Always set for an accepted version; null would mean "no owner yet" (the next
     * accepted version's source becomes the owner), which is what the lifecycle assumes of any
     * record without one.
     */
    public String source;

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
     * time as variable-length integers, the index key and the original source as UTF-8 (a null
     * source as one byte): about a third of the reflective POJO serializer's bytes.
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
        r.source = from.source;
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
        CompactEncoding.writeString(out, r.source);
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
        r.source = CompactEncoding.readString(in, scratch());
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
