package org.signalbox.jobs.correlate.serde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The primitives of the correlate job's hand-written serializers: unsigned variable-length integers
 * (7 bits a byte, as in Avro and protobuf) and strings as a variable-length size and UTF-8 bytes.
 *
 * <p>Why not Flink's {@code StringValue}: it writes and reads strings one character at a time and
 * showed at the top of the job's profile; {@link String#getBytes} and {@code new String(bytes,
 * UTF_8)} are intrinsics for the ASCII text that observables, ids and names almost always are.
 */
public final class CompactEncoding {
  private CompactEncoding() {}

  public static void writeVarLong(DataOutputView out, long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  public static long readVarLong(DataInputView in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("variable-length integer longer than 10 bytes: corrupt input");
  }

  public static void writeVarInt(DataOutputView out, int v) throws IOException {
    writeVarLong(out, v & 0xFFFFFFFFL);
  }

  public static int readVarInt(DataInputView in) throws IOException {
    long v = readVarLong(in);
    if (v > 0xFFFFFFFFL) {
      throw new IOException("variable-length int out of range: corrupt input");
    }
    return (int) v;
  }

  /** A null string is written as size 0, any other as its UTF-8 length plus one. */
  public static void writeString(DataOutputView out, String s) throws IOException {
    if (s == null) {
      out.writeByte(0);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeVarInt(out, utf8.length + 1);
    out.write(utf8);
  }

  /**
   * Reads what {@link #writeString} wrote.
   *
   * @param scratch a buffer the caller owns and may hand in again (grown when too small)
   */
  public static String readString(DataInputView in, Scratch scratch) throws IOException {
    int size = readVarInt(in);
    if (size == 0) {
      return null;
    }
    int n = size - 1;
    byte[] buf = scratch.atLeast(n);
    in.readFully(buf, 0, n);
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  /** Copies one string from {@code in} to {@code out} without decoding it. */
  public static void copyString(DataInputView in, DataOutputView out, Scratch scratch)
      throws IOException {
    int size = readVarInt(in);
    writeVarInt(out, size);
    if (size > 1) {
      byte[] buf = scratch.atLeast(size - 1);
      in.readFully(buf, 0, size - 1);
      out.write(buf, 0, size - 1);
    }
  }

  /** An enum constant as its ordinal plus one (0 for null): one byte for up to 127 constants. */
  public static void writeEnum(DataOutputView out, Enum<?> e) throws IOException {
    writeVarInt(out, e == null ? 0 : e.ordinal() + 1);
  }

  public static <E extends Enum<E>> E readEnum(DataInputView in, E[] values) throws IOException {
    int i = readVarInt(in);
    if (i == 0) {
      return null;
    }
    if (i > values.length) {
      throw new IOException(
          "enum ordinal "
              + (i - 1)
              + " out of range for "
              + values[0].getDeclaringClass().getSimpleName()
              + " ("
              + values.length
              + " constants): written by an incompatible version?");
    }
    return values[i - 1];
  }

  /** A reusable read buffer; one per serializer instance (serializers are per thread). */
  public static final class Scratch {
    private byte[] buf = new byte[128];

    byte[] atLeast(int n) {
      if (buf.length < n) {
        buf = new byte[Math.max(n, buf.length * 2)];
      }
      return buf;
    }
  }
}
