package org.signalbox.benchmarks.e2e;

import java.util.List;

/**
 * Sizes and shape of one end-to-end run.
 *
 * @param events telemetry events pre-loaded (N)
 * @param indicators exact-value indicators pre-loaded (M); the generator adds 20 CIDR, 20
 *     domain-suffix and 10 withdrawn or expired ones
 * @param hitPercent share of events carrying a planted indicator value
 * @param partitions partitions of every topic
 * @param parallelism Flink parallelism and Kafka Streams threads
 * @param seed generator seed
 * @param systems which systems to run, in order: passthrough, correlate, kafka-streams, flink-sql
 */
public record E2eSettings(
    long events,
    int indicators,
    int hitPercent,
    int partitions,
    int parallelism,
    long seed,
    List<String> systems) {

  /** The systems run by default. */
  public static final List<String> ALL_SYSTEMS =
      List.of("passthrough", "correlate", "kafka-streams", "flink-sql");

  /**
   * Correlate with {@code correlate.exact-prefilter=false}: what the prefilter saves, in the same
   * run. Not run by default.
   */
  public static final String CORRELATE_UNFILTERED = "correlate-unfiltered";

  /**
   * Correlate with {@code correlate.retro-window=0}: no retro history, so the prefilter is placed
   * again; what keeping the history costs live matching (issue 17), in the same run. Not run by
   * default.
   */
  public static final String CORRELATE_NO_RETRO = "correlate-no-retro";

  /** Every system {@code --systems} may name. */
  public static final List<String> KNOWN_SYSTEMS =
      List.of(
          "passthrough",
          "correlate",
          CORRELATE_UNFILTERED,
          CORRELATE_NO_RETRO,
          "kafka-streams",
          "flink-sql");

  public E2eSettings {
    if (events < 1 || indicators < 1) {
      throw new IllegalArgumentException("events and indicators must be positive");
    }
    if (hitPercent < 0 || hitPercent > 100) {
      throw new IllegalArgumentException("hit percent must be 0..100: " + hitPercent);
    }
    for (String s : systems) {
      if (!KNOWN_SYSTEMS.contains(s)) {
        throw new IllegalArgumentException("unknown system '" + s + "'; known: " + KNOWN_SYSTEMS);
      }
    }
  }
}
