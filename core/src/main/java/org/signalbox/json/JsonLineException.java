package org.signalbox.json;

/** A line of a JSON-lines file that cannot be used; the message names the line and the fault. */
public final class JsonLineException extends Exception {
  private final long line;

  public JsonLineException(String source, long line, String message) {
    super(source + ":" + line + ": " + message);
    this.line = line;
  }

  public long line() {
    return line;
  }
}
