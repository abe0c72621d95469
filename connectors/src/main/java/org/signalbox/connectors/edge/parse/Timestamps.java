package org.signalbox.connectors.edge.parse;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** The timestamp forms the supported logs use, parsed without regular expressions. */
public final class Timestamps {
  private Timestamps() {}

  /**
   * ISO 8601 / RFC 3339 date-time with optional fraction (any number of digits) and an optional
   * offset written {@code Z}, {@code +hh:mm}, {@code +hhmm} or {@code +hh}; without an offset the
   * time is read as UTC. Suricata writes {@code 2018-03-24T14:37:19.037299-0600}.
   *
   * @throws MalformedRecordException naming the fault
   */
  public static long parseIso(String s) throws MalformedRecordException {
    int n = s.length();
    if (n < 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || (s.charAt(10) != 'T' && s.charAt(10) != ' ' && s.charAt(10) != 't')) {
      throw new MalformedRecordException("timestamp '" + clip(s) + "' is not ISO 8601");
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if ((year | month | day | hour | minute | second) < 0) {
      throw new MalformedRecordException(
          "timestamp '" + clip(s) + "' has a non-digit in its date or time");
    }
    int i = 19;
    long nanos = 0;
    if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
      i++;
      int start = i;
      long scale = 100_000_000L;
      while (i < n && Character.isDigit(s.charAt(i))) {
        nanos += (s.charAt(i) - '0') * scale;
        scale /= 10;
        i++;
      }
      if (i == start) {
        throw new MalformedRecordException("timestamp '" + clip(s) + "' has an empty fraction");
      }
    }
    int offsetSeconds = 0;
    if (i < n) {
      char c = s.charAt(i);
      if ((c == 'Z' || c == 'z') && i == n - 1) {
        offsetSeconds = 0;
      } else if (c == '+' || c == '-') {
        String off = s.substring(i + 1).replace(":", "");
        int h = off.length() >= 2 ? digits(off, 0, 2) : -1;
        int m = off.length() == 4 ? digits(off, 2, 4) : off.length() == 2 ? 0 : -1;
        if (h < 0 || m < 0 || h > 18 || m > 59) {
          throw new MalformedRecordException("timestamp '" + clip(s) + "' has a bad UTC offset");
        }
        offsetSeconds = (c == '-' ? -1 : 1) * (h * 3600 + m * 60);
      } else {
        throw new MalformedRecordException(
            "timestamp '" + clip(s) + "' has unexpected text at position " + i);
      }
    }
    try {
      LocalDateTime t = LocalDateTime.of(year, month, day, hour, minute, second);
      return t.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds)) * 1000 + nanos / 1_000_000;
    } catch (DateTimeException e) {
      throw new MalformedRecordException("timestamp '" + clip(s) + "': " + e.getMessage());
    }
  }

  /** Epoch seconds with an optional fraction, as Zeek writes {@code ts}. */
  public static long parseEpochSeconds(String s) throws MalformedRecordException {
    try {
      double d = Double.parseDouble(s);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      int dot = s.indexOf('.');
      if (dot < 0) {
        return Long.parseLong(s) * 1000;
      }
      // Integer arithmetic on the digits keeps microsecond timestamps exact to the millisecond.
      long secs = dot == 0 ? 0 : Long.parseLong(s.substring(0, dot));
      String frac = (s.substring(dot + 1) + "000").substring(0, 3);
      return secs * 1000 + (s.startsWith("-") ? -1 : 1) * Integer.parseInt(frac);
    } catch (NumberFormatException e) {
      throw new MalformedRecordException("time '" + clip(s) + "' is not epoch seconds");
    }
  }

  static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
