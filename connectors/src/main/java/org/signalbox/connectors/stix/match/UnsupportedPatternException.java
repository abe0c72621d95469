package org.signalbox.connectors.stix.match;

/** A valid STIX pattern the stream matcher cannot run (yet); the message says which part. */
public final class UnsupportedPatternException extends Exception {
  public UnsupportedPatternException(String message) {
    super(message);
  }
}
