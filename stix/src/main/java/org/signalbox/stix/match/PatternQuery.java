package org.signalbox.stix.match;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.AutomatonQuery;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.ComparisonExpression;
import org.signalbox.stix.pattern.Literal;
import org.signalbox.stix.pattern.ObservationExpression;
import org.signalbox.stix.regex.InvalidRegexException;
import org.signalbox.stix.regex.UntrustedRegex;

/**
 * A compiled STIX pattern as a Lucene query over {@link EventDocument}s that matches <em>at
 * least</em> every event the pattern matches: an over-approximation, the pre-filter of {@link
 * PatternIndex}.
 *
 * <p>Why an over-approximation is enough: the index hands every event the query selects to the
 * pattern's own {@link PatternMatcher}, which decides. An event the query wrongly selects costs one
 * needless run of the matcher and is then dropped; an event the query missed would be a lost
 * sighting, and that is what the translation must never do. So a comparison becomes an exact term
 * only where the term holds exactly when the matcher's comparison does, and anything else becomes
 * the weakest requirement every match still meets: an observable of the compared type is present.
 *
 * <table>
 *   <caption>Translation</caption>
 *   <tr><th>pattern</th><th>query</th></tr>
 *   <tr><td>{@code p = 'v'}</td><td>term {@code p:v'}, v' the matcher's canonical v; a constant
 *       that is no valid value matches nothing</td></tr>
 *   <tr><td>{@code p = 'cidr'}, {@code p ISSUBSET 'cidr'} (IP paths)</td><td>term
 *       {@code p#network:<canonical network>} ({@link NetworkPrefixes})</td></tr>
 *   <tr><td>{@code p IN (...)}</td><td>SHOULD of the canonical terms</td></tr>
 *   <tr><td>{@code p LIKE 'text'} without wildcards</td><td>term {@code p:text}</td></tr>
 *   <tr><td>{@code domain-name:value LIKE '%.suffix'}</td><td>term
 *       {@code domain-name:value#parent:suffix}</td></tr>
 *   <tr><td>other LIKE, MATCHES</td><td>path present AND an {@link AutomatonQuery} on the
 *       {@link UntrustedRegex} automaton (path present alone if Lucene cannot compile it)</td></tr>
 *   <tr><td>{@code !=}, {@code NOT ...}, {@code EXISTS}, anything else</td><td>path present</td></tr>
 *   <tr><td>AND / OR</td><td>MUST / SHOULD of the parts; an AND with a part that matches nothing
 *       matches nothing, an OR drops such parts</td></tr>
 * </table>
 *
 * <p>LIKE, MATCHES and equality compare the value as given, so their terms are not normalized
 * beyond what the matcher does. Values longer than a Lucene term can hold fall back to path
 * present. The presearcher of Lucene's Monitor reads only the terms; the automaton makes the query
 * a faithful filter of its own when run on a document.
 */
public final class PatternQuery {
  private PatternQuery() {}

  /**
   * The pre-filter query of a compiled pattern, recording in {@code networks} the prefix lengths
   * its network terms use. A {@link MatchNoDocsQuery} if the pattern can match no event at all.
   */
  public static Query of(PatternMatcher matcher, NetworkPrefixes networks) {
    ObservationExpression.Observation obs =
        (ObservationExpression.Observation) matcher.pattern().root();
    try {
      return translate(obs.comparisons(), networks);
    } catch (UnsupportedPatternException e) {
      // The matcher compiled, so every path names a type; this is a bug, not bad input.
      throw new IllegalStateException("compiled pattern has an unknown path: " + e.getMessage(), e);
    }
  }

  static Query translate(ComparisonExpression e, NetworkPrefixes networks)
      throws UnsupportedPatternException {
    if (e instanceof ComparisonExpression.And and) {
      List<Query> parts = new ArrayList<>();
      for (ComparisonExpression c : and.operands()) {
        Query q = translate(c, networks);
        if (q instanceof MatchNoDocsQuery) {
          return q;
        }
        parts.add(q);
      }
      return combine(parts, Occur.MUST);
    }
    if (e instanceof ComparisonExpression.Or or) {
      List<Query> parts = new ArrayList<>();
      for (ComparisonExpression c : or.operands()) {
        Query q = translate(c, networks);
        if (!(q instanceof MatchNoDocsQuery)) {
          parts.add(q);
        }
      }
      return parts.isEmpty()
          ? nothing("no operand of the OR can match")
          : combine(parts, Occur.SHOULD);
    }
    if (e instanceof ComparisonExpression.Exists ex) {
      return present(PatternMatcher.typeOf(ex.path()));
    }
    ComparisonExpression.Comparison c = (ComparisonExpression.Comparison) e;
    ObservableType type = PatternMatcher.typeOf(c.path());
    if (c.negated()) {
      // NOT holds for an observable of the type whose value fails the test: no value to name.
      return present(type);
    }
    String field = EventDocument.field(type);
    switch (c.operator()) {
      case EQ:
        if ((type == ObservableType.IPV4 || type == ObservableType.IPV6)
            && c.value() instanceof Literal.StringValue cidr
            && cidr.value().contains("/")) {
          return network(type, cidr.value(), networks);
        }
        return term(type, field, PatternMatcher.canonical(type, c.value()));
      case IN:
        {
          Set<String> values = new LinkedHashSet<>();
          for (Literal l : ((Literal.SetValue) c.value()).elements()) {
            String v = PatternMatcher.canonical(type, l);
            if (v != null) {
              values.add(v);
            }
          }
          List<Query> terms = new ArrayList<>();
          for (String v : values) {
            terms.add(term(type, field, v));
          }
          return terms.isEmpty()
              ? nothing("no valid value in the set")
              : combine(terms, Occur.SHOULD);
        }
      case LIKE:
        return like(type, field, ((Literal.StringValue) c.value()).value());
      case MATCHES:
        return text(type, field, ((Literal.StringValue) c.value()).value(), false);
      case ISSUBSET:
        return network(type, ((Literal.StringValue) c.value()).value(), networks);
      default:
        return present(type);
    }
  }

  private static Query like(ObservableType type, String field, String text) {
    if (text.indexOf('%') < 0 && text.indexOf('_') < 0) {
      // No wildcard: LIKE is equality with the text as written.
      return term(type, field, text);
    }
    if (type == ObservableType.DOMAIN && text.startsWith("%.")) {
      String parent = text.substring(2);
      if (!parent.isEmpty() && parent.indexOf('%') < 0 && parent.indexOf('_') < 0) {
        return term(type, EventDocument.PARENT_DOMAIN_FIELD, parent);
      }
    }
    return text(type, field, text, true);
  }

  private static Query text(ObservableType type, String field, String text, boolean like) {
    BooleanQuery.Builder b = new BooleanQuery.Builder().add(present(type), Occur.FILTER);
    try {
      UntrustedRegex regex = like ? UntrustedRegex.like(text) : UntrustedRegex.pcre(text, false);
      b.add(new AutomatonQuery(new Term(field, ""), regex.automaton()), Occur.MUST);
    } catch (InvalidRegexException | TooComplexToDeterminizeException e) {
      // The matcher compiled this text, so the first cannot happen; the second is Lucene's UTF-8
      // form of the automaton exceeding its work limit. Path present is still a valid filter.
    }
    return b.build();
  }

  private static Query network(ObservableType type, String cidr, NetworkPrefixes networks) {
    IpNetwork net;
    try {
      net = IpNetwork.parse(cidr);
    } catch (InvalidObservableException e) {
      // The matcher treats an unparsable network in '=' as equal to nothing.
      return nothing("invalid network " + cidr);
    }
    networks.add(type, net.prefixLength());
    return new TermQuery(
        new Term(EventDocument.field(type) + EventDocument.NETWORK_SUFFIX, net.toString()));
  }

  private static Query term(ObservableType type, String field, String value) {
    if (value == null) {
      return nothing("not a valid " + type + " value");
    }
    if (!EventDocument.fitsInTerm(value)) {
      return present(type);
    }
    return new TermQuery(new Term(field, value));
  }

  /** Some observable of {@code type} is in the event. */
  static Query present(ObservableType type) {
    return new TermQuery(new Term(EventDocument.PATH_FIELD, EventDocument.field(type)));
  }

  private static Query nothing(String why) {
    return new MatchNoDocsQuery(why);
  }

  /**
   * One boolean query of the parts, nested in groups when there are more than a boolean query may
   * hold (an IN of thousands of values): a disjunction of disjunctions is the same disjunction.
   */
  private static Query combine(List<Query> parts, Occur occur) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int max = IndexSearcher.getMaxClauseCount();
    if (parts.size() > max) {
      List<Query> groups = new ArrayList<>();
      for (int i = 0; i < parts.size(); i += max) {
        groups.add(combine(parts.subList(i, Math.min(parts.size(), i + max)), occur));
      }
      return combine(groups, occur);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Query q : parts) {
      b.add(q, occur);
    }
    return b.build();
  }
}
