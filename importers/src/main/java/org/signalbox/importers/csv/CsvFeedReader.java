package org.signalbox.importers.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.signalbox.core.IndicatorIds;
import org.signalbox.importers.IndicatorBatch;
import org.signalbox.importers.IndicatorBatch.Rejection;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.StixPatternCompiler;

/**
 * Reads CSV indicator feeds (abuse.ch style: {@code #} comment lines, a header that may itself be a
 * comment, quoted fields) through a {@link CsvColumnMapping}. Each bad row is rejected with its
 * line number and the rest of the file imports.
 *
 * <p>Ids are name-based ({@code indicator--} + UUID of source, type and value), so importing the
 * same feed again updates the same indicators instead of duplicating them.
 */
public final class CsvFeedReader {
  private BreadthLimits limits = BreadthLimits.DEFAULT;
  private static final DateTimeFormatter SPACED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final CsvColumnMapping mapping;
  private final char delimiter;
  private final String source;
  private final Tlp tlp;
  private final int confidence;

  /**
   * @param source feed name, recorded as every indicator's source and part of its id
   * @param tlp marking of the whole feed
   */
  public CsvFeedReader(
      CsvColumnMapping mapping, char delimiter, String source, Tlp tlp, int confidence) {
    this.mapping = Objects.requireNonNull(mapping);
    this.delimiter = delimiter;
    this.source = Objects.requireNonNull(source);
    this.tlp = Objects.requireNonNull(tlp);
    this.confidence = confidence;
  }

  /**
   * @param name file name for rejection positions ({@code name:line})
   * @param importTime version of rows without a time column
   */
  public IndicatorBatch read(BufferedReader in, String name, Instant importTime)
      throws IOException {
    List<Indicator> out = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    read(in, name, importTime, out::add, rejected::add);
    return new IndicatorBatch(out, rejected);
  }

  /**
   * Streams the feed: each row is handed to {@code indicators} or {@code rejected} as soon as it is
   * read, so a feed of millions of rows never has to fit in memory.
   *
   * @throws IOException on a read error, or when a named value column has no header before the
   *     first row (rows before that were not handed on)
   */
  public void read(
      BufferedReader in,
      String name,
      Instant importTime,
      Consumer<Indicator> indicators,
      Consumer<Rejection> rejected)
      throws IOException {
    boolean byName = !isNumber(mapping.value());
    List<String> header = null;
    String lastComment = null;
    String line;
    int lineNo = 0;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.startsWith("#")) {
        lastComment = trimmed.substring(1).strip();
        continue;
      }
      List<String> fields;
      try {
        fields = split(line);
      } catch (IllegalArgumentException e) {
        rejected.accept(new Rejection(name + ":" + lineNo, e.getMessage()));
        continue;
      }
      if (byName && header == null) {
        if (fields.contains(mapping.value())) {
          header = fields;
          continue;
        }
        if (lastComment != null) {
          try {
            List<String> commented = split(lastComment);
            if (commented.contains(mapping.value())) {
              header = commented;
            }
          } catch (IllegalArgumentException e) {
            // Not a header after all.
          }
        }
        if (header == null) {
          throw new IOException(
              name
                  + ":"
                  + lineNo
                  + ": no header naming column '"
                  + mapping.value()
                  + "' before the first row");
        }
      }
      Indicator indicator;
      try {
        indicator = row(fields, header, importTime);
      } catch (IllegalArgumentException | InvalidObservableException e) {
        rejected.accept(new Rejection(name + ":" + lineNo, e.getMessage()));
        continue;
      }
      indicators.accept(indicator);
    }
  }

  private Indicator row(List<String> fields, List<String> header, Instant importTime)
      throws InvalidObservableException {
    String raw = column(fields, header, mapping.value(), true);
    ObservableType type = mapping.fixedType();
    String typeText = null;
    if (type == null) {
      typeText = column(fields, header, mapping.type(), true);
      type = typeOf(typeText);
    }
    String value = raw.strip();
    if (typeText != null && typeText.equalsIgnoreCase("ip:port")
        || type == ObservableType.IPV4 && value.matches("[0-9.]+:[0-9]+")) {
      value = value.substring(0, value.lastIndexOf(':'));
    }
    MatchKind kind = MatchKind.EXACT;
    String canonical;
    if ((type == ObservableType.IPV4 || type == ObservableType.IPV6) && value.contains("/")) {
      StixPatternCompiler.IndexEntry e = StixPatternCompiler.compileNetwork(type, value, limits);
      kind = e.kind();
      type = e.type();
      canonical = e.value();
    } else {
      NormalizedObservable n = ObservableNormalizer.normalize(type, value);
      type = n.type();
      canonical = n.value();
    }
    Instant time = importTime;
    if (mapping.time() != null) {
      String t = column(fields, header, mapping.time(), false);
      if (t != null && !t.isBlank()) {
        time = parseTime(t.strip());
      }
    }
    Set<String> malware = new TreeSet<>();
    if (mapping.malware() != null) {
      String m = column(fields, header, mapping.malware(), false);
      if (m != null && !m.isBlank() && !m.equalsIgnoreCase("none") && !m.equals("n/a")) {
        malware.add(m.strip());
      }
    }
    Set<String> labels = new TreeSet<>();
    if (mapping.tags() != null) {
      String t = column(fields, header, mapping.tags(), false);
      if (t != null) {
        for (String tag : t.split("[,;|]")) {
          if (!tag.isBlank() && !tag.strip().equalsIgnoreCase("none")) {
            labels.add(tag.strip());
          }
        }
      }
    }
    String key = source + "|" + type + "|" + canonical;
    return Indicator.newBuilder()
        .setId(IndicatorIds.named(key))
        .setVersion(time)
        .setObservableType(type)
        .setValue(canonical)
        .setMatchKind(kind)
        .setPattern(null)
        .setValidFrom(time)
        .setValidUntil(null)
        .setRevoked(false)
        .setConfidence(confidence)
        .setTlp(tlp)
        .setSource(source)
        .setName(null)
        .setLabels(new ArrayList<>(labels))
        .setContext(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of())
                .setCampaigns(List.of())
                .setMalware(new ArrayList<>(malware))
                .setAttackPatterns(List.of())
                .setKillChainPhases(List.of())
                .setVulnerabilities(List.of())
                .build())
        .build();
  }

  /** Type names as feeds write them: observable types, MISP types, abuse.ch ThreatFox types. */
  static ObservableType typeOf(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    switch (t) {
      case "ip":
      case "ipv4":
      case "ip-dst":
      case "ip-src":
      case "ip:port":
      case "ip-dst|port":
      case "ipv4-addr":
        return ObservableType.IPV4;
      case "ipv6":
      case "ipv6-addr":
        return ObservableType.IPV6;
      case "domain":
      case "hostname":
      case "domain-name":
        return ObservableType.DOMAIN;
      case "url":
        return ObservableType.URL;
      case "email":
      case "email-src":
      case "email-dst":
      case "email-addr":
        return ObservableType.EMAIL;
      case "md5":
      case "md5_hash":
        return ObservableType.MD5;
      case "sha1":
      case "sha1_hash":
        return ObservableType.SHA1;
      case "sha256":
      case "sha256_hash":
        return ObservableType.SHA256;
      case "sha512":
      case "sha512_hash":
        return ObservableType.SHA512;
      case "ja3":
      case "ja3-fingerprint-md5":
        return ObservableType.JA3;
      default:
        try {
          return ObservableType.valueOf(t.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("unknown indicator type '" + text + "'");
        }
    }
  }

  private static String column(
      List<String> fields, List<String> header, String col, boolean required) {
    int index;
    if (isNumber(col)) {
      index = Integer.parseInt(col) - 1;
    } else {
      index = header == null ? -1 : header.indexOf(col);
      if (index < 0) {
        throw new IllegalArgumentException("no column named '" + col + "' in the header");
      }
    }
    if (index < 0 || index >= fields.size()) {
      if (required) {
        throw new IllegalArgumentException(
            "row has " + fields.size() + " fields, no column " + col);
      }
      return null;
    }
    String v = fields.get(index);
    if (required && v.isBlank()) {
      throw new IllegalArgumentException("column " + col + " is empty");
    }
    return v;
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() < 6 && s.chars().allMatch(Character::isDigit);
  }

  static Instant parseTime(String t) {
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (RuntimeException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t, SPACED).toInstant(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      // try the next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("time '" + t + "' is not ISO 8601 or yyyy-MM-dd HH:mm:ss");
    }
  }

  /** RFC 4180 fields of one line; a quote left open is an error (rows are single lines). */
  List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      sb.setLength(0);
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        int open = i;
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException(
                "quote opened at column " + (open + 1) + " is not closed");
          }
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              sb.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          sb.append(c);
          i++;
        }
        while (i < n && line.charAt(i) == ' ') {
          i++;
        }
        if (i < n && line.charAt(i) != delimiter) {
          throw new IllegalArgumentException(
              "expected '" + delimiter + "' after the quoted field at column " + (open + 1));
        }
      } else {
        while (i < n && line.charAt(i) != delimiter) {
          sb.append(line.charAt(i));
          i++;
        }
      }
      out.add(sb.toString());
      if (i >= n) {
        return out;
      }
      i++; // the delimiter
    }
  }

  /** Refuses networks broader than {@code limits} (default {@link BreadthLimits#DEFAULT}). */
  public CsvFeedReader withLimits(BreadthLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits);
    return this;
  }
}
