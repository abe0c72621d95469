package org.signalbox.edge.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads EVE records written as one (often pretty-printed) JSON array, element by element, so a file
 * of any size streams in memory bounded by its largest element. The array is split by a small
 * scanner that tracks only nesting, strings and escapes, and each element is parsed on its own: an
 * element that is not valid JSON is reported with its position and the elements after it are still
 * read. Only a broken array structure (no opening bracket, input ending inside it) ends the input.
 */
public final class EveArrayReader implements AutoCloseable {
  /** Longest element kept; a longer one is skipped to its end and reported. */
  static final int MAX_ELEMENT_CHARS = 16 << 20;

  private final Reader in;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int limit;
  private long line = 1;
  private long index;
  private boolean started;
  private boolean done;

  /**
   * One element, the line it started on and its 1-based position in the array; {@code problem} is
   * set (and {@code node} null) when the element could not be read.
   */
  public record Element(JsonNode node, long line, long index, String problem) {}

  public EveArrayReader(Reader reader) {
    this.in = reader;
  }

  /**
   * @return the next element (possibly one with a problem), or null at the end of the array
   * @throws MalformedRecordException when the input is not an array or ends inside it
   */
  public Element next() throws MalformedRecordException {
    try {
      if (done) {
        return null;
      }
      if (!started) {
        started = true;
        if (skipSpace() != '[') {
          throw new MalformedRecordException("input does not start with a JSON array");
        }
        pos++;
      }
      int c = skipSpace();
      if (c == ',') {
        pos++;
        c = skipSpace();
      }
      if (c < 0) {
        throw new MalformedRecordException(
            "JSON array broken at line " + line + ": not closed (truncated input?)");
      }
      if (c == ']') {
        pos++;
        done = true;
        return null;
      }
      long startLine = line;
      long at = ++index;
      StringBuilder text = new StringBuilder();
      boolean tooLong = scanElement(text);
      if (tooLong) {
        return new Element(
            null, startLine, at, "array element " + at + " is longer than " + MAX_ELEMENT_CHARS);
      }
      if (text.charAt(0) != '{') {
        return new Element(null, startLine, at, "array element " + at + " is not a JSON object");
      }
      try {
        JsonNode node = JsonRecords.MAPPER.readTree(text.toString());
        return new Element(node, startLine, at, null);
      } catch (JsonProcessingException e) {
        return new Element(
            null, startLine, at, "array element " + at + " is not JSON: " + e.getOriginalMessage());
      }
    } catch (IOException e) {
      throw new MalformedRecordException("cannot read the JSON array: " + e.getMessage());
    }
  }

  /**
   * Reads one element up to (not including) the ',' or ']' that ends it at array level.
   *
   * @return true when it was longer than the limit (its text is then incomplete)
   */
  private boolean scanElement(StringBuilder text) throws IOException, MalformedRecordException {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    boolean tooLong = false;
    while (true) {
      int c = peek();
      if (c < 0) {
        throw new MalformedRecordException(
            "JSON array broken at line " + line + ": not closed (truncated input?)");
      }
      if (!inString && depth == 0 && (c == ',' || c == ']')) {
        return tooLong;
      }
      pos++;
      if (c == '\n') {
        line++;
      }
      if (text.length() < MAX_ELEMENT_CHARS) {
        text.append((char) c);
      } else {
        tooLong = true;
      }
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
  }

  private int skipSpace() throws IOException {
    while (true) {
      int c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        pos++;
        if (c == '\n') {
          line++;
        }
      } else {
        return c;
      }
    }
  }

  private int peek() throws IOException {
    if (pos == limit) {
      limit = in.read(buf, 0, buf.length);
      pos = 0;
      if (limit <= 0) {
        limit = 0;
        return -1;
      }
    }
    return buf[pos];
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
