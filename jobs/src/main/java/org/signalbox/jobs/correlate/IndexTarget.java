package org.signalbox.jobs.correlate;

/** Which index holds an indicator. */
public enum IndexTarget {
  /** Keyed state, partitioned by canonical value. */
  EXACT,
  /** Broadcast state compiled into CIDR and domain-suffix tries. */
  RANGE,
  /** STIX patterns the exact and range indexes cannot hold, evaluated per event. */
  PATTERN
}
