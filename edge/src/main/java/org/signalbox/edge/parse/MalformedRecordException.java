package org.signalbox.edge.parse;

/** A line or record that cannot be parsed; the message says why, for the reject report. */
public final class MalformedRecordException extends Exception {
  public MalformedRecordException(String reason) {
    super(reason);
  }
}
