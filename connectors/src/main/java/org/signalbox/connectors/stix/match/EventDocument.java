package org.signalbox.connectors.stix.match;

import java.util.EnumSet;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
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
   * pattern can match the event).
   */
  public static Document of(List<Observable> observables, NetworkPrefixes networks) {
    Document doc = new Document();
    EnumSet<ObservableType> present = EnumSet.noneOf(ObservableType.class);
    for (Observable o : observables) {
      ObservableType type = o.getType();
      String field = type == null ? null : field(type);
      String value = o.getValue();
      if (field == null || value == null) {
        continue;
      }
      if (present.add(type)) {
        doc.add(new StringField(PATH_FIELD, field, Field.Store.NO));
      }
      // A value too long to be a term cannot equal any pattern term (those are bounded the same
      // way); LIKE and MATCHES still see it through the path term.
      if (fitsInTerm(value)) {
        doc.add(new StringField(field, value, Field.Store.NO));
      }
      if (type == ObservableType.DOMAIN) {
        for (int i = value.indexOf('.'); i >= 0; i = value.indexOf('.', i + 1)) {
          String parent = value.substring(i + 1);
          if (fitsInTerm(parent)) {
            doc.add(new StringField(PARENT_DOMAIN_FIELD, parent, Field.Store.NO));
          }
        }
      } else if (type == ObservableType.IPV4 || type == ObservableType.IPV6) {
        networks.addTerms(type, value, field + NETWORK_SUFFIX, doc);
      }
    }
    return doc;
  }

  /** True if {@code s} is short enough, in UTF-8, to be one Lucene term. */
  static boolean fitsInTerm(String s) {
    if (s.length() * 3L <= IndexWriter.MAX_TERM_LENGTH) {
      return true;
    }
    return UnicodeUtil.calcUTF16toUTF8Length(s, 0, s.length()) <= IndexWriter.MAX_TERM_LENGTH;
  }
}
