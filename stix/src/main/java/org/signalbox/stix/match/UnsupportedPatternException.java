package org.signalbox.stix.match;

/**
 * A valid STIX pattern the stream matcher cannot run; the message says which part. Either not yet
 * (an object path or operator the matcher does not cover: the importers store such patterns for
 * when it does), or {@link #unmatchable never}: a comparison that can never be true or is true of
 * every value, which the importers refuse.
 */
public final class UnsupportedPatternException extends Exception {
  private final boolean unmatchable;

  public UnsupportedPatternException(String message) {
    this(message, false);
  }

  public UnsupportedPatternException(String message, boolean unmatchable) {
    super(message);
    this.unmatchable = unmatchable;
  }

  /**
   * True if no matcher could ever run the pattern usefully: a regex our automata cannot express
   * (back-references, look-around), or a comparison that always or never holds, or a network
   * broader than the limits.
   */
  public boolean unmatchable() {
    return unmatchable;
  }
}
