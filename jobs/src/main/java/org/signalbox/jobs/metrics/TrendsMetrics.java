package org.signalbox.jobs.metrics;

import java.util.List;

/**
 * Names of the trends job's own metrics, in the same operator metric group as the correlate job's
 * ({@link CorrelateMetrics#GROUP}), so {@link CorrelateMetrics#prometheusName} gives their series.
 */
public final class TrendsMetrics {
  private TrendsMetrics() {}

  /** Counter: figures published as suppressed (fewer than k distinct members). */
  public static final String TREND_FIGURES_SUPPRESSED = "trendFiguresSuppressed";

  /** Counter: figures published (suppressed or not). */
  public static final String TREND_FIGURES_OUT = "trendFiguresOut";

  /** Counter: facts that arrived after their window was published, and were not added to it. */
  public static final String TREND_FACTS_LATE = "trendFactsLate";

  /** Counter: verdicts whose member is not the member of the feedback topic that carried them. */
  public static final String TREND_VERDICTS_FORGED = "trendVerdictsForged";

  public static final List<String> ALL =
      List.of(TREND_FIGURES_SUPPRESSED, TREND_FIGURES_OUT, TREND_FACTS_LATE, TREND_VERDICTS_FORGED);
}
