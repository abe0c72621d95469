package org.signalbox.jobs.correlate;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.DeadLetter;

/**
 * Counts dead letters by reason on their way to the dead-letter topic: one {@code deadLetters}
 * counter per reason code, labelled {@code reason}, so a dashboard shows what goes wrong, not only
 * that something does. Sits in front of every job's dead-letter sink, so every stage is covered by
 * the one place that sees them all.
 *
 * <p>Reasons are codes the stages choose from fixed sets; still, a label's values must stay few, so
 * past {@value #MAX_REASONS} distinct reasons in one subtask the rest are counted as {@value
 * #OTHER}.
 */
public final class DeadLetterCounter extends RichMapFunction<DeadLetter, DeadLetter> {
  private static final long serialVersionUID = 1L;

  static final int MAX_REASONS = 64;
  static final String OTHER = "other";

  private transient MetricGroup group;
  private transient Map<String, Counter> perReason;

  @Override
  public void open(OpenContext openContext) {
    group = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    perReason = new HashMap<>();
  }

  @Override
  public DeadLetter map(DeadLetter letter) {
    String reason = letter.getReason() == null ? "unknown" : letter.getReason();
    Counter c = perReason.get(reason);
    if (c == null) {
      if (perReason.size() >= MAX_REASONS) {
        reason = OTHER;
      }
      c =
          perReason.computeIfAbsent(
              reason,
              r ->
                  group
                      .addGroup(CorrelateMetrics.REASON, r)
                      .counter(CorrelateMetrics.DEAD_LETTERS));
    }
    c.inc();
    return letter;
  }
}
