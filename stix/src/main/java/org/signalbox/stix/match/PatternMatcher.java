package org.signalbox.stix.match;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.ComparisonExpression;
import org.signalbox.stix.pattern.ComparisonOperator;
import org.signalbox.stix.pattern.Literal;
import org.signalbox.stix.pattern.ObjectPath;
import org.signalbox.stix.pattern.ObservationExpression;
import org.signalbox.stix.pattern.PathStep;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.stix.regex.InvalidRegexException;
import org.signalbox.stix.regex.UntrustedRegex;

/**
 * A single-observation STIX pattern compiled to run against the observables of one telemetry event.
 * Pure Java, immutable after compilation, safe to share between threads; text operators (LIKE,
 * MATCHES) run as Lucene automata ({@link UntrustedRegex}), never java.util.regex.
 *
 * <p>Runs: {@code =}, {@code !=}, {@code IN}, {@code LIKE}, {@code MATCHES}, {@code ISSUBSET}
 * (CIDR), {@code EXISTS}, {@code NOT}, and AND/OR inside the brackets, where each comparison may be
 * satisfied by a different observable of the event. Object paths: {@code ipv4-addr:value}, {@code
 * ipv6-addr:value}, {@code domain-name:value}, {@code url:value}, {@code email-addr:value}, {@code
 * file:name}, {@code file:hashes.*} (and artifact and x509-certificate hashes), {@code
 * email-message:from_ref.value} and the HTTP {@code User-Agent} request header. Refused here with
 * {@link UnsupportedPatternException}: several observations (AND/OR/FOLLOWEDBY between brackets)
 * and qualifiers (WITHIN, REPEATS, START/STOP), which {@link
 * org.signalbox.stix.sequence.SequencePattern} matches over several events with one PatternMatcher
 * per bracketed observation; and, only parsed: {@code <}/{@code >} orderings, {@code ISSUPERSET},
 * and other object paths.
 */
public final class PatternMatcher {

  private final StixPattern pattern;
  private final Node root;

  private PatternMatcher(StixPattern pattern, Node root) {
    this.pattern = pattern;
    this.root = root;
  }

  /**
   * @throws UnsupportedPatternException naming the part of the pattern that cannot be run
   */
  public static PatternMatcher compile(StixPattern pattern) throws UnsupportedPatternException {
    return compile(pattern, BreadthLimits.DEFAULT);
  }

  /**
   * As {@link #compile(StixPattern)}; a comparison that can never be true or is true of every value
   * (MATCHES '.*', LIKE '%'), or a network broader than {@code limits}, is refused as well.
   */
  public static PatternMatcher compile(StixPattern pattern, BreadthLimits limits)
      throws UnsupportedPatternException {
    if (!(pattern.root() instanceof ObservationExpression.Observation obs)) {
      throw new UnsupportedPatternException(
          "patterns of several observations or with qualifiers are parsed and stored but not matched");
    }
    return new PatternMatcher(pattern, compile(obs.comparisons(), limits));
  }

  /**
   * Why no matcher could run {@code pattern} usefully (a regex the automata cannot express, a
   * comparison that always or never holds, a network broader than {@code limits}), or empty. A
   * pattern the job does not match yet (several observations, paths it does not cover) is not
   * unmatchable: importers store it for when it does.
   */
  public static java.util.Optional<String> unmatchable(StixPattern pattern, BreadthLimits limits) {
    if (!(pattern.root() instanceof ObservationExpression.Observation)) {
      return java.util.Optional.empty();
    }
    try {
      compile(pattern, limits);
      return java.util.Optional.empty();
    } catch (UnsupportedPatternException e) {
      return e.unmatchable() ? java.util.Optional.of(e.getMessage()) : java.util.Optional.empty();
    }
  }

  public StixPattern pattern() {
    return pattern;
  }

  /** True if the event's observables satisfy the pattern. */
  public boolean matches(List<Observable> observables) {
    return !witnesses(observables).isEmpty();
  }

  /**
   * The observables that made the pattern true (one per satisfied comparison), or an empty list if
   * it is false. A pattern true without any observable (e.g. only NOT comparisons) returns an empty
   * list too: a sighting needs something seen.
   */
  public List<Observable> witnesses(List<Observable> observables) {
    List<Observable> out = new ArrayList<>();
    return root.eval(observables, out) ? out : List.of();
  }

  private interface Node {
    boolean eval(List<Observable> observables, List<Observable> witnesses);
  }

  private static Node compile(ComparisonExpression e, BreadthLimits limits)
      throws UnsupportedPatternException {
    if (e instanceof ComparisonExpression.And and) {
      List<Node> parts = new ArrayList<>();
      for (ComparisonExpression c : and.operands()) {
        parts.add(compile(c, limits));
      }
      return (obs, w) -> {
        int mark = w.size();
        for (Node n : parts) {
          if (!n.eval(obs, w)) {
            w.subList(mark, w.size()).clear();
            return false;
          }
        }
        return true;
      };
    }
    if (e instanceof ComparisonExpression.Or or) {
      List<Node> parts = new ArrayList<>();
      for (ComparisonExpression c : or.operands()) {
        parts.add(compile(c, limits));
      }
      return (obs, w) -> {
        for (Node n : parts) {
          if (n.eval(obs, w)) {
            return true;
          }
        }
        return false;
      };
    }
    if (e instanceof ComparisonExpression.Exists ex) {
      ObservableType type = typeOf(ex.path());
      return (obs, w) -> {
        for (Observable o : obs) {
          if (o.getType() == type) {
            w.add(o);
            return true;
          }
        }
        return false;
      };
    }
    ComparisonExpression.Comparison c = (ComparisonExpression.Comparison) e;
    ObservableType type = typeOf(c.path());
    ValueTest test = valueTest(type, c, limits);
    boolean negated = c.negated();
    return (obs, w) -> {
      for (Observable o : obs) {
        if (o.getType() == type && test.test(o.getValue()) != negated) {
          if (!negated) {
            w.add(o);
          }
          return true;
        }
      }
      return false;
    };
  }

  private interface ValueTest {
    boolean test(String canonicalValue);
  }

  private static ValueTest valueTest(
      ObservableType type, ComparisonExpression.Comparison c, BreadthLimits limits)
      throws UnsupportedPatternException {
    ComparisonOperator op = c.operator();
    switch (op) {
      case EQ:
      case NEQ:
        {
          if ((type == ObservableType.IPV4 || type == ObservableType.IPV6)
              && c.value() instanceof Literal.StringValue cidr
              && cidr.value().contains("/")) {
            try {
              IpNetwork net = IpNetwork.parse(cidr.value());
              return op == ComparisonOperator.EQ ? net::contains : x -> !net.contains(x);
            } catch (InvalidObservableException e) {
              return op == ComparisonOperator.EQ ? x -> false : x -> true;
            }
          }
          String v = canonical(type, c.value());
          if (v == null) {
            // A constant that is no valid value of the type equals nothing.
            return op == ComparisonOperator.EQ ? x -> false : x -> true;
          }
          return op == ComparisonOperator.EQ ? v::equals : x -> !v.equals(x);
        }
      case IN:
        {
          Set<String> set = new HashSet<>();
          for (Literal l : ((Literal.SetValue) c.value()).elements()) {
            String v = canonical(type, l);
            if (v != null) {
              set.add(v);
            }
          }
          return set::contains;
        }
      case LIKE:
      case MATCHES:
        {
          String text = ((Literal.StringValue) c.value()).value();
          try {
            UntrustedRegex r =
                op == ComparisonOperator.LIKE
                    ? UntrustedRegex.like(text)
                    : UntrustedRegex.pcre(text, false);
            String broad = BreadthLimits.regex(r).orElse(null);
            if (broad != null) {
              throw new UnsupportedPatternException(
                  "column " + c.column() + ": " + op.symbol() + " " + broad, true);
            }
            return r::matches;
          } catch (InvalidRegexException e) {
            throw new UnsupportedPatternException(
                "column " + c.column() + ": " + op.symbol() + " " + e.getMessage(), true);
          }
        }
      case ISSUBSET:
        {
          if (type != ObservableType.IPV4 && type != ObservableType.IPV6) {
            throw new UnsupportedPatternException(
                "column " + c.column() + ": ISSUBSET is matched for IP addresses only");
          }
          String text = ((Literal.StringValue) c.value()).value();
          try {
            StixPatternCompiler.compileNetwork(type, text, limits);
            IpNetwork net = IpNetwork.parse(text);
            return net::contains;
          } catch (InvalidObservableException e) {
            throw new UnsupportedPatternException(
                "column " + c.column() + ": ISSUBSET network: " + e.getMessage(), true);
          }
        }
      default:
        throw new UnsupportedPatternException(
            "column " + c.column() + ": operator " + op.symbol() + " is parsed but not matched");
    }
  }

  /**
   * The canonical form of a pattern constant as the comparisons compare it, or null if it is no
   * valid value of {@code type} (then it equals nothing). The pre-filter of {@link PatternIndex}
   * builds its terms with this too, so both sides agree on every value by construction.
   */
  static String canonical(ObservableType type, Literal l) {
    if (!(l instanceof Literal.StringValue s)) {
      return null;
    }
    try {
      return ObservableNormalizer.normalize(type, s.value()).value();
    } catch (InvalidObservableException e) {
      return null;
    }
  }

  /** The observable type an object path denotes in Signalbox telemetry. */
  static ObservableType typeOf(ObjectPath p) throws UnsupportedPatternException {
    if (p.is("ipv4-addr", "value")) {
      return ObservableType.IPV4;
    }
    if (p.is("ipv6-addr", "value")) {
      return ObservableType.IPV6;
    }
    if (p.is("domain-name", "value")) {
      return ObservableType.DOMAIN;
    }
    if (p.is("url", "value")) {
      return ObservableType.URL;
    }
    if (p.is("email-addr", "value") || p.is("email-message", "from_ref", "value")) {
      return ObservableType.EMAIL;
    }
    if (p.is("file", "name")) {
      return ObservableType.FILE_NAME;
    }
    String type = p.objectType();
    List<PathStep> s = p.steps();
    if ((type.equals("file") || type.equals("artifact") || type.equals("x509-certificate"))
        && s.size() == 2
        && s.get(0) instanceof PathStep.Key k
        && k.name().equals("hashes")
        && s.get(1) instanceof PathStep.Key alg) {
      ObservableType t = hashType(alg.name());
      if (t != null) {
        return t;
      }
    }
    if (type.equals("network-traffic")
        && p.propertyPath()
            .equalsIgnoreCase("extensions.http-request-ext.request_header.User-Agent")) {
      return ObservableType.USER_AGENT;
    }
    throw new UnsupportedPatternException("object path " + p + " is parsed but not matched");
  }

  private static ObservableType hashType(String algorithm) {
    switch (algorithm.toUpperCase(java.util.Locale.ROOT).replace("-", "")) {
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
}
