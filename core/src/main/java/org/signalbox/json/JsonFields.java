package org.signalbox.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reading typed fields from JSON objects with messages that say which field is wrong. */
final class JsonFields {

  /**
   * One JSON-lines line as an object.
   *
   * @throws JsonLineException naming the line when it is not JSON or not an object
   */
  static JsonNode object(ObjectMapper mapper, String source, long lineNo, String line)
      throws JsonLineException {
    JsonNode o;
    try {
      o = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      throw new JsonLineException(source, lineNo, "not JSON: " + e.getOriginalMessage());
    }
    if (o == null || !o.isObject()) {
      throw new JsonLineException(source, lineNo, "expected a JSON object");
    }
    return o;
  }

  private JsonFields() {}

  static String text(JsonNode o, String field, boolean required) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new IllegalArgumentException("missing field '" + field + "'");
      }
      return null;
    }
    if (!n.isValueNode()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return n.asText();
  }

  /** ISO-8601 with offset ({@code 2026-11-23T10:00:00Z}) or epoch milliseconds. */
  static Instant time(JsonNode o, String field, boolean required) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new IllegalArgumentException("missing field '" + field + "'");
      }
      return null;
    }
    if (n.isIntegralNumber()) {
      return Instant.ofEpochMilli(n.asLong());
    }
    try {
      return OffsetDateTime.parse(n.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "field '"
              + field
              + "' is not an ISO-8601 time with offset or epoch milliseconds: '"
              + n.asText()
              + "'");
    }
  }

  static List<String> strings(JsonNode o, String field) {
    JsonNode n = o.get(field);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException("field '" + field + "' must be an array of strings");
    }
    n.forEach(e -> out.add(e.asText()));
    return out;
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, String text, String field) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace('+', '_');
    try {
      return Enum.valueOf(type, t);
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException(
          "field '" + field + "': unknown value '" + text + "', expected one of " + names);
    }
  }
}
