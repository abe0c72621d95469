package org.signalbox.edge.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON helpers shared by the Zeek JSON and Suricata EVE readers. */
final class JsonRecords {
  static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    // Floats are kept as the BigDecimal of their token text, trailing zeros and all: Zeek's
    // epoch-second ts (1521911720.865716) must not pass through a double, and a value's text
    // should leave as it came, not as 1.521911720865716E9.
    MAPPER.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    MAPPER.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build());
  }

  private JsonRecords() {}

  static JsonNode readObject(String line) throws MalformedRecordException {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new MalformedRecordException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new MalformedRecordException("not a JSON object");
    }
    return node;
  }

  /**
   * Flattens nested objects to dotted names; arrays of scalars become multi-valued fields, arrays
   * of objects contribute their members' values under one dotted name each (so all DNS answers'
   * {@code rdata} end up in {@code dns.answers.rdata}).
   */
  static Map<String, List<String>> flatten(JsonNode node) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    flatten("", node, out);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, List<String>> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode el : node) {
        flatten(prefix, el, out);
      }
    } else if (!node.isNull() && !prefix.isEmpty()) {
      out.computeIfAbsent(prefix, k -> new ArrayList<>(1)).add(node.asText());
    }
  }
}
