package org.signalbox.edge.parse;

import java.util.List;
import org.signalbox.schema.ObservableRole;

/**
 * One field of a parsed record, before sanitizing.
 *
 * @param name qualified name, the key policies use (e.g. {@code dns.query}, {@code
 *     alert.signature}, {@code syslog.message}, {@code cef.src})
 * @param role the observable role when the field names something indicators can match, else null
 * @param values one value, or several for Zeek sets and vectors and JSON arrays; never empty
 */
public record ParsedField(String name, FieldKind kind, ObservableRole role, List<String> values) {
  public static ParsedField of(String name, FieldKind kind, ObservableRole role, String value) {
    return new ParsedField(name, kind, role, List.of(value));
  }
}
