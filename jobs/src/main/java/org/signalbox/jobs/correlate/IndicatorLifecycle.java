package org.signalbox.jobs.correlate;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.HeldCounts;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;

/**
 * The one place that knows the current version of each indicator id (keyed by id). It turns the
 * indicators topic into index changes:
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
 *
 * <p>The gauge {@code indicatorsHeld} counts live (not withdrawn) ids as they come and go; the
 * count is checkpointed with the state it counts ({@link HeldCounts}), so a restored job reports
 * what it restored rather than starting from zero.
 */
public final class IndicatorLifecycle
    extends KeyedProcessFunction<String, IndicatorUpdate, IndicatorChange>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  private final long expiryGraceMillis;
  private final long tombstoneRetentionMillis;
  private final boolean cleanup;

  private transient ValueState<LifecycleRecord> current;
  private transient Counter staleVersions;
  private transient Counter unknownDeletions;
  private final HeldCounts held = new HeldCounts("indicators-held", 1);

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
            ChangeKind.REMOVE, known.key, ctx.getCurrentKey(), known.version, known.target, null));
    if (!known.revoked) {
      held.add(0, -1);
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
  public static class LifecycleRecord {
    public long version;
    public String key;
    public IndexTarget target;
    public boolean revoked;

    /** Processing time at which the id leaves state; Long.MAX_VALUE for never. */
    public long cleanupAt;

    public LifecycleRecord() {}
  }
}
