package org.signalbox.importers.stix;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads STIX content while remembering where each top-level object (an element of a bundle's or an
 * envelope's {@code objects}, of a root array, or the root object itself) starts in the text, and
 * where its {@code pattern} string is: a rejection then names a line and column a person can find
 * in the file, also in a bundle written on one line.
 */
final class LocatedObjects {

  /** A place in the input text, 1-based. */
  record Position(long line, long column) {
    static Position of(JsonLocation l) {
      return new Position(l.getLineNr(), l.getColumnNr());
    }

    @Override
    public String toString() {
      return "line " + line + ", column " + column;
    }
  }

  /** One object, where it starts, and where its {@code pattern} value starts (or null). */
  record Located(JsonNode node, Position at, Position patternAt) {}

  final List<Located> objects = new ArrayList<>();
  JsonNode root;

  private final ObjectMapper mapper;

  private LocatedObjects(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Reads the whole document from {@code p}; {@link #root} is null for empty input. */
  static LocatedObjects read(ObjectMapper mapper, JsonParser p) throws IOException {
    LocatedObjects r = new LocatedObjects(mapper);
    JsonToken t = p.nextToken();
    if (t == null) {
      return r;
    }
    if (t == JsonToken.START_ARRAY) {
      r.root = r.objectList(p);
    } else if (t == JsonToken.START_OBJECT) {
      Position at = Position.of(p.currentTokenLocation());
      ObjectNode o = mapper.createObjectNode();
      Position patternAt = null;
      boolean hasObjects = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("objects") && v == JsonToken.START_ARRAY) {
          o.set(name, r.objectList(p));
          hasObjects = true;
        } else {
          if (name.equals("pattern") && v == JsonToken.VALUE_STRING) {
            patternAt = Position.of(p.currentTokenLocation());
          }
          o.set(name, mapper.readTree(p));
        }
      }
      r.root = o;
      if (!hasObjects) {
        r.objects.add(new Located(o, at, patternAt));
      }
    } else {
      r.root = mapper.readTree(p);
    }
    if (p.nextToken() != null) {
      throw new com.fasterxml.jackson.core.JsonParseException(
          p, "more content after the end of the document");
    }
    return r;
  }

  /** The elements of an array of objects; the parser is on its START_ARRAY. */
  private ArrayNode objectList(JsonParser p) throws IOException {
    ArrayNode a = mapper.createArrayNode();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      Position at = Position.of(p.currentTokenLocation());
      if (t != JsonToken.START_OBJECT) {
        JsonNode n = mapper.readTree(p);
        a.add(n);
        objects.add(new Located(n, at, null));
        continue;
      }
      ObjectNode o = mapper.createObjectNode();
      Position patternAt = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("pattern") && v == JsonToken.VALUE_STRING) {
          patternAt = Position.of(p.currentTokenLocation());
        }
        o.set(name, mapper.readTree(p));
      }
      a.add(o);
      objects.add(new Located(o, at, patternAt));
    }
    return a;
  }
}
