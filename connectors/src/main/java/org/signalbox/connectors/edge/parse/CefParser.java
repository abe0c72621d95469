package org.signalbox.connectors.edge.parse;

import static org.signalbox.schema.ObservableRole.DESTINATION;
import static org.signalbox.schema.ObservableRole.FILE_HASH;
import static org.signalbox.schema.ObservableRole.OTHER;
import static org.signalbox.schema.ObservableRole.SOURCE;
import static org.signalbox.schema.ObservableRole.USER_AGENT;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.signalbox.schema.ObservableRole;

/**
 * ArcSight CEF: {@code CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension},
 * optionally behind a syslog header. Header fields escape {@code |} and {@code \} with a backslash;
 * extension values escape {@code =} and {@code \} and write newlines as {@code \n} or {@code \r}.
 * Extension values may contain spaces: a value ends where the next {@code key=} begins.
 */
public final class CefParser implements LineParser {
  private record Meaning(FieldKind kind, ObservableRole role) {}

  private static final Map<String, Meaning> KEYS = new HashMap<>();

  static {
    k("src", FieldKind.IP, SOURCE);
    k("dst", FieldKind.IP, DESTINATION);
    k("c6a2", FieldKind.IP, SOURCE);
    k("c6a3", FieldKind.IP, DESTINATION);
    k("sourceTranslatedAddress", FieldKind.IP, SOURCE);
    k("destinationTranslatedAddress", FieldKind.IP, DESTINATION);
    k("dvc", FieldKind.IP, OTHER);
    k("shost", FieldKind.HOST, SOURCE);
    k("dhost", FieldKind.HOST, DESTINATION);
    k("dvchost", FieldKind.INTERNAL_HOST, null);
    k("sntdom", FieldKind.INTERNAL_HOST, null);
    k("dntdom", FieldKind.INTERNAL_HOST, null);
    k("suser", FieldKind.USER, null);
    k("duser", FieldKind.USER, null);
    k("suid", FieldKind.IDENTIFIER, null);
    k("duid", FieldKind.IDENTIFIER, null);
    k("smac", FieldKind.IDENTIFIER, null);
    k("dmac", FieldKind.IDENTIFIER, null);
    k("dvcmac", FieldKind.IDENTIFIER, null);
    k("request", FieldKind.URL, ObservableRole.URL);
    k("requestClientApplication", FieldKind.USER_AGENT, USER_AGENT);
    k("fileHash", FieldKind.HASH, FILE_HASH);
    k("oldFileHash", FieldKind.HASH, FILE_HASH);
    k("fname", FieldKind.FILE_NAME, null);
    k("filePath", FieldKind.TEXT, null);
    k("msg", FieldKind.TEXT, null);
    for (String t :
        List.of(
            "spt",
            "dpt",
            "proto",
            "act",
            "app",
            "cnt",
            "in",
            "out",
            "outcome",
            "cat",
            "deviceDirection",
            "externalId",
            "cn1",
            "cn2",
            "cn3",
            "rt",
            "start",
            "end")) {
      k(t, FieldKind.TOKEN, null);
    }
  }

  private static void k(String key, FieldKind kind, ObservableRole role) {
    KEYS.put(key, new Meaning(kind, role));
  }

  private static final DateTimeFormatter[] CEF_DATES = {
    DateTimeFormatter.ofPattern("MMM dd yyyy HH:mm:ss.SSS", Locale.ROOT),
    DateTimeFormatter.ofPattern("MMM dd yyyy HH:mm:ss", Locale.ROOT),
  };

  private final String origin;
  private final LongSupplier clock;

  public CefParser(String origin, LongSupplier clock) {
    this.origin = origin;
    this.clock = clock;
  }

  @Override
  public List<ParsedRecord> parseLine(String line, long lineNumber)
      throws MalformedRecordException {
    if (line.isBlank()) {
      return List.of();
    }
    int cef = line.indexOf("CEF:");
    if (cef < 0) {
      throw new MalformedRecordException("no 'CEF:' header");
    }
    List<ParsedField> fields = new ArrayList<>(16);
    Long time = null;
    if (cef > 0) {
      // CEF carried in syslog: the header gives time and device when the extension does not.
      SyslogParser.Header h = SyslogParser.parseHeader(line.substring(0, cef).trim() + " ", clock);
      time = h.time;
      h.message = "";
      h.addTo(fields);
    }
    List<String> header = new ArrayList<>(8);
    int i = cef + 4;
    StringBuilder cur = new StringBuilder();
    while (i < line.length() && header.size() < 7) {
      char c = line.charAt(i);
      if (c == '\\'
          && i + 1 < line.length()
          && (line.charAt(i + 1) == '|' || line.charAt(i + 1) == '\\')) {
        cur.append(line.charAt(i + 1));
        i += 2;
      } else if (c == '|') {
        header.add(cur.toString());
        cur.setLength(0);
        i++;
      } else {
        cur.append(c);
        i++;
      }
    }
    if (header.size() < 7) {
      throw new MalformedRecordException(
          "CEF header has " + (header.size() + 1) + " of 8 '|'-separated fields");
    }
    if (Timestamps.digits(header.get(0), 0, header.get(0).length()) < 0
        || header.get(0).isEmpty()) {
      throw new MalformedRecordException(
          "CEF version '" + Timestamps.clip(header.get(0)) + "' is not a number");
    }
    String[] names = {
      "version", "vendor", "product", "device_version", "signature_id", "name", "severity"
    };
    for (int h = 0; h < 7; h++) {
      if (!header.get(h).isEmpty()) {
        fields.add(
            ParsedField.of(
                "cef." + names[h], h == 5 ? FieldKind.TEXT : FieldKind.TOKEN, null, header.get(h)));
      }
    }
    Map<String, String> ext = parseExtension(line.substring(i));
    for (Map.Entry<String, String> e : ext.entrySet()) {
      String key = e.getKey();
      if (e.getValue().isEmpty()) {
        continue;
      }
      Meaning m = KEYS.get(key);
      if (m == null) {
        m = new Meaning(key.endsWith("Label") ? FieldKind.TOKEN : FieldKind.TEXT, null);
      }
      fields.add(ParsedField.of("cef." + key, m.kind(), m.role(), e.getValue()));
    }
    for (String tk : List.of("rt", "end", "start")) {
      String v = ext.get(tk);
      if (v != null && !v.isEmpty()) {
        time = parseCefTime(v);
        break;
      }
    }
    boolean fromClock = time == null;
    return List.of(
        new ParsedRecord(
            "cef",
            "cef",
            fromClock ? clock.getAsLong() : time,
            fromClock,
            origin,
            lineNumber,
            line,
            fields));
  }

  /** Splits {@code k1=v1 k2=v two k3=v3} honouring the value escapes. */
  static Map<String, String> parseExtension(String s) throws MalformedRecordException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    int n = s.length();
    int i = 0;
    while (i < n && s.charAt(i) == ' ') {
      i++;
    }
    String key = null;
    StringBuilder value = new StringBuilder();
    int keyStart = i;
    // Scan for key=, then read the value up to the next " key=" (unescaped '=' preceded by a
    // space-delimited key token).
    while (i < n) {
      if (key == null) {
        int eq = s.indexOf('=', i);
        if (eq < 0) {
          throw new MalformedRecordException(
              "CEF extension text without key=value at column " + (i + 1));
        }
        key = s.substring(keyStart, eq);
        if (!isKey(key)) {
          throw new MalformedRecordException(
              "CEF extension key '" + Timestamps.clip(key) + "' is not a key");
        }
        i = eq + 1;
        value.setLength(0);
        continue;
      }
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < n) {
        char d = s.charAt(i + 1);
        switch (d) {
          case '=' -> value.append('=');
          case '\\' -> value.append('\\');
          case 'n' -> value.append('\n');
          case 'r' -> value.append('\r');
          default -> value.append(c).append(d);
        }
        i += 2;
        continue;
      }
      if (c == ' ') {
        int next = nextKeyEnd(s, i + 1);
        if (next > 0) {
          out.put(key, value.toString().strip());
          key = null;
          keyStart = i + 1;
          i = i + 1;
          continue;
        }
      }
      // An unescaped '=' that does not start a new key (URLs written by lax producers) is text.
      value.append(c);
      i++;
    }
    if (key != null) {
      out.put(key, value.toString().strip());
    }
    return out;
  }

  /** If a key followed by '=' starts at {@code from}, the index of that '='; else -1. */
  private static int nextKeyEnd(String s, int from) {
    int j = from;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '=') {
        return j > from ? j : -1;
      }
      if (!(Character.isLetterOrDigit(c)
          || c == '_'
          || c == '.'
          || c == '-'
          || c == '['
          || c == ']')) {
        return -1;
      }
      j++;
    }
    return -1;
  }

  private static boolean isKey(String k) {
    if (k.isEmpty() || k.length() > 64) {
      return false;
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!(Character.isLetterOrDigit(c)
          || c == '_'
          || c == '.'
          || c == '-'
          || c == '['
          || c == ']')) {
        return false;
      }
    }
    return true;
  }

  static long parseCefTime(String v) throws MalformedRecordException {
    if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new MalformedRecordException("CEF time '" + Timestamps.clip(v) + "' is too large");
      }
    }
    for (DateTimeFormatter f : CEF_DATES) {
      try {
        return LocalDateTime.parse(v, f).toEpochSecond(ZoneOffset.UTC) * 1000
            + LocalDateTime.parse(v, f).getNano() / 1_000_000;
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return Timestamps.parseIso(v);
  }
}
