package org.signalbox.edge.parse;

import java.util.List;

/**
 * A parser for a line-oriented log. Instances keep per-file state (the Zeek header, for one) and
 * are therefore used for one input at a time.
 */
public interface LineParser {
  /**
   * Parses one line.
   *
   * @return the records on this line: none for header or blank lines, usually one
   * @throws MalformedRecordException when the line cannot be parsed; the caller reports and skips
   *     it and goes on with the next line
   */
  List<ParsedRecord> parseLine(String line, long lineNumber) throws MalformedRecordException;
}
