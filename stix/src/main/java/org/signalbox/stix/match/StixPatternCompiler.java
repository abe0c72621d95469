package org.signalbox.stix.match;

import java.util.Locale;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.ComparisonExpression;
import org.signalbox.stix.pattern.ComparisonOperator;
import org.signalbox.stix.pattern.Literal;
import org.signalbox.stix.pattern.ObjectPath;
import org.signalbox.stix.pattern.ObservationExpression;
import org.signalbox.stix.pattern.PathStep;
import org.signalbox.stix.pattern.StixPattern;

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
    return compile(pattern, BreadthLimits.DEFAULT);
  }

  /**
   * As {@link #compile(StixPattern)}, refusing networks and suffixes broader than {@code limits}.
   */
  public static IndexEntry compile(StixPattern pattern, BreadthLimits limits)
      throws InvalidObservableException {
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
        return compileNetwork(t, v, limits);
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
          String broad = limits.suffix(n.value()).orElse(null);
          if (broad != null) {
            throw new InvalidObservableException(broad);
          }
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
   * A network in canonical form (host bits cleared, as {@link IpNetwork} writes it). A full-length
   * prefix is one address (EXACT); a /0 is refused because it would match every address.
   */
  public static IndexEntry compileNetwork(ObservableType t, String text)
      throws InvalidObservableException {
    return compileNetwork(t, text, BreadthLimits.DEFAULT);
  }

  /** As {@link #compileNetwork(ObservableType, String)}, refusing networks broader than limits. */
  public static IndexEntry compileNetwork(ObservableType t, String text, BreadthLimits limits)
      throws InvalidObservableException {
    IpNetwork net = IpNetwork.parse(text);
    ObservableType actual = net.isIpv6() ? ObservableType.IPV6 : ObservableType.IPV4;
    if (net.prefixLength() == 0) {
      throw new InvalidObservableException(
          "network '" + text + "' (/0) would match every address; refused");
    }
    String broad = limits.network(net).orElse(null);
    if (broad != null) {
      throw new InvalidObservableException(broad);
    }
    if (net.prefixLength() == (net.isIpv6() ? 128 : 32)) {
      return exact(
          actual, text.substring(0, text.indexOf('/') < 0 ? text.length() : text.indexOf('/')));
    }
    return new IndexEntry(MatchKind.CIDR, actual, net.toString());
  }
}
