package org.signalbox.jobs.correlate;

/** What an {@link IndicatorChange} does to an index entry. */
public enum ChangeKind {
  /** Insert or replace the entry if this version is newer. */
  UPSERT,
  /**
   * Mark the entry withdrawn at this version. The mark stays until {@link #REMOVE} so that an older
   * version arriving later (reordered input, a bounded run) cannot bring it back.
   */
  TOMBSTONE,
  /** Forget the entry (expiry, or the end of a tombstone's retention). */
  REMOVE
}
