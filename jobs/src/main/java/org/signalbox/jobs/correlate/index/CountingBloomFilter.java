package org.signalbox.jobs.correlate.index;

import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A blocked counting Bloom filter over 64-bit hashes: the membership filter the exact path consults
 * before the keyBy shuffle ({@link org.signalbox.jobs.correlate.ExactPrefilter}).
 *
 * <p>Why written here: Guava's {@code BloomFilter} (already on the class path) and the xor/ribbon
 * filters cannot forget a key, and indicators expire and are revoked all the time; a filter that
 * only grows would drift towards passing everything, and a rebuild needs the set of live keys,
 * which is exactly what this task must not hold. Counting is the simplest structure with deletion.
 *
 * <p>Layout: 4-bit counters, 16 to a {@code long}, grouped in blocks of 128 counters (8 longs, one
 * 64-byte cache line). A key picks one block from its hash and {@value #PROBES} counters inside it,
 * so a lookup touches one cache line. {@value #COUNTERS_PER_KEY} counters per expected key give a
 * false-positive rate near 1% at capacity; beyond capacity the rate grows, but the filter never
 * answers "absent" for a key that was added and not removed.
 *
 * <p>Invariant (no false negatives): each counter holds min(true count, 15) until it first reaches
 * 15, and then stays at 15 for ever (a saturated counter no longer knows its count, so it is never
 * decremented). A removal must only follow its own addition; the caller guarantees that.
 *
 * <p>Not thread safe.
 */
public final class CountingBloomFilter {
  static final int PROBES = 7;
  static final int COUNTERS_PER_KEY = 12;
  private static final int WORDS_PER_BLOCK = 8;
  private static final int COUNTERS_PER_BLOCK = WORDS_PER_BLOCK * 16;
  private static final long MAX = 15;
  private static final int FORMAT = 1;

  private final long[] words;
  private final int blocks;

  /** A filter sized for {@code expectedKeys} keys at about 1% false positives. */
  public CountingBloomFilter(long expectedKeys) {
    long counters = Math.max(1, expectedKeys) * COUNTERS_PER_KEY;
    long b = (counters + COUNTERS_PER_BLOCK - 1) / COUNTERS_PER_BLOCK;
    if (b * WORDS_PER_BLOCK > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("filter for " + expectedKeys + " keys is too large");
    }
    this.blocks = (int) b;
    this.words = new long[blocks * WORDS_PER_BLOCK];
  }

  private CountingBloomFilter(long[] words) {
    this.words = words;
    this.blocks = words.length / WORDS_PER_BLOCK;
  }

  /** The 64-bit hash the filter is fed with: MurmurHash3 (128-bit, first half) of the UTF-8. */
  public static long hash(String key) {
    return Hashing.murmur3_128().hashString(key, StandardCharsets.UTF_8).asLong();
  }

  public void add(long hash) {
    int base = base(hash);
    long g = hash;
    for (int i = 0; i < PROBES; i++) {
      g = next(g);
      int counter = (int) (g >>> 57); // 0..127
      int w = base + (counter >>> 4);
      int shift = (counter & 15) << 2;
      long c = (words[w] >>> shift) & MAX;
      if (c < MAX) {
        words[w] += 1L << shift;
      }
    }
  }

  /** Forgets one earlier {@link #add} of {@code hash}. */
  public void remove(long hash) {
    int base = base(hash);
    long g = hash;
    for (int i = 0; i < PROBES; i++) {
      g = next(g);
      int counter = (int) (g >>> 57);
      int w = base + (counter >>> 4);
      int shift = (counter & 15) << 2;
      long c = (words[w] >>> shift) & MAX;
      if (c > 0 && c < MAX) {
        words[w] -= 1L << shift;
      }
    }
  }

  /** False only when {@code hash} was never added, or every addition was removed. */
  public boolean mightContain(long hash) {
    int base = base(hash);
    long g = hash;
    for (int i = 0; i < PROBES; i++) {
      g = next(g);
      int counter = (int) (g >>> 57);
      if (((words[base + (counter >>> 4)] >>> ((counter & 15) << 2)) & MAX) == 0) {
        return false;
      }
    }
    return true;
  }

  /** Bytes of the counters. */
  public long sizeBytes() {
    return (long) words.length * Long.BYTES;
  }

  private int base(long hash) {
    // Multiply-shift on the high half: an unbiased block index without a division.
    return (int) (((hash >>> 32) * blocks) >>> 32) * WORDS_PER_BLOCK;
  }

  /** Counter positions: a 64-bit LCG step seeded by the hash, its top 7 bits per probe. */
  private static long next(long g) {
    return g * 0x5851F42D4C957F2DL + 0x14057B7EF767814FL;
  }

  /** A format byte, the number of words, the words: what the checkpoint holds. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(1 + Integer.BYTES + words.length * Long.BYTES);
    out.put((byte) FORMAT).putInt(words.length);
    out.asLongBuffer().put(words);
    return out.array();
  }

  public static CountingBloomFilter fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int format = in.get();
    if (format != FORMAT) {
      throw new IllegalStateException("exact prefilter format " + format + " unknown");
    }
    int n = in.getInt();
    if (n <= 0 || n % WORDS_PER_BLOCK != 0 || n > (bytes.length - 5) / Long.BYTES) {
      throw new IllegalStateException("exact prefilter of " + n + " words: corrupt state?");
    }
    long[] words = new long[n];
    in.slice().asLongBuffer().get(words);
    return new CountingBloomFilter(words);
  }
}
