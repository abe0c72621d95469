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

  /**
   * The entry after {@code change}: {@code current} itself when the change is older, a new entry,
   * or null when the entry is to be deleted.
   */
  static IndexEntry merge(IndexEntry current, IndicatorChange change) {
    switch (change.kind) {
      case UPSERT:
        if (current != null && current.version >= change.version) {
          return current;
        }
        return new IndexEntry(change.version, false, change.indicator);
      case TOMBSTONE:
        if (current != null && current.version > change.version) {
          return current;
        }
        return new IndexEntry(change.version, true, null);
      case REMOVE:
        if (current != null && current.version > change.version) {
          return current;
        }
        return null;
      default:
        throw new IllegalArgumentException("unknown change " + change.kind);
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
