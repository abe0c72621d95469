package org.signalbox.jobs.trends;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Passes records through and counts them in Flink accumulators, so that a bounded run can say what
 * it read and wrote once it has finished ({@code JobExecutionResult#getAccumulatorResult}). The
 * counts of all subtasks are summed by Flink.
 */
final class RecordCount<T> extends RichMapFunction<T, T> {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final SerializableFunction<T, String> key;
  private transient Map<String, LongCounter> counters;

  /**
   * @param name the accumulator's name, or its prefix when {@code key} is given
   * @param key the rest of the accumulator's name per record (e.g. its topic), or null for one
   *     count
   */
  RecordCount(String name, SerializableFunction<T, String> key) {
    this.name = name;
    this.key = key;
  }

  @Override
  public void open(OpenContext openContext) {
    counters = new HashMap<>();
  }

  @Override
  public T map(T record) {
    String accumulator = key == null ? name : name + key.apply(record);
    counters
        .computeIfAbsent(
            accumulator,
            n -> {
              LongCounter c = new LongCounter();
              getRuntimeContext().addAccumulator(n, c);
              return c;
            })
        .add(1L);
    return record;
  }
}
