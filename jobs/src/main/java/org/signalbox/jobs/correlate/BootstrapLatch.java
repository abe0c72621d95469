package org.signalbox.jobs.correlate;

import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.signalbox.jobs.common.RawRecord;

/**
 * Carries the bootstrap gate's "open" across restores, on the indicators stream right after its
 * source.
 *
 * <p>The gate opens on the first watermark of the indicators source (see {@link BootstrapGate}).
 * That source emits one once it has read every partition to the end offset it had at start-up; a
 * job restored from a checkpoint resumes each partition at its checkpointed offset, and a partition
 * that had loaded before the checkpoint may never deliver another record, so the source stays
 * silent and the gate shut for ever: the job shows RUNNING, counts events in and matches nothing.
 * This operator remembers (in union operator state, so any parallelism restores it) that the gate
 * had opened. After a restore it forwards the source's watermarks as they come and, should the
 * source stay silent, emits wall-clock watermarks itself once no indicator record has passed for
 * {@code graceMillis}: the index restored from the checkpoint is as complete as it was when the
 * gate had opened, and the grace lets the indicators written while the job was down be read first.
 */
final class BootstrapLatch extends AbstractStreamOperator<RawRecord>
    implements OneInputStreamOperator<RawRecord, RawRecord>, ProcessingTimeCallback {

  private static final long serialVersionUID = 1L;
  static final long TICK_MILLIS = 200;

  private final long graceMillis;
  private transient ListState<Boolean> openState;
  private transient boolean upstreamOpen;
  private transient boolean restoredOpen;
  private transient long emitted;
  private transient long lastRecordAt;

  BootstrapLatch(long graceMillis) {
    this.graceMillis = graceMillis;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    openState =
        context
            .getOperatorStateStore()
            .getUnionListState(new ListStateDescriptor<>("bootstrap-gate-open", Types.BOOLEAN));
    emitted = Long.MIN_VALUE;
    if (context.isRestored()) {
      for (Boolean open : openState.get()) {
        restoredOpen |= Boolean.TRUE.equals(open);
      }
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    if (restoredOpen) {
      long now = getProcessingTimeService().getCurrentProcessingTime();
      lastRecordAt = now;
      getProcessingTimeService().registerTimer(now + TICK_MILLIS, this);
    }
  }

  /** True when the gate had opened before the checkpoint this task was restored from. */
  boolean restoredOpen() {
    return restoredOpen;
  }

  @Override
  public void processElement(StreamRecord<RawRecord> element) {
    if (restoredOpen) {
      lastRecordAt = getProcessingTimeService().getCurrentProcessingTime();
    }
    output.collect(element);
  }

  @Override
  public void processWatermark(Watermark mark) {
    if (BootstrapGate.isOpen(mark.getTimestamp())) {
      upstreamOpen = true;
    }
    emit(mark.getTimestamp());
  }

  @Override
  public void onProcessingTime(long time) {
    if (upstreamOpen) {
      return; // the source speaks again: its watermarks are forwarded as they come
    }
    if (time - lastRecordAt >= graceMillis) {
      emit(System.currentTimeMillis());
    }
    getProcessingTimeService().registerTimer(time + TICK_MILLIS, this);
  }

  private void emit(long timestamp) {
    if (timestamp > emitted) {
      emitted = timestamp;
      output.emitWatermark(new Watermark(timestamp));
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    openState.update(List.of(upstreamOpen || restoredOpen));
  }
}
