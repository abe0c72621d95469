package org.signalbox.jobs.metrics;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * Running counts of what a keyed function holds in its state (indicators, window keys...), for its
 * gauges: maintained on every add and removal, so reading one never scans state, and kept in
 * operator state, so that a job restored from a checkpoint does not count from zero again (and then
 * below zero as restored entries leave).
 *
 * <p>The function calls {@link #initialize} from {@code CheckpointedFunction.initializeState} and
 * {@link #snapshot} from {@code snapshotState}. Each subtask checkpoints its own counts as one list
 * element. With unchanged parallelism a subtask gets its own back; after rescaling, keyed state is
 * redistributed by key group while these elements are dealt round-robin, so the counts of single
 * subtasks drift (one may even go below zero) but their sum over all subtasks stays exact: it is
 * the sum of the checkpointed counts, taken at the same barrier as the keyed state.
 */
public final class HeldCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String stateName;
  private final int size;
  private transient long[] counts;
  private transient ListState<long[]> state;

  /**
   * @param stateName operator state name, unique within the function
   * @param size how many counts
   */
  public HeldCounts(String stateName, int size) {
    this.stateName = stateName;
    this.size = size;
  }

  public void initialize(FunctionInitializationContext context) throws Exception {
    counts = new long[size];
    state =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>(
                    stateName, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    if (context.isRestored()) {
      for (long[] restored : state.get()) {
        for (int i = 0; i < Math.min(size, restored.length); i++) {
          counts[i] += restored[i];
        }
      }
    }
  }

  public void snapshot() throws Exception {
    state.update(List.of(counts.clone()));
  }

  public void add(int index, long delta) {
    counts[index] += delta;
  }

  public long get(int index) {
    return counts[index];
  }
}
