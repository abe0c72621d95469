package org.signalbox.importers.csv;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.signalbox.schema.ObservableType;

/**
 * Which CSV column holds what. Columns are named by header name or by 1-based number. Either a
 * fixed {@code type} for the whole feed or a {@code type} column (MISP type names or observable
 * type names) is needed.
 *
 * @param value column with the indicator value (required)
 * @param type column with the value's type, or null when {@code fixedType} is set
 * @param fixedType type of every value, or null
 * @param time column with first-seen / date-added time (ISO 8601 or {@code yyyy-MM-dd HH:mm:ss}
 *     UTC), used as version and validFrom; null for the import time
 * @param malware column with a malware family name, or null
 * @param tags column with tags (separated by ',' ';' or '|'), or null
 */
public record CsvColumnMapping(
    String value, String type, ObservableType fixedType, String time, String malware, String tags) {

  public CsvColumnMapping {
    Objects.requireNonNull(value, "a value column is required");
    if (type == null && fixedType == null) {
      throw new IllegalArgumentException("give a type column or a fixed type");
    }
  }

  /**
   * Parses {@code value=dst_ip,time=first_seen_utc,malware=malware,type=IPV4}: keys value, type,
   * time, malware, tags; a {@code type} that names an observable type (IPV4, DOMAIN, URL, SHA256,
   * ...) fixes it, anything else names the type column.
   */
  public static CsvColumnMapping parse(String spec) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String part : spec.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "column mapping '"
                + part
                + "' is not key=column (keys: value, type, time, malware, tags)");
      }
      String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (!key.matches("value|type|time|malware|tags")) {
        throw new IllegalArgumentException(
            "unknown column mapping key '" + key + "' (keys: value, type, time, malware, tags)");
      }
      m.put(key, part.substring(eq + 1).strip());
    }
    if (!m.containsKey("value")) {
      throw new IllegalArgumentException("column mapping needs value=<column>");
    }
    String type = m.get("type");
    ObservableType fixed = null;
    if (type != null) {
      try {
        fixed = ObservableType.valueOf(type.toUpperCase(Locale.ROOT));
        type = null;
      } catch (IllegalArgumentException e) {
        // Not a type name, so it names the type column.
      }
    }
    return new CsvColumnMapping(
        m.get("value"), type, fixed, m.get("time"), m.get("malware"), m.get("tags"));
  }
}
