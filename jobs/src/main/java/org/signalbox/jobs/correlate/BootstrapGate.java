package org.signalbox.jobs.correlate;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Holds telemetry back until the indicator index has loaded, so that a job (re)starting with a
 * backlog of telemetry does not miss indicators that simply had not been read yet.
 *
 * <p>The signal is the watermark. The indicators source emits none until each of its partitions has
 * been read up to the end offset it had when the job started (see {@link
 * IndicatorBootstrapWatermarks}), and the telemetry source never emits less than {@link #OPEN},
 * even before its first record (see {@link TelemetryWatermarks}); a two-input operator's watermark
 * is the minimum of its inputs, so it stays below {@link #OPEN} exactly while the index is loading.
 * Probes that arrive earlier wait in keyed state behind an event-time timer at {@link #OPEN}, which
 * fires as soon as the watermark moves. Once it has, the gate is a pass-through: one comparison per
 * record, no state, no timer. In a bounded run the final watermark fires it after all input of the
 * key has been read.
 */
final class BootstrapGate {
  private BootstrapGate() {}

  /**
   * Watermark of the indicators source while it loads: below {@link #OPEN}, but a watermark. A
   * source that has emitted none is left out of its watermark-alignment group's minimum, so the
   * bounded run's alignment (CorrelateKafka) did not pause the telemetry during the load, and a
   * backlog went through the gate's keyed state and timers (at a million indicators and a million
   * events, most of the index operators' time).
   */
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
