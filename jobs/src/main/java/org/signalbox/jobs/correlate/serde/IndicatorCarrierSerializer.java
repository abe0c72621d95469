package org.signalbox.jobs.correlate.serde;

/**
 * Base of the serializers of records that carry an {@code Indicator} between operators: each
 * instance (Flink duplicates serializers per thread) owns one {@link IndicatorBinary}, made when
 * first needed because serializers travel Java-serialized in the job graph.
 */
public abstract class IndicatorCarrierSerializer<T> extends CompactSerializer<T> {
  private static final long serialVersionUID = 1L;
  private transient IndicatorBinary binary;

  protected final IndicatorBinary binary() {
    if (binary == null) {
      binary = new IndicatorBinary();
    }
    return binary;
  }
}
