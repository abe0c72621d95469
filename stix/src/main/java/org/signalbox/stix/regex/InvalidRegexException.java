package org.signalbox.stix.regex;

/** A regular expression or wildcard pattern that cannot be run in linear time, with why. */
public final class InvalidRegexException extends Exception {
  public InvalidRegexException(String message) {
    super(message);
  }
}
