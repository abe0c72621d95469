package org.signalbox.jobs.correlate;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Holds telemetry back until the indicator index has loaded, so that a job (re)starting with a
 * backlog of telemetry does not miss indicators that simply had not been read yet.
 *
 * <p>The signal is the watermark. The indicator source emits no watermark until each of its
 * partitions has been read up to the end offset it had when the job started (see {@link
 * IndicatorBootstrapWatermarks}); a two-input operator's watermark is the minimum of its inputs, so
 * it stays at Long.MIN_VALUE until then. Probes that arrive earlier wait in keyed state behind an
 * event-time timer at {@link #OPEN}, which fires as soon as the watermark moves. In a bounded run
 * the final watermark fires it after all input of the key has been read.
 */
final class BootstrapGate {
  private BootstrapGate() {}

  /** Timer timestamp that fires on the first watermark of any value. */
  static final long OPEN = Long.MIN_VALUE + 1;

  static boolean isOpen(long currentWatermark) {
    return currentWatermark > Long.MIN_VALUE;
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
