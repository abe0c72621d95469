package org.signalbox.stix.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.signalbox.core.IndicatorIds;
import org.signalbox.schema.Observable;
import org.signalbox.stix.pattern.StixPattern;

/**
 * Differential tests: whatever the patterns and events, {@link PatternIndex} gives exactly what
 * testing every {@link PatternMatcher} gives (ids and witnesses), and each {@link PatternQuery} is
 * an over-approximation of its pattern when Lucene runs it. Each try draws its patterns and events
 * from a seed that jqwik reports on failure.
 */
@Tag("property")
class PatternIndexPropertiesTest {

  private static Map<String, List<Observable>> bruteForce(
      Map<String, PatternMatcher> patterns, List<Observable> event) {
    Map<String, List<Observable>> out = new HashMap<>();
    for (Map.Entry<String, PatternMatcher> e : patterns.entrySet()) {
      List<Observable> w = e.getValue().witnesses(event);
      if (!w.isEmpty()) {
        out.put(e.getKey(), w);
      }
    }
    return out;
  }

  private static Map<String, List<Observable>> indexed(PatternIndex index, List<Observable> event) {
    Map<String, List<Observable>> out = new HashMap<>();
    for (PatternIndex.Match m : index.witnesses(event)) {
      assertThat(out.put(m.indicatorId(), m.witnesses()))
          .as("indicator %s reported twice", m.indicatorId())
          .isNull();
    }
    return out;
  }

  @Property(tries = 25)
  void indexGivesExactlyTheBruteForceResults(@ForAll long seed) throws Exception {
    RandomPatterns gen = new RandomPatterns(seed);
    Map<String, PatternMatcher> patterns = new LinkedHashMap<>();
    try (PatternIndex index = new PatternIndex(0)) {
      for (int i = 0; i < 200; i++) {
        StixPattern p = gen.pattern();
        String id = IndicatorIds.spelled(String.valueOf(i));
        index.put(id, p);
        patterns.put(id, PatternMatcher.compile(p));
      }
      int matched = 0;
      for (int e = 0; e < 300; e++) {
        List<Observable> event = gen.event();
        Map<String, List<Observable>> expected = bruteForce(patterns, event);
        assertThat(indexed(index, event)).as("event %s", event).isEqualTo(expected);
        assertThat(index.candidateIds(event)).containsAll(expected.keySet());
        matched += expected.size();
      }
      // The pools are small so that matches are common; a run without any would test nothing.
      assertThat(matched).isPositive();
    }
  }

  @Property(tries = 15)
  void putsReplacementsAndRemovalsBetweenEventsKeepTheIndexExact(@ForAll long seed)
      throws Exception {
    RandomPatterns gen = new RandomPatterns(seed);
    Random r = new Random(seed);
    Map<String, PatternMatcher> patterns = new HashMap<>();
    try (PatternIndex index = new PatternIndex(0)) {
      for (int step = 0; step < 600; step++) {
        int k = r.nextInt(10);
        String id = IndicatorIds.spelled(String.valueOf(r.nextInt(80)));
        if (k < 4) {
          StixPattern p = gen.pattern();
          index.put(id, p);
          patterns.put(id, PatternMatcher.compile(p));
        } else if (k < 5) {
          assertThat(index.remove(id)).isEqualTo(patterns.remove(id) != null);
        } else {
          List<Observable> event = gen.event();
          assertThat(indexed(index, event)).isEqualTo(bruteForce(patterns, event));
        }
        assertThat(index.size()).isEqualTo(patterns.size());
      }
    }
  }

  /**
   * The translation on its own, with the automata of LIKE and MATCHES run by Lucene: wherever the
   * pattern has witnesses, its query matches the event's document.
   */
  @Property(tries = 20)
  void everyQueryMatchesEveryEventItsPatternMatches(@ForAll long seed) throws Exception {
    RandomPatterns gen = new RandomPatterns(seed);
    List<PatternMatcher> matchers = new ArrayList<>();
    List<Query> queries = new ArrayList<>();
    NetworkPrefixes networks = new NetworkPrefixes();
    for (int i = 0; i < 100; i++) {
      PatternMatcher m = PatternMatcher.compile(gen.pattern());
      matchers.add(m);
      queries.add(PatternQuery.of(m, networks));
    }
    int checked = 0;
    for (int e = 0; e < 100; e++) {
      List<Observable> event = gen.event();
      MemoryIndex doc = memoryIndex(EventDocument.of(event, networks));
      for (int i = 0; i < matchers.size(); i++) {
        if (!matchers.get(i).witnesses(event).isEmpty()) {
          checked++;
          assertThat(queries.get(i)).isNotInstanceOf(MatchNoDocsQuery.class);
          assertThat(doc.search(queries.get(i)))
              .as("%s as %s on %s", matchers.get(i).pattern().text(), queries.get(i), event)
              .isPositive();
        }
      }
    }
    assertThat(checked).isPositive();
  }

  private static MemoryIndex memoryIndex(Document doc) throws IOException {
    MemoryIndex index = new MemoryIndex();
    StandardAnalyzer analyzer = new StandardAnalyzer();
    for (IndexableField f : doc.getFields()) {
      index.addField(f, analyzer);
    }
    return index;
  }
}
