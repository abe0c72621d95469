package org.signalbox.jobs.correlate;

import java.time.Duration;
import org.apache.flink.configuration.ReadableConfig;

/** The retro-hunt's settings from {@link CorrelateOptions}, or none. */
final class RetroHunts {
  private RetroHunts() {}

  /**
   * Null when {@code correlate.retro-window} is 0 or the run is BATCH: a batch run sees all
   * telemetry and all indicators at once and matches every event inside a validity already, so a
   * hunt would only repeat its sightings.
   *
   * @param bounded no cleanup timers (the run ends)
   */
  static RetroHunt of(ReadableConfig conf, boolean batch, boolean bounded) {
    Duration window = conf.get(CorrelateOptions.RETRO_WINDOW);
    if (batch || window.isZero()) {
      return null;
    }
    return new RetroHunt(window, conf.get(CorrelateOptions.RETRO_MAX_MEMBERS), !bounded);
  }
}
