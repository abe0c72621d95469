package org.signalbox.edge.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Zeek logs written with {@code LogAscii::use_json=T}: one JSON object a line with the same field
 * names as the TSV logs. The log path comes from {@code _path} when Zeek wrote it, else from the
 * file name. {@code ts} may be epoch seconds or ISO 8601 (Zeek's {@code json_timestamps}).
 */
public final class ZeekJsonParser implements LineParser {
  private final String origin;
  private final String fallbackPath;

  public ZeekJsonParser(String origin, String fallbackPath) {
    this.origin = origin;
    this.fallbackPath = fallbackPath == null ? "unknown" : fallbackPath;
  }

  @Override
  public List<ParsedRecord> parseLine(String line, long lineNumber)
      throws MalformedRecordException {
    if (line.isBlank()) {
      return List.of();
    }
    JsonNode node = JsonRecords.readObject(line);
    JsonNode ts = node.get("ts");
    if (ts == null || ts.isNull()) {
      throw new MalformedRecordException("no ts value");
    }
    long time;
    if (ts.isNumber()) {
      // JsonRecords reads floats as BigDecimal from the token text, so this is exact.
      time = Timestamps.parseEpochSeconds(ts.decimalValue());
    } else if (ts.isTextual() && looksIso(ts.asText())) {
      time = Timestamps.parseIso(ts.asText()); // json.timestamps=JSON::TS_ISO8601
    } else if (ts.isTextual()) {
      time = Timestamps.parseEpochSeconds(ts.asText());
    } else {
      throw new MalformedRecordException("ts is neither a number nor a string");
    }
    String path = node.hasNonNull("_path") ? node.get("_path").asText() : fallbackPath;
    Map<String, List<String>> flat = JsonRecords.flatten(node);
    List<ParsedField> out = new ArrayList<>(flat.size());
    for (Map.Entry<String, List<String>> e : flat.entrySet()) {
      String field = e.getKey();
      if (field.equals("ts") || field.equals("_path") || field.equals("_write_ts")) {
        continue;
      }
      List<String> values = e.getValue();
      ZeekFields.Meaning m = ZeekFields.meaning(path, field, null);
      if (m == null) {
        // No #types in JSON: a value that reads as an address is one, numbers and booleans are
        // tokens, and any other string is free text.
        JsonNode raw = node.get(field);
        if (raw != null && (raw.isNumber() || raw.isBoolean())) {
          m = new ZeekFields.Meaning(FieldKind.TOKEN, null);
        } else {
          m = new ZeekFields.Meaning(FieldKind.TEXT, null);
        }
      }
      out.add(new ParsedField(path + "." + field, m.kind(), m.role(), values));
    }
    ZeekFields.addDerived(path, flat, out);
    return List.of(
        new ParsedRecord("zeek-json", "zeek." + path, time, false, origin, lineNumber, line, out));
  }

  private static boolean looksIso(String s) {
    return s.length() > 4 && s.charAt(4) == '-';
  }
}
