package org.signalbox.observable;

/** A value that cannot be brought into canonical form; the message says what is wrong with it. */
public final class InvalidObservableException extends Exception {
  public InvalidObservableException(String message) {
    super(message);
  }
}
