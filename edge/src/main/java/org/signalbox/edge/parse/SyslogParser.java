package org.signalbox.edge.parse;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Syslog in RFC 5424 ({@code <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG}) and RFC 3164 ({@code
 * <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG}) form; the {@code <PRI>} part may be missing, as in
 * files written by a local syslog daemon. An RFC 3164 time has no year and no zone: it is read as
 * UTC in the year that puts it closest before the reading time.
 */
public final class SyslogParser implements LineParser {
  static final String[] FACILITIES = {
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7"
  };
  static final String[] SEVERITIES = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
  };
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

  private final String origin;
  private final LongSupplier clock;

  public SyslogParser(String origin, LongSupplier clock) {
    this.origin = origin;
    this.clock = clock;
  }

  @Override
  public List<ParsedRecord> parseLine(String line, long lineNumber)
      throws MalformedRecordException {
    if (line.isBlank()) {
      return List.of();
    }
    Header h = parseHeader(line, clock);
    List<ParsedField> fields = new ArrayList<>(8);
    h.addTo(fields);
    return List.of(
        new ParsedRecord("syslog", "syslog", h.time, false, origin, lineNumber, line, fields));
  }

  /** A parsed syslog header and message; CEF over syslog uses it too. */
  static final class Header {
    int pri = -1;
    long time;
    String host;
    String app;
    String procId;
    String msgId;
    List<String[]> structuredData = new ArrayList<>();
    String message = "";
    boolean rfc5424;

    void addTo(List<ParsedField> fields) {
      if (pri >= 0) {
        int fac = pri >> 3;
        fields.add(
            ParsedField.of(
                "syslog.facility",
                FieldKind.TOKEN,
                null,
                fac < FACILITIES.length ? FACILITIES[fac] : Integer.toString(fac)));
        fields.add(ParsedField.of("syslog.severity", FieldKind.TOKEN, null, SEVERITIES[pri & 7]));
      }
      if (host != null) {
        fields.add(ParsedField.of("syslog.hostname", FieldKind.INTERNAL_HOST, null, host));
      }
      if (app != null) {
        fields.add(ParsedField.of("syslog.app_name", FieldKind.TOKEN, null, app));
      }
      if (procId != null) {
        fields.add(ParsedField.of("syslog.procid", FieldKind.TOKEN, null, procId));
      }
      if (msgId != null) {
        fields.add(ParsedField.of("syslog.msgid", FieldKind.TOKEN, null, msgId));
      }
      for (String[] p : structuredData) {
        fields.add(ParsedField.of("syslog.sd." + p[0] + "." + p[1], FieldKind.TEXT, null, p[2]));
      }
      if (!message.isEmpty()) {
        fields.add(ParsedField.of("syslog.message", FieldKind.TEXT, null, message));
      }
    }
  }

  static Header parseHeader(String line, LongSupplier clock) throws MalformedRecordException {
    Header h = new Header();
    int i = 0;
    if (line.charAt(0) == '<') {
      int close = line.indexOf('>');
      if (close < 2 || close > 4) {
        throw new MalformedRecordException("syslog PRI is not <0..191>");
      }
      int pri = Timestamps.digits(line, 1, close);
      if (pri < 0 || pri > 191) {
        throw new MalformedRecordException("syslog PRI is not <0..191>");
      }
      h.pri = pri;
      i = close + 1;
    }
    if (line.startsWith("1 ", i)) {
      parse5424(line, i + 2, h);
    } else {
      parse3164(line, i, h, clock);
    }
    return h;
  }

  private static void parse5424(String line, int i, Header h) throws MalformedRecordException {
    h.rfc5424 = true;
    String[] parts = new String[5];
    for (int p = 0; p < 5; p++) {
      int sp = line.indexOf(' ', i);
      if (sp < 0) {
        throw new MalformedRecordException("RFC 5424 header ends after " + p + " of 5 fields");
      }
      parts[p] = line.substring(i, sp);
      i = sp + 1;
    }
    if (parts[0].equals("-")) {
      throw new MalformedRecordException("RFC 5424 record without a timestamp");
    }
    h.time = Timestamps.parseIso(parts[0]);
    h.host = nil(parts[1]);
    h.app = nil(parts[2]);
    h.procId = nil(parts[3]);
    h.msgId = nil(parts[4]);
    if (i < line.length() && line.charAt(i) == '[') {
      i = parseStructuredData(line, i, h);
    } else if (line.startsWith("-", i)) {
      i++;
    } else {
      throw new MalformedRecordException("RFC 5424 STRUCTURED-DATA is neither '-' nor '[...]'");
    }
    if (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    String msg = i < line.length() ? line.substring(i) : "";
    if (msg.startsWith("\uFEFF")) {
      msg = msg.substring(1);
    }
    h.message = msg;
  }

  private static int parseStructuredData(String line, int i, Header h)
      throws MalformedRecordException {
    int n = line.length();
    while (i < n && line.charAt(i) == '[') {
      int j = i + 1;
      while (j < n && line.charAt(j) != ' ' && line.charAt(j) != ']') {
        j++;
      }
      String id = line.substring(i + 1, j);
      while (j < n && line.charAt(j) == ' ') {
        int eq = line.indexOf('=', j);
        if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') {
          throw new MalformedRecordException(
              "RFC 5424 SD-PARAM without =\"value\" in [" + id + "]");
        }
        String name = line.substring(j + 1, eq);
        StringBuilder v = new StringBuilder();
        int k = eq + 2;
        for (; k < n; k++) {
          char c = line.charAt(k);
          if (c == '\\' && k + 1 < n && "\"\\]".indexOf(line.charAt(k + 1)) >= 0) {
            v.append(line.charAt(++k));
          } else if (c == '"') {
            break;
          } else {
            v.append(c);
          }
        }
        if (k >= n) {
          throw new MalformedRecordException("RFC 5424 SD-PARAM value not closed in [" + id + "]");
        }
        h.structuredData.add(new String[] {id, name, v.toString()});
        j = k + 1;
      }
      if (j >= n || line.charAt(j) != ']') {
        throw new MalformedRecordException("RFC 5424 SD-ELEMENT [" + id + " not closed");
      }
      i = j + 1;
    }
    return i;
  }

  private static void parse3164(String line, int i, Header h, LongSupplier clock)
      throws MalformedRecordException {
    if (line.length() < i + 16
        || line.charAt(i + 3) != ' '
        || line.charAt(i + 6) != ' '
        || line.charAt(i + 9) != ':'
        || line.charAt(i + 12) != ':'
        || line.charAt(i + 15) != ' ') {
      throw new MalformedRecordException(
          "neither RFC 5424 ('1 ' after PRI) nor an RFC 3164 'Mmm dd hh:mm:ss' timestamp");
    }
    int month = MONTHS.indexOf(line.substring(i, i + 3));
    if (month < 0 || month % 3 != 0) {
      throw new MalformedRecordException("RFC 3164 timestamp has an unknown month");
    }
    String dayText = line.substring(i + 4, i + 6).trim();
    int day = Timestamps.digits(dayText, 0, dayText.length());
    int hh = Timestamps.digits(line, i + 7, i + 9);
    int mm = Timestamps.digits(line, i + 10, i + 12);
    int ss = Timestamps.digits(line, i + 13, i + 15);
    if (day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) {
      throw new MalformedRecordException("RFC 3164 timestamp out of range");
    }
    long now = clock.getAsLong();
    int year = LocalDateTime.ofEpochSecond(now / 1000, 0, ZoneOffset.UTC).getYear();
    long t;
    try {
      t =
          LocalDateTime.of(year, month / 3 + 1, day, hh, mm, Math.min(ss, 59))
                  .toEpochSecond(ZoneOffset.UTC)
              * 1000;
      if (t > now + 86_400_000L) {
        // December logs read in January belong to last year.
        t =
            LocalDateTime.of(year - 1, month / 3 + 1, day, hh, mm, Math.min(ss, 59))
                    .toEpochSecond(ZoneOffset.UTC)
                * 1000;
      }
    } catch (java.time.DateTimeException e) {
      throw new MalformedRecordException("RFC 3164 timestamp: " + e.getMessage());
    }
    h.time = t;
    int p = i + 16;
    int sp = line.indexOf(' ', p);
    if (sp < 0) {
      h.host = line.substring(p);
      return;
    }
    h.host = line.substring(p, sp);
    String rest = line.substring(sp + 1);
    // TAG is up to 32 alphanumerics ending at '[', ':' or ' '; what follows is the message.
    int t2 = 0;
    while (t2 < rest.length() && t2 < 48) {
      char c = rest.charAt(t2);
      if (c == '[' || c == ':' || c == ' ') {
        break;
      }
      t2++;
    }
    if (t2 > 0 && t2 < rest.length() && (rest.charAt(t2) == '[' || rest.charAt(t2) == ':')) {
      h.app = rest.substring(0, t2);
      int k = t2;
      if (rest.charAt(k) == '[') {
        int close = rest.indexOf(']', k);
        if (close > k) {
          h.procId = rest.substring(k + 1, close);
          k = close + 1;
        }
      }
      if (k < rest.length() && rest.charAt(k) == ':') {
        k++;
      }
      if (k < rest.length() && rest.charAt(k) == ' ') {
        k++;
      }
      h.message = rest.substring(Math.min(k, rest.length()));
    } else {
      h.message = rest;
    }
  }

  private static String nil(String s) {
    return s.equals("-") ? null : s;
  }
}
