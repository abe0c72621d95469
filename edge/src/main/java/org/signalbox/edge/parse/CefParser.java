package org.signalbox.edge.parse;

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

  /** Lower-cased key name (short and long form) to its canonical (short) name. */
  private static final Map<String, String> CANONICAL = new HashMap<>();

  /** Canonical key name to what it holds. */
  private static final Map<String, Meaning> KEYS = new HashMap<>();

  static {
    // ArcSight CEF: key names are case-insensitive, and most have a short and a full name.
    // All spellings map to one canonical key (the short one when there is one), so that policy
    // entries and meanings cannot be dodged with "sourceUserName" or "SUSER".
    k("src", "sourceAddress", FieldKind.IP, SOURCE);
    k("dst", "destinationAddress", FieldKind.IP, DESTINATION);
    k("c6a1", "deviceCustomIPv6Address1", FieldKind.IP, OTHER);
    k("c6a2", "deviceCustomIPv6Address2", FieldKind.IP, SOURCE);
    k("c6a3", "deviceCustomIPv6Address3", FieldKind.IP, DESTINATION);
    k("c6a4", "deviceCustomIPv6Address4", FieldKind.IP, OTHER);
    k("sourceTranslatedAddress", null, FieldKind.IP, SOURCE);
    k("destinationTranslatedAddress", null, FieldKind.IP, DESTINATION);
    k("deviceTranslatedAddress", null, FieldKind.IP, OTHER);
    k("dvc", "deviceAddress", FieldKind.IP, OTHER);
    k("agt", "agentAddress", FieldKind.IP, OTHER);
    k("shost", "sourceHostName", FieldKind.HOST, SOURCE);
    k("dhost", "destinationHostName", FieldKind.HOST, DESTINATION);
    k("sourceDnsDomain", null, FieldKind.HOST, null);
    k("destinationDnsDomain", null, FieldKind.HOST, null);
    k("dvchost", "deviceHostName", FieldKind.INTERNAL_HOST, null);
    k("ahost", "agentHostName", FieldKind.INTERNAL_HOST, null);
    k("deviceDnsDomain", null, FieldKind.INTERNAL_HOST, null);
    k("deviceNtDomain", null, FieldKind.INTERNAL_HOST, null);
    k("sntdom", "sourceNtDomain", FieldKind.INTERNAL_HOST, null);
    k("dntdom", "destinationNtDomain", FieldKind.INTERNAL_HOST, null);
    k("suser", "sourceUserName", FieldKind.USER, null);
    k("duser", "destinationUserName", FieldKind.USER, null);
    k("suid", "sourceUserId", FieldKind.IDENTIFIER, null);
    k("duid", "destinationUserId", FieldKind.IDENTIFIER, null);
    k("spriv", "sourceUserPrivileges", FieldKind.IDENTIFIER, null);
    k("dpriv", "destinationUserPrivileges", FieldKind.IDENTIFIER, null);
    k("smac", "sourceMacAddress", FieldKind.IDENTIFIER, null);
    k("dmac", "destinationMacAddress", FieldKind.IDENTIFIER, null);
    k("dvcmac", "deviceMacAddress", FieldKind.IDENTIFIER, null);
    k("amac", "agentMacAddress", FieldKind.IDENTIFIER, null);
    k("aid", "agentId", FieldKind.IDENTIFIER, null);
    k("deviceExternalId", null, FieldKind.IDENTIFIER, null);
    k("spid", "sourceProcessId", FieldKind.TOKEN, null);
    k("dpid", "destinationProcessId", FieldKind.TOKEN, null);
    k("dvcpid", "deviceProcessId", FieldKind.TOKEN, null);
    k("sproc", "sourceProcessName", FieldKind.TEXT, null);
    k("dproc", "destinationProcessName", FieldKind.TEXT, null);
    k("request", "requestUrl", FieldKind.URL, ObservableRole.URL);
    k("requestContext", null, FieldKind.URL, ObservableRole.REFERRER);
    k("requestCookies", null, FieldKind.SECRET, null);
    k("requestClientApplication", null, FieldKind.USER_AGENT, USER_AGENT);
    k("requestMethod", null, FieldKind.TOKEN, null);
    k("fileHash", null, FieldKind.HASH, FILE_HASH);
    k("oldFileHash", null, FieldKind.HASH, FILE_HASH);
    k("fname", "fileName", FieldKind.FILE_NAME, null);
    k("oldFileName", null, FieldKind.FILE_NAME, null);
    k("filePath", null, FieldKind.TEXT, null);
    k("oldFilePath", null, FieldKind.TEXT, null);
    k("msg", "message", FieldKind.TEXT, null);
    k("spt", "sourcePort", FieldKind.TOKEN, null);
    k("dpt", "destinationPort", FieldKind.TOKEN, null);
    k("proto", "transportProtocol", FieldKind.TOKEN, null);
    k("act", "deviceAction", FieldKind.TOKEN, null);
    k("app", "applicationProtocol", FieldKind.TOKEN, null);
    k("cnt", "baseEventCount", FieldKind.TOKEN, null);
    k("in", "bytesIn", FieldKind.TOKEN, null);
    k("out", "bytesOut", FieldKind.TOKEN, null);
    k("outcome", "eventOutcome", FieldKind.TOKEN, null);
    k("cat", "deviceEventCategory", FieldKind.TOKEN, null);
    k("fsize", "fileSize", FieldKind.TOKEN, null);
    k("rt", "receiptTime", FieldKind.TOKEN, null);
    k("start", "startTime", FieldKind.TOKEN, null);
    k("end", "endTime", FieldKind.TOKEN, null);
    k("dtz", "deviceTimeZone", FieldKind.TOKEN, null);
    for (String t : List.of("deviceDirection", "externalId")) {
      k(t, null, FieldKind.TOKEN, null);
    }
    for (int n = 1; n <= 6; n++) {
      k("cs" + n, "deviceCustomString" + n, FieldKind.TEXT, null);
      k("cs" + n + "Label", "deviceCustomString" + n + "Label", FieldKind.TOKEN, null);
    }
    for (int n = 1; n <= 4; n++) {
      k("cn" + n, "deviceCustomNumber" + n, FieldKind.TOKEN, null);
      k("cn" + n + "Label", "deviceCustomNumber" + n + "Label", FieldKind.TOKEN, null);
      k("cfp" + n, "deviceCustomFloatingPoint" + n, FieldKind.TOKEN, null);
      k("cfp" + n + "Label", "deviceCustomFloatingPoint" + n + "Label", FieldKind.TOKEN, null);
      k("c6a" + n + "Label", "deviceCustomIPv6Address" + n + "Label", FieldKind.TOKEN, null);
    }
    k("flexString1", null, FieldKind.TEXT, null);
    k("flexString2", null, FieldKind.TEXT, null);
  }

  private static void k(String key, String longName, FieldKind kind, ObservableRole role) {
    KEYS.put(key, new Meaning(kind, role));
    CANONICAL.put(key.toLowerCase(Locale.ROOT), key);
    if (longName != null) {
      CANONICAL.put(longName.toLowerCase(Locale.ROOT), key);
    }
  }

  /**
   * The canonical spelling of a CEF extension key: the short name for any spelling of a known key
   * ({@code sourceUserName}, {@code SUSER}, {@code sUser} are all {@code suser}); an unknown key as
   * written.
   */
  public static String canonicalKey(String key) {
    String c = CANONICAL.get(key.toLowerCase(Locale.ROOT));
    return c != null ? c : key;
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
    Map<String, String> canonical = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : ext.entrySet()) {
      String key = canonicalKey(e.getKey());
      if (e.getValue().isEmpty()) {
        continue;
      }
      // Two spellings of one key in one record: keep both values under the one name.
      canonical.merge(key, e.getValue(), (a, b) -> a + "\u0000" + b);
    }
    for (Map.Entry<String, String> e : canonical.entrySet()) {
      String key = e.getKey();
      Meaning m = KEYS.get(key);
      if (m == null) {
        m = new Meaning(key.endsWith("Label") ? FieldKind.TOKEN : FieldKind.TEXT, null);
      }
      fields.add(
          new ParsedField(
              "cef." + key, m.kind(), m.role(), List.of(e.getValue().split("\u0000", -1))));
    }
    for (String tk : List.of("rt", "end", "start")) {
      String v = canonical.get(tk);
      if (v != null && v.indexOf('\u0000') >= 0) {
        v = v.substring(0, v.indexOf('\u0000'));
      }
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
