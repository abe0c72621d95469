package org.signalbox.jobs.correlate;

import org.signalbox.schema.Indicator;

/**
 * What an index holds for one indicator id: the newest version seen, or a withdrawal mark. Applying
 * changes is last-writer-wins by version, so the result does not depend on the order in which
 * changes arrive.
 */
public class IndexEntry {
  public long version;
  public boolean tombstone;

  /** Null for a tombstone. */
  public Indicator indicator;

  public IndexEntry() {}

  IndexEntry(long version, boolean tombstone, Indicator indicator) {
    this.version = version;
    this.tombstone = tombstone;
    this.indicator = indicator;
  }

  /** What a change does to the entry held for its indicator id. */
  enum Outcome {
    /** The change is older than what is held: keep it. */
    KEEP,
    /** Hold the change's version of the indicator. */
    UPSERT,
    /** Hold a withdrawal mark at the change's version. */
    TOMBSTONE,
    /** Forget the id. */
    REMOVE
  }

  /**
   * Last-writer-wins by version: what {@code change} does to an entry that holds {@code
   * currentVersion} (null when nothing is held). Shared by every index, whatever it keeps per id.
   */
  static Outcome outcome(Long currentVersion, IndicatorChange change) {
    switch (change.kind) {
      case UPSERT:
        return currentVersion != null && currentVersion >= change.version
            ? Outcome.KEEP
            : Outcome.UPSERT;
      case TOMBSTONE:
        return currentVersion != null && currentVersion > change.version
            ? Outcome.KEEP
            : Outcome.TOMBSTONE;
      case REMOVE:
        return currentVersion != null && currentVersion > change.version
            ? Outcome.KEEP
            : Outcome.REMOVE;
      default:
        throw new IllegalArgumentException("unknown change " + change.kind);
    }
  }

  /**
   * The entry after {@code change}: {@code current} itself when the change is older, a new entry,
   * or null when the entry is to be deleted.
   */
  static IndexEntry merge(IndexEntry current, IndicatorChange change) {
    switch (outcome(current == null ? null : current.version, change)) {
      case KEEP:
        return current;
      case UPSERT:
        return new IndexEntry(change.version, false, change.indicator);
      case TOMBSTONE:
        return new IndexEntry(change.version, true, null);
      default:
        return null;
    }
  }

  /** True when this entry may produce a sighting for an event at {@code eventTime}. */
  boolean matchesAt(long eventTime) {
    if (tombstone || indicator == null || indicator.getRevoked()) {
      return false;
    }
    if (eventTime < indicator.getValidFrom().toEpochMilli()) {
      return false;
    }
    return indicator.getValidUntil() == null
        || eventTime < indicator.getValidUntil().toEpochMilli();
  }
}
