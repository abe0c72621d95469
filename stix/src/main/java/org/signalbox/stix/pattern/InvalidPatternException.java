package org.signalbox.stix.pattern;

/**
 * A STIX pattern that is not valid under the STIX 2.1 patterning grammar. The message starts with
 * the 1-based column of the fault, e.g. {@code column 27: expected ']' but found end of pattern}.
 */
public final class InvalidPatternException extends Exception {
  private final int column;

  public InvalidPatternException(int column, String detail) {
    super("column " + column + ": " + detail);
    this.column = column;
  }

  /** 1-based column (UTF-16 code unit) of the fault; one past the end for a truncated pattern. */
  public int column() {
    return column;
  }
}
