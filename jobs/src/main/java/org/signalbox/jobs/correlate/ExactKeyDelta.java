package org.signalbox.jobs.correlate;

/**
 * One live exact indicator more or less for a canonical value, from {@link IndicatorLifecycle} to
 * every {@link ExactPrefilter}: the hash of the index key ({@link
 * org.signalbox.jobs.correlate.index.CountingBloomFilter#hash}) and the direction. Sixteen bytes on
 * the wire with Flink's POJO serializer, instead of the whole indicator.
 *
 * <p>Emitted on transitions of an id only (a new live value, a value that moved, a withdrawal, an
 * expiry), not per version, so for each id a removal follows the addition it undoes, on the same
 * channel: the filter's counts never go below the truth.
 */
public class ExactKeyDelta {
  public long hash;

  /** True: one more live indicator with this value; false: one fewer. */
  public boolean added;

  public ExactKeyDelta() {}

  static ExactKeyDelta of(long hash, boolean added) {
    ExactKeyDelta d = new ExactKeyDelta();
    d.hash = hash;
    d.added = added;
    return d;
  }

  @Override
  public String toString() {
    return (added ? "+" : "-") + Long.toHexString(hash);
  }
}
