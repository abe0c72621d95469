package org.signalbox.stix.match;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.util.UnicodeUtil;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableType;

/**
 * The observables of one telemetry event as a Lucene document, for the pre-filter of {@link
 * PatternIndex}; {@link PatternQuery} writes the pattern side in the same fields.
 *
 * <p>{@link PatternMatcher} compares an observable by its <em>type</em>, whatever object path named
 * it ({@code email-addr:value} and {@code email-message:from_ref.value} both mean {@link
 * ObservableType#EMAIL}; any spelling of {@code file:hashes.'SHA-256'} means {@link
 * ObservableType#SHA256}). So each type has one field, named by its usual STIX object path ({@link
 * #field}), and every path that denotes the type queries that field. Fields, all keywords (one
 * untokenized term each):
 *
 * <ul>
 *   <li>{@code <path>}: the observable's value exactly as the matcher compares it (telemetry
 *       carries canonical values; pattern constants are brought to the same form by the matcher's
 *       own normalization).
 *   <li>{@value #PATH_FIELD}: the path of each type present, for comparisons that cannot be an
 *       exact term ({@code !=}, {@code NOT}, {@code EXISTS}, most LIKE and MATCHES).
 *   <li>{@code <path>}{@value #NETWORK_SUFFIX}: for IP addresses, the networks they lie in at the
 *       prefix lengths patterns use ({@link NetworkPrefixes}).
 *   <li>{@value #PARENT_DOMAIN_FIELD}: for domains, every suffix after a dot ({@code a.b.example}
 *       gives {@code b.example} and {@code example}), so {@code LIKE '%.example'} is one term.
 * </ul>
 */
public final class EventDocument {
  /** Field holding the object path of every observable type the event carries. */
  public static final String PATH_FIELD = "_path";

  /** Appended to an IP path for the networks its addresses lie in. */
  public static final String NETWORK_SUFFIX = "#network";

  /** Suffixes of domain names after each dot. */
  public static final String PARENT_DOMAIN_FIELD = "domain-name:value#parent";

  private EventDocument() {}

  /**
   * The field of an observable type: the STIX object path the type is usually written with, or null
   * for types no pattern path denotes (JA3, OTHER), which no pattern can match.
   */
  public static String field(ObservableType type) {
    switch (type) {
      case IPV4:
        return "ipv4-addr:value";
      case IPV6:
        return "ipv6-addr:value";
      case DOMAIN:
        return "domain-name:value";
      case URL:
        return "url:value";
      case EMAIL:
        return "email-addr:value";
      case FILE_NAME:
        return "file:name";
      case MD5:
        return "file:hashes.MD5";
      case SHA1:
        return "file:hashes.SHA-1";
      case SHA256:
        return "file:hashes.SHA-256";
      case SHA512:
        return "file:hashes.SHA-512";
      case USER_AGENT:
        return "network-traffic:extensions.http-request-ext.request_header.User-Agent";
      default:
        return null;
    }
  }

  /**
   * The observable type whose terms {@code field} holds (the field of a type, its network field, or
   * the parent-domain field), or null for any other field.
   */
  static ObservableType typeOfField(String field) {
    if (field.equals(PARENT_DOMAIN_FIELD)) {
      return ObservableType.DOMAIN;
    }
    String f =
        field.endsWith(NETWORK_SUFFIX)
            ? field.substring(0, field.length() - NETWORK_SUFFIX.length())
            : field;
    for (ObservableType t : ObservableType.values()) {
      if (f.equals(field(t))) {
        return t;
      }
    }
    return null;
  }

  /**
   * The document of an event's observables; empty if none has a type a pattern can name (then no
   * pattern can match the event). Single use: its fields are token streams, read once by the index
   * they are added to.
   */
  public static Document of(List<Observable> observables, NetworkPrefixes networks) {
    Document doc = new Document();
    // One field per name holding all its terms: a Lucene field per value would cost a token
    // stream and its attributes per value, the bulk of building a small event's index.
    terms(observables, networks)
        .forEach((field, values) -> doc.add(new Field(field, new Keywords(values), KEYWORDS)));
    return doc;
  }

  /** The terms of {@link #of}, by field, in the order of the observables. */
  static Map<String, List<String>> terms(List<Observable> observables, NetworkPrefixes networks) {
    Map<String, List<String>> terms = new LinkedHashMap<>();
    EnumSet<ObservableType> present = EnumSet.noneOf(ObservableType.class);
    for (Observable o : observables) {
      ObservableType type = o.getType();
      String field = type == null ? null : field(type);
      String value = o.getValue();
      if (field == null || value == null) {
        continue;
      }
      if (present.add(type)) {
        add(terms, PATH_FIELD, field);
      }
      // A value too long to be a term cannot equal any pattern term (those are bounded the same
      // way); LIKE and MATCHES still see it through the path term.
      if (fitsInTerm(value)) {
        add(terms, field, value);
      }
      if (type == ObservableType.DOMAIN) {
        for (int i = value.indexOf('.'); i >= 0; i = value.indexOf('.', i + 1)) {
          String parent = value.substring(i + 1);
          if (fitsInTerm(parent)) {
            add(terms, PARENT_DOMAIN_FIELD, parent);
          }
        }
      } else if (type == ObservableType.IPV4 || type == ObservableType.IPV6) {
        networks.addTerms(
            type, value, terms.computeIfAbsent(field + NETWORK_SUFFIX, f -> new ArrayList<>()));
      }
    }
    terms.values().removeIf(List::isEmpty);
    return terms;
  }

  private static void add(Map<String, List<String>> terms, String field, String value) {
    terms.computeIfAbsent(field, f -> new ArrayList<>()).add(value);
  }

  /** Untokenized terms given as a list: indexed for matching only (no norms, no positions). */
  private static final FieldType KEYWORDS = new FieldType();

  static {
    KEYWORDS.setTokenized(true); // the stream is the tokenization: one token per value
    KEYWORDS.setIndexOptions(IndexOptions.DOCS);
    KEYWORDS.setOmitNorms(true);
    KEYWORDS.freeze();
  }

  /** The values of one field, one token each. */
  private static final class Keywords extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final List<String> values;
    private int next;

    Keywords(List<String> values) {
      this.values = values;
    }

    @Override
    public boolean incrementToken() {
      if (next >= values.size()) {
        return false;
      }
      clearAttributes();
      term.setEmpty().append(values.get(next++));
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      next = 0;
    }
  }

  /** True if {@code s} is short enough, in UTF-8, to be one Lucene term. */
  static boolean fitsInTerm(String s) {
    if (s.length() * 3L <= IndexWriter.MAX_TERM_LENGTH) {
      return true;
    }
    return UnicodeUtil.calcUTF16toUTF8Length(s, 0, s.length()) <= IndexWriter.MAX_TERM_LENGTH;
  }
}
