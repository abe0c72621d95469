package org.signalbox.importers;

import java.util.ArrayList;
import java.util.List;
import org.signalbox.schema.Indicator;

/**
 * What one import source gave: usable indicators, and everything that could not be used with where
 * it was and why.
 */
public record IndicatorBatch(List<Indicator> indicators, List<Rejection> rejected) {

  /** One unusable item: {@code where} is an object id, an attribute uuid, or {@code file:line}. */
  public record Rejection(String where, String reason) {}

  public IndicatorBatch {
    indicators = List.copyOf(indicators);
    rejected = List.copyOf(rejected);
  }

  /** Both batches, in order. */
  public IndicatorBatch plus(IndicatorBatch other) {
    List<Indicator> i = new ArrayList<>(indicators);
    i.addAll(other.indicators);
    List<Rejection> r = new ArrayList<>(rejected);
    r.addAll(other.rejected);
    return new IndicatorBatch(i, r);
  }
}
