package org.signalbox.importers;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The newest version met so far of each indicator id, for importers that stream millions of
 * indicators and must not write an older version after a newer one (the indicators topic is
 * compacted: its last record per id is the one that stays).
 *
 * <p>Ids of the form {@code indicator--<uuid>} (all that importers produce) are held as two longs
 * and a version in open-addressed arrays, about 50 bytes per id instead of about 150 for a map of
 * strings; any other id falls back to a map.
 */
public final class VersionLedger {
  /** What {@link #offer} found. */
  public enum Verdict {
    /** First time this id was met. */
    NEW,
    /** Met before with an older version. */
    NEWER,
    /** Met before with this version or a newer one. */
    NOT_NEWER
  }

  private static final String PREFIX = "indicator--";

  private long[] hi = new long[1024];
  private long[] lo = new long[1024];
  private long[] version = new long[1024];
  private boolean[] used = new boolean[1024];
  private int size;
  private final Map<String, Long> other = new HashMap<>();

  /** Records {@code versionMillis} for {@code id} if it is newer than what was met before. */
  public Verdict offer(String id, long versionMillis) {
    UUID uuid = uuidOf(id);
    if (uuid == null) {
      Long previous = other.get(id);
      if (previous != null && previous >= versionMillis) {
        return Verdict.NOT_NEWER;
      }
      other.put(id, versionMillis);
      return previous == null ? Verdict.NEW : Verdict.NEWER;
    }
    long h = uuid.getMostSignificantBits();
    long l = uuid.getLeastSignificantBits();
    int mask = used.length - 1;
    int slot = spread(h, l) & mask;
    while (used[slot]) {
      if (hi[slot] == h && lo[slot] == l) {
        if (version[slot] >= versionMillis) {
          return Verdict.NOT_NEWER;
        }
        version[slot] = versionMillis;
        return Verdict.NEWER;
      }
      slot = (slot + 1) & mask;
    }
    used[slot] = true;
    hi[slot] = h;
    lo[slot] = l;
    version[slot] = versionMillis;
    if (++size * 2 > used.length) {
      grow();
    }
    return Verdict.NEW;
  }

  /** Distinct ids met. */
  public long size() {
    return size + other.size();
  }

  private void grow() {
    long[] oldHi = hi;
    long[] oldLo = lo;
    long[] oldVersion = version;
    boolean[] oldUsed = used;
    int capacity = oldUsed.length * 2;
    hi = new long[capacity];
    lo = new long[capacity];
    version = new long[capacity];
    used = new boolean[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < oldUsed.length; i++) {
      if (oldUsed[i]) {
        int slot = spread(oldHi[i], oldLo[i]) & mask;
        while (used[slot]) {
          slot = (slot + 1) & mask;
        }
        used[slot] = true;
        hi[slot] = oldHi[i];
        lo[slot] = oldLo[i];
        version[slot] = oldVersion[i];
      }
    }
  }

  private static int spread(long h, long l) {
    long x = (h ^ Long.rotateLeft(l, 29)) * 0x9E3779B97F4A7C15L;
    return (int) (x ^ (x >>> 32));
  }

  private static UUID uuidOf(String id) {
    if (!id.startsWith(PREFIX) || id.length() != PREFIX.length() + 36) {
      return null;
    }
    try {
      UUID uuid = UUID.fromString(id.substring(PREFIX.length()));
      // Only the canonical lowercase spelling maps back to the same id.
      return uuid.toString().equals(id.substring(PREFIX.length())) ? uuid : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
