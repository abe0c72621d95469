package org.signalbox.stix.match;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.stix.pattern.ComparisonExpression;
import org.signalbox.stix.pattern.Literal;
import org.signalbox.stix.pattern.ObservationExpression;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.testkit.SharedData;

/**
 * PatternIndex against brute force on third-party data: the indicator patterns of the STIX 2.1
 * example bundles, the MISP warninglists written as STIX patterns (CIDR lists as ISSUBSET and '=',
 * hostname lists as '=' OR LIKE '%.parent', string lists as '=' and IN, TLDs as LIKE), and as
 * events Zeek DNS and TLS records of the WRCCDC 2018 captures through the edge parser and
 * sanitizer, plus events carrying the patterns' own values.
 */
class PatternIndexSharedDataTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY =
      """
      id: pattern-index-test
      version: "1"
      internal:
        networks: [10.0.0.0/8]
      attributes:
        "*": auto
      """;

  @Test
  void realPatternsOnRealEventsGiveTheBruteForceResults() throws Exception {
    Path stix = SharedData.require("stix");
    Path warninglists = SharedData.require("misp-warninglists");
    Path zeek = SharedData.require("zeek");

    Map<String, StixPattern> patterns = new LinkedHashMap<>();
    int refused = 0;
    try (Stream<Path> files = Files.list(stix)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        for (JsonNode o : JSON.readTree(f.toFile()).path("objects")) {
          if (o.path("type").asText().equals("indicator") && o.has("pattern")) {
            patterns.put(o.path("id").asText() + "@" + f.getFileName(), parse(o.path("pattern")));
          }
        }
      }
    }
    int fromStix = patterns.size();
    warninglistPatterns(warninglists, patterns);

    List<List<Observable>> events = new ArrayList<>();
    var policy = EdgeFixtures.policy(POLICY);
    for (String log : List.of("dns.log.gz", "ssl.log.gz")) {
      List<TelemetryEvent> all =
          EdgeFixtures.runFile(LogFormat.ZEEK, policy, zeek.resolve(log)).events();
      for (int i = 0; i < all.size(); i += 25) {
        events.add(all.get(i).getObservables());
      }
    }
    int fromZeek = events.size();
    for (StixPattern p : patterns.values()) {
      List<Observable> values = valuesOf(p);
      if (!values.isEmpty() && events.size() < fromZeek + 2000) {
        events.add(values);
      }
    }

    Map<String, PatternMatcher> compiled = new HashMap<>();
    try (PatternIndex index = new PatternIndex(0)) {
      for (Map.Entry<String, StixPattern> e : patterns.entrySet()) {
        try {
          index.put(e.getKey(), e.getValue());
          compiled.put(e.getKey(), PatternMatcher.compile(e.getValue()));
        } catch (UnsupportedPatternException ex) {
          refused++; // e.g. email-message:subject, or a /0 network
        }
      }
      assertThat(index.size()).isEqualTo(compiled.size());
      long matches = 0;
      for (List<Observable> event : events) {
        Map<String, List<Observable>> expected = new HashMap<>();
        compiled.forEach(
            (id, m) -> {
              List<Observable> w = m.witnesses(event);
              if (!w.isEmpty()) {
                expected.put(id, w);
              }
            });
        Map<String, List<Observable>> actual = new HashMap<>();
        index.witnesses(event, actual::put);
        assertThat(actual).as("event %s", event).isEqualTo(expected);
        matches += expected.size();
      }
      assertThat(fromStix).as("indicator patterns in the STIX bundles").isGreaterThan(20);
      assertThat(compiled.size()).isGreaterThan(1000);
      assertThat(fromZeek).isGreaterThan(3000);
      assertThat(matches).as("matches (refused patterns: %d)", refused).isGreaterThan(1000);
    }
  }

  private static StixPattern parse(JsonNode pattern) throws Exception {
    return StixPattern.parse(pattern.asText());
  }

  /** Each list as patterns of up to 20 entries, as a feed might publish a list. */
  private static void warninglistPatterns(Path dir, Map<String, StixPattern> out) throws Exception {
    try (Stream<Path> lists = Files.list(dir)) {
      for (Path list : lists.sorted().toList()) {
        JsonNode root = JSON.readTree(list.resolve("list.json").toFile());
        String type = root.path("type").asText();
        List<String> entries = new ArrayList<>();
        root.path("list").forEach(v -> entries.add(v.asText()));
        String name = list.getFileName().toString();
        for (int from = 0; from < entries.size(); from += 20) {
          List<String> chunk = entries.subList(from, Math.min(entries.size(), from + 20));
          List<String> parts = new ArrayList<>();
          for (String v : chunk) {
            String part = comparison(name, type, v);
            if (part != null) {
              parts.add(part);
            }
          }
          if (!parts.isEmpty()) {
            out.put(name + "#" + from, StixPattern.parse("[" + String.join(" OR ", parts) + "]"));
          }
        }
      }
    }
  }

  private static String comparison(String list, String type, String v) {
    String q = new Literal.StringValue(v).toString();
    switch (type) {
      case "cidr":
        {
          String path = v.contains(":") ? "ipv6-addr:value" : "ipv4-addr:value";
          return v.contains("/") ? path + " ISSUBSET " + q : path + " = " + q;
        }
      case "hostname":
        {
          String parent = v.startsWith(".") ? v.substring(1) : v;
          String lit = new Literal.StringValue(parent).toString();
          String like = new Literal.StringValue("%." + parent).toString();
          return "(domain-name:value = " + lit + " OR domain-name:value LIKE " + like + ")";
        }
      default:
        if (list.equals("tlds")) {
          String like = new Literal.StringValue("%." + v.toLowerCase(Locale.ROOT)).toString();
          return "domain-name:value LIKE " + like;
        }
        if (list.equals("empty-hashes")) {
          switch (v.length()) {
            case 32:
              return "file:hashes.MD5 = " + q;
            case 40:
              return "file:hashes.'SHA-1' = " + q;
            case 64:
              return "file:hashes.'SHA-256' IN (" + q + ")";
            case 128:
              return "file:hashes.'SHA-512' = " + q;
            default:
              return null;
          }
        }
        return "domain-name:value = " + q;
    }
  }

  /**
   * An event holding the values the pattern's equalities name (first ones, canonical), and for
   * networks an address inside, for LIKE '%.parent' a subdomain of the parent.
   */
  private static List<Observable> valuesOf(StixPattern p) {
    List<Observable> out = new ArrayList<>();
    if (p.root() instanceof ObservationExpression.Observation obs) {
      collect(obs.comparisons(), out);
    }
    return out.size() > 3 ? out.subList(0, 3) : out;
  }

  private static void collect(ComparisonExpression e, List<Observable> out) {
    if (e instanceof ComparisonExpression.And a) {
      a.operands().forEach(c -> collect(c, out));
    } else if (e instanceof ComparisonExpression.Or o) {
      o.operands().forEach(c -> collect(c, out));
    } else if (e instanceof ComparisonExpression.Comparison c
        && c.value() instanceof Literal.StringValue s) {
      ObservableType t;
      try {
        t = PatternMatcher.typeOf(c.path());
      } catch (UnsupportedPatternException ex) {
        return;
      }
      String v = s.value();
      if (v.contains("/") && (t == ObservableType.IPV4 || t == ObservableType.IPV6)) {
        v = v.substring(0, v.indexOf('/'));
      } else if (v.startsWith("%.")) {
        v = "www." + v.substring(2);
      }
      try {
        out.add(RandomPatterns.obs(t, ObservableNormalizer.normalize(t, v).value()));
      } catch (InvalidObservableException ex) {
        // not a value (a pattern constant that is no valid observable): nothing to plant
      }
    }
  }
}
