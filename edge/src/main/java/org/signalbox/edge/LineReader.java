package org.signalbox.edge;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines without trusting it: a line longer than the limit is skipped up
 * to its end (never buffered whole), invalid UTF-8 and NUL bytes make a line a reported reject, and
 * a stream that ends early (a truncated gzip file) is reported as such. Memory stays bounded by the
 * line limit whatever the input.
 */
public final class LineReader {
  /** One line or one problem; exactly one of {@code text} and {@code problem} is set. */
  public record Line(long number, String text, String problem) {}

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[1024];
  private long lineNumber;
  private boolean eof;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  public LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line, or null at the end of the input. */
  public Line next() {
    if (eof) {
      return null;
    }
    int len = 0;
    boolean tooLong = false;
    boolean sawAny = false;
    while (true) {
      if (pos == limit) {
        try {
          int n = in.read(buf, 0, buf.length);
          if (n < 0) {
            eof = true;
            if (!sawAny) {
              return null;
            }
            break;
          }
          pos = 0;
          limit = n;
          continue;
        } catch (EOFException e) {
          eof = true;
          return new Line(
              lineNumber + 1,
              null,
              "input ends early after line "
                  + lineNumber
                  + " (truncated gzip?): "
                  + e.getMessage());
        } catch (IOException e) {
          eof = true;
          return new Line(
              lineNumber + 1,
              null,
              "input unreadable after line " + lineNumber + ": " + e.getMessage());
        }
      }
      sawAny = true;
      byte b = buf[pos++];
      if (b == '\n') {
        break;
      }
      if (tooLong) {
        continue;
      }
      if (len == maxLineBytes) {
        tooLong = true;
        continue;
      }
      if (len == line.length) {
        byte[] bigger = new byte[Math.min(maxLineBytes, line.length * 2)];
        System.arraycopy(line, 0, bigger, 0, len);
        line = bigger;
      }
      line[len++] = b;
    }
    lineNumber++;
    if (tooLong) {
      return new Line(lineNumber, null, "line longer than " + maxLineBytes + " bytes");
    }
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    for (int i = 0; i < len; i++) {
      if (line[i] == 0) {
        return new Line(lineNumber, null, "binary data (NUL byte at column " + (i + 1) + ")");
      }
    }
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      if (line[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new Line(lineNumber, new String(line, 0, len, StandardCharsets.ISO_8859_1), null);
    }
    try {
      CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(line, 0, len));
      return new Line(lineNumber, chars.toString(), null);
    } catch (CharacterCodingException e) {
      return new Line(lineNumber, null, "invalid UTF-8");
    }
  }
}
