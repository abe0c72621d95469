package org.signalbox.observable;

/** Quoting of offending values in error messages, bounded so that a 1 MB value stays readable. */
final class Messages {
  static final int MAX_QUOTED = 100;

  private Messages() {}

  /** {@code 'value'}, or the first 100 characters and the total length for longer values. */
  static String quote(String value) {
    return "'" + shorten(value) + "'";
  }

  static String shorten(String value) {
    if (value.length() <= MAX_QUOTED) {
      return value;
    }
    return value.substring(0, MAX_QUOTED) + "...(" + value.length() + " chars)";
  }
}
