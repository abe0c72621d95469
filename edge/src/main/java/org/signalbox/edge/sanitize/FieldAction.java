package org.signalbox.edge.sanitize;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** What the policy lets happen to an allowlisted attribute field. */
public enum FieldAction {
  /** The treatment the field's kind calls for (see EDGE.md). */
  AUTO,
  /** Pass as is, once checked: no control characters, bounded length, no PII found in it. */
  KEEP,
  /** Free text: PII redacted, internal names pseudonymized, length bounded. */
  TEXT,
  /** Replaced by a keyed pseudonym. */
  PSEUDONYM,
  /** Explicitly not passed (documents a decision; same effect as not listing the field). */
  DROP;

  @JsonCreator
  public static FieldAction parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown field action '" + s + "' (auto, keep, text, pseudonym, drop)");
    }
  }
}
