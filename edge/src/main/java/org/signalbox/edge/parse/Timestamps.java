package org.signalbox.edge.parse;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.signalbox.schema.support.EventTimeBounds;

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
    long millis;
    try {
      LocalDateTime t = LocalDateTime.of(year, month, day, hour, minute, second);
      millis = t.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds)) * 1000 + nanos / 1_000_000;
    } catch (DateTimeException e) {
      throw new MalformedRecordException("timestamp '" + clip(s) + "': " + e.getMessage());
    }
    return plausible(millis, s);
  }

  /**
   * Epoch seconds with an optional fraction, as Zeek writes {@code ts}: read exactly from the text
   * (never through a double, which rounds microsecond timestamps and prints large ones in
   * scientific notation), truncated to the millisecond. An exponent ({@code 1.7E9}) is accepted.
   */
  public static long parseEpochSeconds(String s) throws MalformedRecordException {
    BigDecimal d;
    try {
      d = new BigDecimal(s.strip());
    } catch (NumberFormatException e) {
      throw new MalformedRecordException("time '" + clip(s) + "' is not epoch seconds");
    }
    return plausible(epochSecondsToMillis(d, s), s);
  }

  /** As {@link #parseEpochSeconds(String)}, for a number a JSON parser read exactly. */
  public static long parseEpochSeconds(BigDecimal d) throws MalformedRecordException {
    return plausible(epochSecondsToMillis(d, null), null);
  }

  /** Epoch seconds to microseconds, exact from the text; for callers that keep microseconds. */
  public static long epochSecondsToMicros(BigDecimal d) throws MalformedRecordException {
    return scaled(d, 6, null);
  }

  private static long epochSecondsToMillis(BigDecimal d, String text)
      throws MalformedRecordException {
    return scaled(d, 3, text);
  }

  private static long scaled(BigDecimal d, int digits, String text)
      throws MalformedRecordException {
    String shown = clip(text == null ? d.toString() : text);
    // precision - scale is the number of integer digits. Checked before any arithmetic, so an
    // exponent such as 1E999999999 costs nothing; 10^12 seconds is year ~33658, well past any
    // bound, and leaves the millisecond and microsecond values inside a long.
    int integerDigits = d.precision() - d.scale();
    if (integerDigits > 12) {
      throw new MalformedRecordException("time '" + shown + "' is out of range");
    }
    if (integerDigits < -digits) {
      return d.signum() < 0 ? -1 : 0;
    }
    return d.movePointRight(digits).setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  /**
   * The edge rejects event times outside {@link EventTimeBounds}, the range the correlate job
   * accepts: a year-0000 or year-540678 time is a parser or clock fault, and it would be a dead
   * letter downstream anyway.
   */
  static long plausible(long millis, String text) throws MalformedRecordException {
    long skew = EventTimeBounds.DEFAULT_MAX_FUTURE_SKEW.toMillis();
    if (!EventTimeBounds.plausible(millis, System.currentTimeMillis(), skew)) {
      throw new MalformedRecordException(
          "event time "
              + (text == null ? "" : "'" + clip(text) + "' ")
              + "("
              + describeInstant(millis)
              + ") is outside "
              + EventTimeBounds.describe(skew));
    }
    return millis;
  }

  private static String describeInstant(long millis) {
    try {
      return Instant.ofEpochMilli(millis).toString();
    } catch (DateTimeException e) {
      return millis + " ms";
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
