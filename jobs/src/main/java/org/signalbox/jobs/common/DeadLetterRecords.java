package org.signalbox.jobs.common;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.signalbox.schema.DeadLetter;

/**
 * Bounds on what a dead letter carries of the record it reports, so that a dead letter always fits
 * in one Kafka record whatever arrived: a record close to the broker's size limit, reported with
 * its metadata, would exceed it, fail the sink, restart the job and be read again, for ever.
 */
public final class DeadLetterRecords {
  private DeadLetterRecords() {}

  /** Most bytes of a record's value kept in a dead letter. */
  public static final int MAX_RAW_BYTES = 64 * 1024;

  /** Most bytes of a record's key kept in a dead letter. */
  public static final int MAX_KEY_BYTES = 1024;

  /** Longest error text kept; the raw bytes are the evidence, the text is for people. */
  public static final int MAX_ERROR_CHARS = 2000;

  /**
   * Sets the raw key and value of {@code letter}, cut to {@link #MAX_KEY_BYTES} and {@link
   * #MAX_RAW_BYTES}, with their original lengths and the SHA-256 of the whole value.
   */
  public static DeadLetter.Builder withRaw(DeadLetter.Builder letter, byte[] key, byte[] value) {
    if (key != null) {
      letter.setRawKey(ByteBuffer.wrap(cut(key, MAX_KEY_BYTES))).setRawKeyLength((long) key.length);
    } else {
      letter.setRawKey(null).setRawKeyLength(null);
    }
    if (value != null) {
      letter
          .setRaw(ByteBuffer.wrap(cut(value, MAX_RAW_BYTES)))
          .setRawLength((long) value.length)
          .setRawSha256(sha256(value));
    } else {
      letter.setRaw(null).setRawLength(null).setRawSha256(null);
    }
    return letter;
  }

  /** {@code text}, cut to {@link #MAX_ERROR_CHARS} characters. */
  public static String errorText(String text) {
    return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) + "..." : text;
  }

  private static byte[] cut(byte[] bytes, int max) {
    return bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
