package org.signalbox.edge.parse;

import java.util.List;

/**
 * A log record as parsed, still holding the member's raw values; it must pass the sanitizer before
 * anything of it leaves the member.
 *
 * @param sourceType e.g. {@code zeek.dns}, {@code suricata.alert}, {@code syslog}, {@code cef}
 * @param eventTimeMillis UTC milliseconds
 * @param eventTimeFromClock true when the record had no time of its own and the reading time was
 *     used
 * @param origin file name (no directory) or "stdin"
 * @param line 1-based line where the record starts
 * @param identity text that identifies the record for its event id (usually the raw line)
 */
public record ParsedRecord(
    String parser,
    String sourceType,
    long eventTimeMillis,
    boolean eventTimeFromClock,
    String origin,
    long line,
    String identity,
    List<ParsedField> fields) {}
