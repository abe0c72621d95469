package org.signalbox.edge.parse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Zeek's TSV log format, driven by its header: {@code #separator} (written with {@code \x}
 * escapes), {@code #set_separator}, {@code #empty_field}, {@code #unset_field}, {@code #path},
 * {@code #fields} and {@code #types}. Several headers may follow each other in one stream (log
 * files concatenated, or a log rotated under {@code --follow}); each applies to the lines after it.
 */
public final class ZeekTsvParser implements LineParser {
  private final String origin;
  private String separator = "\t";
  private String setSeparator = ",";
  private String emptyField = "(empty)";
  private String unsetField = "-";
  private String path;
  private String[] fields;
  private String[] types;
  private ZeekFields.Meaning[] meanings;
  private int tsIndex = -1;
  private final String fallbackPath;

  /**
   * @param origin file name for provenance
   * @param fallbackPath log path to use when the header has no {@code #path} (e.g. from the file
   *     name), or null
   */
  public ZeekTsvParser(String origin, String fallbackPath) {
    this.origin = origin;
    this.fallbackPath = fallbackPath;
  }

  /** The log path the current header announced, or null before a header. */
  public String path() {
    return path;
  }

  @Override
  public List<ParsedRecord> parseLine(String line, long lineNumber)
      throws MalformedRecordException {
    if (line.isEmpty()) {
      return List.of();
    }
    if (line.charAt(0) == '#') {
      header(line);
      return List.of();
    }
    if (fields == null) {
      throw new MalformedRecordException("data line before the #fields header");
    }
    String[] values = split(line, separator);
    if (values.length != fields.length) {
      throw new MalformedRecordException(
          "has " + values.length + " fields, the #fields header names " + fields.length);
    }
    if (tsIndex < 0 || values[tsIndex].equals(unsetField)) {
      throw new MalformedRecordException("no ts value");
    }
    long ts = Timestamps.parseEpochSeconds(values[tsIndex]);
    List<ParsedField> out = new ArrayList<>(fields.length);
    Map<String, List<String>> raw = path.equals("http") ? new HashMap<>() : null;
    for (int i = 0; i < fields.length; i++) {
      if (i == tsIndex) {
        continue;
      }
      String v = values[i];
      if (v.equals(unsetField)) {
        continue;
      }
      List<String> vals;
      if (ZeekFields.isContainer(types[i])) {
        if (v.equals(emptyField)) {
          continue;
        }
        vals = new ArrayList<>();
        for (String e : split(v, setSeparator)) {
          vals.add(unescape(e));
        }
      } else {
        if (v.equals(emptyField) || v.isEmpty()) {
          continue;
        }
        vals = ZeekFields.list(unescape(v));
      }
      if (raw != null) {
        raw.put(fields[i], vals);
      }
      ZeekFields.Meaning m = meanings[i];
      out.add(new ParsedField(path + "." + fields[i], m.kind(), m.role(), vals));
    }
    if (raw != null) {
      ZeekFields.addDerived(path, raw, out);
    }
    return List.of(
        new ParsedRecord("zeek-tsv", "zeek." + path, ts, false, origin, lineNumber, line, out));
  }

  private void header(String line) throws MalformedRecordException {
    if (line.startsWith("#separator")) {
      // "#separator \x09": the separator itself is written escaped, after one space. Anything
      // else is reported: a misread separator would make every following line a reject.
      if (line.length() <= 11 || line.charAt(10) != ' ') {
        throw new MalformedRecordException(
            "bad #separator line '" + Timestamps.clip(line) + "' (expected '#separator \\xHH')");
      }
      String arg = line.substring(11);
      if (!escapedBytes(arg)) {
        throw new MalformedRecordException(
            "bad #separator value '"
                + Timestamps.clip(arg)
                + "' (expected \\xHH escapes, as Zeek writes it)");
      }
      separator = unescape(arg);
      return;
    }
    int cut = line.indexOf(separator);
    String key = cut < 0 ? line : line.substring(0, cut);
    String rest = cut < 0 ? "" : line.substring(cut + separator.length());
    switch (key) {
      case "#set_separator" -> setSeparator = unescape(rest);
      case "#empty_field" -> emptyField = unescape(rest);
      case "#unset_field" -> unsetField = unescape(rest);
      case "#path" -> {
        path = rest.isEmpty() ? null : rest;
        fields = null;
      }
      case "#fields" -> {
        fields = split(rest, separator);
        types = null;
        meanings = null;
        tsIndex = -1;
        for (int i = 0; i < fields.length; i++) {
          if (fields[i].equals("ts")) {
            tsIndex = i;
          }
        }
        if (tsIndex < 0) {
          fields = null;
          throw new MalformedRecordException("#fields header without a ts field");
        }
        completeHeader();
      }
      case "#types" -> {
        if (fields == null) {
          throw new MalformedRecordException("#types header before #fields");
        }
        String[] t = split(rest, separator);
        if (t.length != fields.length) {
          int named = fields.length;
          // Without types that match, no line of this header can be read: each is reported.
          fields = null;
          throw new MalformedRecordException(
              "#types names " + t.length + " types for the " + named + " fields of #fields");
        }
        types = t;
        completeHeader();
      }
      default -> {
        // #open, #close and comments carry nothing a record needs.
      }
    }
  }

  private void completeHeader() {
    if (path == null) {
      path = fallbackPath == null ? "unknown" : fallbackPath;
    }
    if (types == null) {
      types = new String[fields.length];
    }
    meanings = new ZeekFields.Meaning[fields.length];
    for (int i = 0; i < fields.length; i++) {
      ZeekFields.Meaning m =
          ZeekFields.meaning(path, fields[i], types[i] == null ? "string" : types[i]);
      meanings[i] = m;
    }
  }

  static String[] split(String s, String sep) {
    if (sep.length() == 1) {
      char c = sep.charAt(0);
      int count = 1;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == c) {
          count++;
        }
      }
      String[] out = new String[count];
      int start = 0;
      int k = 0;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == c) {
          out[k++] = s.substring(start, i);
          start = i + 1;
        }
      }
      out[k] = s.substring(start);
      return out;
    }
    List<String> parts = new ArrayList<>();
    int start = 0;
    int at;
    while ((at = s.indexOf(sep, start)) >= 0) {
      parts.add(s.substring(start, at));
      start = at + sep.length();
    }
    parts.add(s.substring(start));
    return parts.toArray(new String[0]);
  }

  /** Zeek writes non-printable bytes and separators inside values as {@code \xHH}. */
  static String unescape(String s) {
    if (s.indexOf("\\x") < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] == '\\'
          && i + 3 < utf8.length
          && utf8[i + 1] == 'x'
          && hex(utf8[i + 2]) >= 0
          && hex(utf8[i + 3]) >= 0) {
        bytes.write(hex(utf8[i + 2]) * 16 + hex(utf8[i + 3]));
        i += 3;
      } else {
        bytes.write(utf8[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** True when {@code s} is one or more {@code \\xHH} escapes and nothing else. */
  private static boolean escapedBytes(String s) {
    if (s.isEmpty() || s.length() % 4 != 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i += 4) {
      if (s.charAt(i) != '\\'
          || s.charAt(i + 1) != 'x'
          || hex((byte) s.charAt(i + 2)) < 0
          || hex((byte) s.charAt(i + 3)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
