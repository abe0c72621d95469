package org.signalbox.stix.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.signalbox.stix.match.RandomPatterns.obs;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.StixPattern;

class PatternIndexTest {

  private static final Observable SRC = obs(ObservableType.IPV4, "10.1.2.3");
  private static final Observable DST = obs(ObservableType.IPV4, "60.10.1.120");
  private static final Observable QUERY = obs(ObservableType.DOMAIN, "update.evil-cdn.example.org");
  private static final List<Observable> DNS_EVENT = List.of(SRC, QUERY, DST);

  private static StixPattern p(String text) throws Exception {
    return StixPattern.parse(text);
  }

  private static List<String> ids(List<PatternIndex.Match> matches) {
    List<String> out = new ArrayList<>();
    for (PatternIndex.Match m : matches) {
      out.add(m.indicatorId());
    }
    return out;
  }

  /** Both paths of the index: the Monitor (threshold 0) and brute force (never the Monitor). */
  @ParameterizedTest
  @ValueSource(ints = {0, Integer.MAX_VALUE})
  void putReplaceAndRemove(int bruteForceBelow) throws Exception {
    try (PatternIndex index = new PatternIndex(bruteForceBelow)) {
      index.put("a", p("[ipv4-addr:value = '60.10.1.120']"));
      index.put("b", p("[domain-name:value = 'other.example']"));
      assertThat(index.size()).isEqualTo(2);
      assertThat(index.witnesses(DNS_EVENT))
          .containsExactly(new PatternIndex.Match("a", List.of(DST)));

      // Replacing: the old pattern no longer matches, the new one does.
      index.put("a", p("[ipv4-addr:value = '198.51.100.1']"));
      index.put("b", p("[domain-name:value LIKE '%.example.org']"));
      assertThat(index.size()).isEqualTo(2);
      assertThat(index.witnesses(DNS_EVENT))
          .containsExactly(new PatternIndex.Match("b", List.of(QUERY)));

      assertThat(index.remove("b")).isTrue();
      assertThat(index.remove("b")).isFalse();
      assertThat(index.remove("never-there")).isFalse();
      assertThat(index.size()).isEqualTo(1);
      assertThat(index.get("b")).isNull();
      assertThat(index.witnesses(DNS_EVENT)).isEmpty();

      // Removed and put back before any event: the Monitor sees only the final state.
      index.put("c", p("[ipv4-addr:value = '10.1.2.3']"));
      index.remove("c");
      index.put("c", p("[ipv4-addr:value ISSUBSET '10.1.0.0/16']"));
      assertThat(index.witnesses(DNS_EVENT))
          .containsExactly(new PatternIndex.Match("c", List.of(SRC)));
    }
  }

  @Test
  void aPatternTheMatcherCannotRunIsRefusedAndDropsTheOldVersion() throws Exception {
    try (PatternIndex index = new PatternIndex(0)) {
      index.put("a", p("[ipv4-addr:value = '60.10.1.120']"));
      assertThat(ids(index.witnesses(DNS_EVENT))).containsExactly("a");
      assertThatThrownBy(() -> index.put("a", p("[process:pid = 4]")))
          .isInstanceOf(UnsupportedPatternException.class)
          .hasMessageContaining("process:pid");
      assertThat(index.size()).isZero();
      assertThat(index.witnesses(DNS_EVENT)).isEmpty();
      assertThatThrownBy(
              () ->
                  index.put("b", p("[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'x']")))
          .isInstanceOf(UnsupportedPatternException.class);
    }
  }

  @Test
  void aPatternThatCanMatchNothingIsHeldButNeverACandidate() throws Exception {
    try (PatternIndex index = new PatternIndex(0)) {
      index.put("invalid", p("[ipv4-addr:value = 'not an address']"));
      index.put("empty-in", p("[domain-name:value IN ('not a domain!', '')]"));
      index.put("and", p("[ipv4-addr:value = '10.1.2.3' AND ipv4-addr:value = '999.1.1.1']"));
      assertThat(index.size()).isEqualTo(3);
      assertThat(index.candidateIds(DNS_EVENT)).isEmpty();
      assertThat(index.witnesses(DNS_EVENT)).isEmpty();
      assertThat(index.remove("invalid")).isTrue();
    }
  }

  @Test
  void theCandidatesOfAnEventAreThoseWhoseTermsItHolds() throws Exception {
    try (PatternIndex index = new PatternIndex(0)) {
      index.put("ip", p("[ipv4-addr:value = '60.10.1.120']"));
      index.put("ip-other", p("[ipv4-addr:value = '60.10.1.121']"));
      index.put("in", p("[domain-name:value IN ('a.example', 'UPDATE.evil-cdn.example.org.')]"));
      index.put("suffix", p("[domain-name:value LIKE '%.example.org']"));
      index.put("suffix-other", p("[domain-name:value LIKE '%.example.net']"));
      index.put("cidr", p("[ipv4-addr:value ISSUBSET '10.0.0.0/8']"));
      index.put("cidr-eq", p("[ipv4-addr:value = '60.10.0.0/16']"));
      index.put("cidr-other", p("[ipv4-addr:value ISSUBSET '192.168.0.0/16']"));
      index.put("and", p("[ipv4-addr:value = '10.1.2.3' AND domain-name:value = 'other.example']"));
      index.put("not", p("[url:value != 'http://a.example/']"));
      index.put("not-domain", p("[domain-name:value NOT = 'a.example']"));
      index.put("matches-url", p("[url:value MATCHES '^https?://']"));
      index.put("matches-domain", p("[domain-name:value MATCHES 'evil-[a-z]+']"));
      index.put("exists-sha", p("[EXISTS file:hashes.'SHA-256']"));

      assertThat(index.candidateIds(DNS_EVENT))
          .containsExactlyInAnyOrder(
              "ip", "in", "suffix", "cidr", "cidr-eq", "not-domain", "matches-domain");
      assertThat(ids(index.witnesses(DNS_EVENT)))
          .containsExactlyInAnyOrder("ip", "in", "suffix", "cidr", "cidr-eq", "matches-domain");
      // 'and' needs both terms, but the presearcher indexes a conjunction under one of them (the
      // longer value): a candidate when the event has that one, and then the matcher says no.
      List<Observable> withOther =
          List.of(
              obs(ObservableType.IPV4, "11.9.9.9"), obs(ObservableType.DOMAIN, "other.example"));
      assertThat(index.candidateIds(withOther)).contains("and");
      assertThat(index.witnesses(withOther)).isEmpty();
    }
  }

  @Test
  void anEventWithoutAnyTypeAPatternCanNameIsNoCandidateForAnything() throws Exception {
    try (PatternIndex index = new PatternIndex(0)) {
      index.put("not", p("[ipv4-addr:value != '1.2.3.4']"));
      List<Observable> ja3 = List.of(obs(ObservableType.JA3, "abc"));
      assertThat(index.candidateIds(ja3)).isEmpty();
      assertThat(index.candidateIds(List.of())).isEmpty();
    }
  }

  @Test
  void patternsOnlyOfNegationsMatchNothingOnEitherPath() throws Exception {
    // The matcher is true but has no witness: a sighting needs something seen.
    for (int threshold : new int[] {0, Integer.MAX_VALUE}) {
      try (PatternIndex index = new PatternIndex(threshold)) {
        index.put("not", p("[ipv4-addr:value NOT = '1.2.3.4']"));
        index.put("not-in", p("[domain-name:value NOT IN ('a.example')]"));
        assertThat(index.witnesses(DNS_EVENT)).isEmpty();
        // '!=' is no negation: the value that differs is its witness.
        index.put("neq", p("[ipv4-addr:value != '10.1.2.3']"));
        assertThat(index.witnesses(DNS_EVENT))
            .containsExactly(new PatternIndex.Match("neq", List.of(DST)));
      }
    }
  }

  @Test
  void anInOfThousandsOfValuesIsNestedUnderTheClauseLimit() throws Exception {
    StringBuilder set = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      set.append(i == 0 ? "" : ", ").append("'10.9.").append(i / 256).append('.').append(i % 256);
      set.append('\'');
    }
    try (PatternIndex index = new PatternIndex(0)) {
      index.put("big", p("[ipv4-addr:value IN (" + set + ")]"));
      Observable hit = obs(ObservableType.IPV4, "10.9.19.135");
      assertThat(index.witnesses(List.of(SRC, hit)))
          .containsExactly(new PatternIndex.Match("big", List.of(hit)));
      assertThat(index.witnesses(List.of(SRC))).isEmpty();
    }
  }

  @Test
  void aLiteralTooLongForALuceneTermFallsBackToThePath() throws Exception {
    String name = "x".repeat(40_000) + ".exe";
    try (PatternIndex index = new PatternIndex(0)) {
      index.put("long", p("[file:name = '" + name + "']"));
      Observable seen = obs(ObservableType.FILE_NAME, name);
      assertThat(index.witnesses(List.of(seen)))
          .containsExactly(new PatternIndex.Match("long", List.of(seen)));
    }
  }

  @Test
  void theBruteForceThresholdSwitchesPathsWithoutChangingResults() throws Exception {
    try (PatternIndex index = new PatternIndex(3)) {
      index.put("a", p("[ipv4-addr:value = '60.10.1.120']"));
      index.put("b", p("[domain-name:value LIKE '%.example.org']"));
      assertThat(ids(index.witnesses(DNS_EVENT))).containsExactlyInAnyOrder("a", "b");
      index.put("c", p("[ipv4-addr:value = '10.1.2.3']"));
      assertThat(ids(index.witnesses(DNS_EVENT))).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(index.candidateIds(DNS_EVENT)).containsExactlyInAnyOrder("a", "b", "c");
      index.remove("c");
      assertThat(ids(index.witnesses(DNS_EVENT))).containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void matchNothingQueriesComeFromConstantsNoEventCanHold() throws Exception {
    NetworkPrefixes n = new NetworkPrefixes();
    assertThat(PatternQuery.of(PatternMatcher.compile(p("[ipv4-addr:value = '10.0.0.0/33']")), n))
        .isInstanceOf(MatchNoDocsQuery.class);
    assertThat(
            PatternQuery.of(
                PatternMatcher.compile(
                    p("[ipv4-addr:value = 'x' OR domain-name:value = 'a.example']")),
                n))
        .hasToString("domain-name:value:a.example");
  }

  private static org.apache.lucene.search.Query query(String pattern) throws Exception {
    return PatternQuery.of(PatternMatcher.compile(p(pattern)), new NetworkPrefixes());
  }

  @Test
  void patternsNarrowedOnlyToATypeAreRoutedByTypeAndStillFound() throws Exception {
    assertThat(PatternIndex.selective(query("[ipv4-addr:value = '1.2.3.4']"))).isTrue();
    assertThat(
            PatternIndex.selective(
                query("[ipv4-addr:value = '1.2.3.4' AND url:value MATCHES 'x']")))
        .isTrue();
    assertThat(PatternIndex.selective(query("[url:value MATCHES 'x']"))).isFalse();
    assertThat(
            PatternIndex.selective(query("[ipv4-addr:value = '1.2.3.4' OR url:value MATCHES 'x']")))
        .isFalse();
    assertThat(PatternIndex.triggers(query("[url:value MATCHES 'x' AND file:name != 'a']")))
        .hasSize(1);
    assertThat(
            PatternIndex.triggers(
                query("[url:value LIKE 'http://%' OR ipv6-addr:value ISSUBSET '2001:db8::/32']")))
        .containsExactlyInAnyOrder(ObservableType.URL, ObservableType.IPV6);

    Observable url = obs(ObservableType.URL, "http://update.evil-cdn.example.org/a");
    List<Observable> event = List.of(SRC, QUERY, url);
    try (PatternIndex index = new PatternIndex(0)) {
      index.put("text", p("[url:value MATCHES '^http://update\\\\.']"));
      index.put("split", p("[ipv4-addr:value = '10.1.2.3' OR url:value LIKE '%/b']"));
      index.put("split-other", p("[ipv4-addr:value = '10.9.9.9' OR url:value LIKE '%/b']"));
      index.put("neq", p("[file:name != 'a.exe']"));
      assertThat(index.candidateIds(event))
          .containsExactlyInAnyOrder("text", "split", "split-other");
      assertThat(index.witnesses(event))
          .containsExactlyInAnyOrder(
              new PatternIndex.Match("text", List.of(url)),
              new PatternIndex.Match("split", List.of(SRC)));
      // Replaced by a selective version: it leaves the type route.
      index.put("text", p("[url:value = 'http://update.evil-cdn.example.org/a']"));
      index.remove("split-other");
      assertThat(index.candidateIds(List.of(obs(ObservableType.URL, "http://x.example/"))))
          .containsExactly("split");
      assertThat(index.witnesses(event))
          .containsExactlyInAnyOrder(
              new PatternIndex.Match("text", List.of(url)),
              new PatternIndex.Match("split", List.of(SRC)));
    }
  }

  @Test
  void closingAndUsingAgainRebuildsTheMonitor() throws Exception {
    PatternIndex index = new PatternIndex(0);
    index.put("a", p("[ipv4-addr:value = '60.10.1.120']"));
    assertThat(ids(index.witnesses(DNS_EVENT))).containsExactly("a");
    index.close();
    assertThat(ids(index.witnesses(DNS_EVENT))).containsExactly("a");
    index.close();
  }
}
