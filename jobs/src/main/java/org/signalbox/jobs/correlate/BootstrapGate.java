package org.signalbox.jobs.correlate;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Holds telemetry back until the indicator index has loaded, so that a job (re)starting with a
 * backlog of telemetry does not miss indicators that simply had not been read yet.
 *
 * <p>The signal is the watermark. The indicators source emits {@link #LOADING} until each of its
 * partitions has been read up to the end offset it had when the job started (see {@link
 * IndicatorBootstrapWatermarks}), and the telemetry source never emits less than {@link #OPEN} (see
 * {@link TelemetryWatermarks}); a two-input operator's watermark is the minimum of its inputs, so
 * it stays below {@link #OPEN} exactly while the index is loading. Probes that arrive earlier wait
 * in keyed state behind an event-time timer at {@link #OPEN}, which fires as soon as the watermark
 * gets there. In a bounded run the final watermark fires it after all input of the key has been
 * read.
 *
 * <p>Why the indicators side emits a watermark while loading: a source split that has emitted no
 * watermark yet counts as idle in Flink, and once the source's other output goes idle too (after
 * {@code correlate.indicator-idle-timeout}) the whole source is idle and left out of the minimum:
 * the gate would then open on the telemetry watermark alone, before the index had loaded, whenever
 * loading takes longer than the idle timeout.
 */
final class BootstrapGate {
  private BootstrapGate() {}

  /** Watermark of the indicators side while the index is loading: present, not loaded. */
  static final long LOADING = Long.MIN_VALUE + 1;

  /** Timer timestamp, and lowest watermark, at which the gate is open. */
  static final long OPEN = Long.MIN_VALUE + 2;

  static boolean isOpen(long currentWatermark) {
    return currentWatermark >= OPEN;
  }

  /**
   * Parks {@code item} behind the gate while the index is still loading: true when it was held (the
   * caller's onTimer at {@link #OPEN} replays {@code waiting}), false when it may be matched now.
   */
  static <T> boolean holdBack(boolean enabled, TimerService timers, ListState<T> waiting, T item)
      throws Exception {
    if (!enabled || isOpen(timers.currentWatermark())) {
      return false;
    }
    waiting.add(item);
    timers.registerEventTimeTimer(OPEN);
    return true;
  }
}
