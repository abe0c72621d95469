package org.signalbox.connectors.indicators.stix;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.signalbox.connectors.stix.pattern.ComparisonExpression;
import org.signalbox.connectors.stix.pattern.ComparisonOperator;
import org.signalbox.connectors.stix.pattern.Literal;
import org.signalbox.connectors.stix.pattern.ObjectPath;
import org.signalbox.connectors.stix.pattern.ObservationExpression;
import org.signalbox.connectors.stix.pattern.PathStep;
import org.signalbox.connectors.stix.pattern.StixPattern;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;

/**
 * Chooses how the correlate job indexes a STIX pattern: a single positive comparison on a supported
 * observable becomes EXACT, CIDR or DOMAIN_SUFFIX with a canonical value; everything else stays a
 * PATTERN for the pattern matcher.
 */
public final class StixPatternCompiler {
  private StixPatternCompiler() {}

  /** The index entry for a pattern: kind, and for non-PATTERN kinds the type and value. */
  public record IndexEntry(MatchKind kind, ObservableType type, String value) {
    static IndexEntry pattern() {
      return new IndexEntry(MatchKind.PATTERN, null, null);
    }
  }

  /**
   * @throws InvalidObservableException if the pattern is a single comparison on a supported type
   *     but its value is not a valid value of that type (e.g. a domain with a space)
   */
  public static IndexEntry compile(StixPattern pattern) throws InvalidObservableException {
    if (!(pattern.root() instanceof ObservationExpression.Observation obs)
        || !(obs.comparisons() instanceof ComparisonExpression.Comparison c)
        || c.negated()
        || !(c.value() instanceof Literal.StringValue s)) {
      return IndexEntry.pattern();
    }
    ObjectPath path = c.path();
    String v = s.value();
    ComparisonOperator op = c.operator();
    String type = path.objectType();
    if ((path.is("ipv4-addr", "value") || path.is("ipv6-addr", "value"))) {
      ObservableType t = type.equals("ipv4-addr") ? ObservableType.IPV4 : ObservableType.IPV6;
      if (op == ComparisonOperator.ISSUBSET || (op == ComparisonOperator.EQ && v.contains("/"))) {
        return network(t, v);
      }
      if (op == ComparisonOperator.EQ) {
        return exact(t, v);
      }
      return IndexEntry.pattern();
    }
    if (path.is("domain-name", "value")) {
      if (op == ComparisonOperator.EQ) {
        return exact(ObservableType.DOMAIN, v);
      }
      if (op == ComparisonOperator.LIKE && v.startsWith("%.")) {
        String parent = v.substring(2);
        // '%' and '_' are LIKE wildcards; only a literal parent domain fits the suffix index.
        if (!parent.isEmpty() && parent.indexOf('%') < 0 && parent.indexOf('_') < 0) {
          NormalizedObservable n = ObservableNormalizer.normalize(ObservableType.DOMAIN, parent);
          return new IndexEntry(MatchKind.DOMAIN_SUFFIX, n.type(), n.value());
        }
      }
      return IndexEntry.pattern();
    }
    if (op != ComparisonOperator.EQ) {
      return IndexEntry.pattern();
    }
    if (path.is("url", "value")) {
      return exact(ObservableType.URL, v);
    }
    if (path.is("email-addr", "value")) {
      return exact(ObservableType.EMAIL, v);
    }
    if ((type.equals("file") || type.equals("artifact") || type.equals("x509-certificate"))
        && path.steps().size() == 2
        && path.steps().get(0).equals(new PathStep.Key("hashes", false))
        && path.steps().get(1) instanceof PathStep.Key algorithm) {
      ObservableType t = hashType(algorithm.name());
      return t == null ? IndexEntry.pattern() : exact(t, v);
    }
    return IndexEntry.pattern();
  }

  /** STIX hash vocabulary names, also as feeds write them ({@code SHA256}, {@code sha-256}). */
  static ObservableType hashType(String algorithm) {
    switch (algorithm.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "")) {
      case "MD5":
        return ObservableType.MD5;
      case "SHA1":
        return ObservableType.SHA1;
      case "SHA256":
        return ObservableType.SHA256;
      case "SHA512":
        return ObservableType.SHA512;
      default:
        return null;
    }
  }

  private static IndexEntry exact(ObservableType t, String v) throws InvalidObservableException {
    NormalizedObservable n = ObservableNormalizer.normalize(t, v);
    return new IndexEntry(MatchKind.EXACT, n.type(), n.value());
  }

  /**
   * A network in canonical form, host bits cleared. A full-length prefix is one address (EXACT); a
   * /0 is refused because it would match every address in the stream.
   */
  static IndexEntry network(ObservableType t, String text) throws InvalidObservableException {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    NormalizedObservable n = ObservableNormalizer.normalize(t, address);
    int bits = n.type() == ObservableType.IPV4 ? 32 : 128;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new InvalidObservableException("invalid prefix length in '" + text + "'");
      }
      prefix = Integer.parseInt(p);
      if (n.type() != t && t == ObservableType.IPV6) {
        // An IPv4-mapped IPv6 network came back as IPv4: shift the prefix with it.
        prefix -= 96;
      }
      if (prefix < 0 || prefix > bits) {
        throw new InvalidObservableException(
            "prefix length /" + p + " out of range for " + n.type() + " in '" + text + "'");
      }
    }
    if (prefix == 0) {
      throw new InvalidObservableException(
          "network '" + text + "' (/0) would match every address; refused");
    }
    if (prefix == bits) {
      return new IndexEntry(MatchKind.EXACT, n.type(), n.value());
    }
    byte[] raw;
    try {
      // A literal address: InetAddress does no name lookup for it.
      raw = InetAddress.getByName(n.value()).getAddress();
    } catch (UnknownHostException e) {
      throw new InvalidObservableException("not an address: '" + n.value() + "'");
    }
    for (int i = 0; i < raw.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      raw[i] &= (byte) (0xff << (8 - keep));
    }
    String networkText;
    try {
      networkText = InetAddress.getByAddress(raw).getHostAddress();
    } catch (UnknownHostException e) {
      throw new InvalidObservableException("not an address: '" + text + "'");
    }
    NormalizedObservable network = ObservableNormalizer.normalize(n.type(), networkText);
    return new IndexEntry(MatchKind.CIDR, network.type(), network.value() + "/" + prefix);
  }
}
