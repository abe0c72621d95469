package org.signalbox.edge.sanitize;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the edge read, sent, rejected and dropped, for the closing summary. Nothing is dropped
 * silently: every rejected line and every field that did not pass is counted here with its reason.
 * Single-threaded, like the edge pipeline that owns it.
 */
public final class EdgeCounters {
  public long linesRead;
  public long recordsParsed;
  public long eventsOut;
  public long observablesOut;
  public long linesRejected;
  public long fieldsDropped;
  public long fieldsNotAllowlisted;
  public final Map<String, Long> rejectReasons = new TreeMap<>();
  public final Map<String, Long> dropReasons = new TreeMap<>();
  public final Map<String, Long> notAllowlisted = new TreeMap<>();
  public final Map<String, Long> eventsBySourceType = new TreeMap<>();

  /** Names learned as internal because a DNS answer resolved them to an internal address. */
  public long namesLearnedInternal;

  /** The first of them, for the member to review (the summary stays at the member). */
  public final java.util.List<String> namesLearnedExamples = new java.util.ArrayList<>();

  private static final int LEARNED_EXAMPLES = 20;

  public void rejected(String reason) {
    linesRejected++;
    rejectReasons.merge(shorten(reason), 1L, Long::sum);
  }

  public void dropped(String field, String reason) {
    fieldsDropped++;
    dropReasons.merge(field + ": " + reason, 1L, Long::sum);
  }

  public void notAllowlisted(String field) {
    fieldsNotAllowlisted++;
    notAllowlisted.merge(field, 1L, Long::sum);
  }

  public void learnedInternal(String name) {
    namesLearnedInternal++;
    if (namesLearnedExamples.size() < LEARNED_EXAMPLES) {
      namesLearnedExamples.add(name);
    }
  }

  /** Reasons carry quoted values; the summary groups by the reason's wording before any quote. */
  private static String shorten(String reason) {
    int q = reason.indexOf('\'');
    String r = q > 0 ? reason.substring(0, q).trim() + " ..." : reason;
    return r.length() > 120 ? r.substring(0, 120) + "..." : r;
  }

  /** A human-readable multi-line summary. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("lines read: ").append(linesRead).append('\n');
    sb.append("records parsed: ").append(recordsParsed).append('\n');
    sb.append("events out: ")
        .append(eventsOut)
        .append(" (observables: ")
        .append(observablesOut)
        .append(")\n");
    eventsBySourceType.forEach(
        (k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
    sb.append("lines rejected: ").append(linesRejected).append('\n');
    rejectReasons.forEach((k, v) -> sb.append("  ").append(v).append(" x ").append(k).append('\n'));
    sb.append("fields dropped (could not be sanitized): ").append(fieldsDropped).append('\n');
    dropReasons.forEach((k, v) -> sb.append("  ").append(v).append(" x ").append(k).append('\n'));
    sb.append("fields not on the allowlist: ")
        .append(fieldsNotAllowlisted)
        .append(" (")
        .append(notAllowlisted.size())
        .append(" distinct)\n");
    sb.append("names learned as internal from DNS answers: ")
        .append(namesLearnedInternal)
        .append(namesLearnedInternal > 0 ? " (pseudonymized from then on; review them)" : "")
        .append('\n');
    for (String n : namesLearnedExamples) {
      sb.append("  ").append(n).append('\n');
    }
    if (namesLearnedInternal > namesLearnedExamples.size()) {
      sb.append("  ... and ")
          .append(namesLearnedInternal - namesLearnedExamples.size())
          .append(" more\n");
    }
    return sb.toString();
  }
}
