package org.signalbox.jobs.correlate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.ObservableType;

class DomainSuffixTrieTest {

  static List<String> matches(DomainSuffixTrie trie, String domain) {
    List<String> out = new ArrayList<>();
    trie.forEachMatch(domain, out::add);
    Collections.sort(out);
    return out;
  }

  private static DomainSuffixTrie sample() {
    DomainSuffixTrie trie = new DomainSuffixTrie();
    trie.add("example.org", "ex");
    trie.add("b.example.org", "b-ex");
    trie.add("org", "tld-org");
    trie.add("xn--bcher-kva.example", "buecher");
    trie.add("co.uk", "co-uk");
    return trie;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a.b.example.org | b-ex,ex,tld-org",
        "b.example.org | ex,tld-org",
        "x.example.org | ex,tld-org",
        "example.org | tld-org",
        "org | ''",
        "badexample.org | tld-org",
        "example.org.evil.net | ''",
        "a.b.c.d.e.example.org | ex,tld-org",
        "shop.xn--bcher-kva.example | buecher",
        "xn--bcher-kva.example | ''",
        "example.co.uk | co-uk",
        "co.uk | ''",
        "uk | ''",
        "example.com | ''",
      })
  void reportsStrictParentsOnLabelBoundaries(String domain, String expected) {
    List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(","));
    assertThat(matches(sample(), domain)).containsExactlyElementsOf(want);
  }

  @Test
  void reportsShortestParentFirst() {
    List<String> out = new ArrayList<>();
    sample().forEachMatch("a.b.example.org", out::add);
    assertThat(out).containsExactly("tld-org", "ex", "b-ex");
  }

  @Test
  void sizeCountsPairsAndDuplicatesAreIgnored() {
    DomainSuffixTrie trie = new DomainSuffixTrie();
    assertThat(trie.isEmpty()).isTrue();
    assertThat(trie.add("example.org", "a")).isTrue();
    assertThat(trie.add("example.org", "b")).isTrue();
    assertThat(trie.add("example.org", "a")).isFalse();
    assertThat(trie.add("www.example.org", "a")).isTrue();
    assertThat(trie.size()).isEqualTo(3);
    assertThat(matches(trie, "x.www.example.org")).containsExactly("a", "a", "b");
  }

  @Test
  void removeReportsWhetherThePairWasPresentAndPrunes() {
    DomainSuffixTrie trie = sample();
    int nodes = trie.nodeCount();
    assertThat(trie.remove("example.org", "nope")).isFalse();
    assertThat(trie.remove("c.example.org", "ex")).isFalse();
    assertThat(trie.remove("net", "tld-org")).isFalse();
    assertThat(trie.nodeCount()).isEqualTo(nodes);

    assertThat(trie.remove("b.example.org", "b-ex")).isTrue();
    assertThat(trie.nodeCount()).as("the 'b' node is gone").isEqualTo(nodes - 1);
    assertThat(matches(trie, "a.b.example.org")).containsExactly("ex", "tld-org");
    assertThat(trie.remove("b.example.org", "b-ex")).isFalse();

    assertThat(trie.remove("org", "tld-org")).isTrue();
    assertThat(trie.nodeCount()).as("'org' still leads to example.org").isEqualTo(nodes - 1);
    assertThat(trie.remove("example.org", "ex")).isTrue();
    assertThat(trie.remove("xn--bcher-kva.example", "buecher")).isTrue();
    assertThat(trie.remove("co.uk", "co-uk")).isTrue();
    assertThat(trie.size()).isZero();
    assertThat(trie.nodeCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".example.org", "example.org.", "a..example.org", "."})
  void refusesEmptyLabels(String parent) {
    DomainSuffixTrie trie = new DomainSuffixTrie();
    assertThatThrownBy(() -> trie.add(parent, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThat(trie.size()).isZero();
  }

  @Test
  void oddQueriesMatchNothingRatherThanFail() {
    DomainSuffixTrie trie = sample();
    assertThat(matches(trie, "")).isEmpty();
    assertThat(matches(trie, ".")).isEmpty();
    assertThat(matches(trie, "a.example.org.")).isEmpty();
  }

  /** The trie against a linear scan with {@code endsWith("." + parent)} on random names. */
  @Test
  void agreesWithALinearScan() {
    Random random = new Random(42);
    String[] alphabet = {"a", "b", "c", "ab", "xn--bcher-kva", "_dmarc", "org", "com"};
    DomainSuffixTrie trie = new DomainSuffixTrie();
    List<String> parents = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Set<String> pairs = new LinkedHashSet<>();
    for (int i = 0; i < 2000; i++) {
      String parent = randomName(random, alphabet, 1 + random.nextInt(4));
      String id = "d" + random.nextInt(1500);
      boolean added = pairs.add(parent + " " + id);
      assertThat(trie.add(parent, id)).isEqualTo(added);
      if (added) {
        parents.add(parent);
        ids.add(id);
      }
    }
    List<String> probes = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      probes.add(randomName(random, alphabet, 1 + random.nextInt(6)));
    }
    crossCheck(trie, parents, ids, probes, 0.3);

    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < parents.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    List<String> keptParents = new ArrayList<>();
    List<String> keptIds = new ArrayList<>();
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      if (k % 2 == 0) {
        assertThat(trie.remove(parents.get(i), ids.get(i))).isTrue();
      } else {
        keptParents.add(parents.get(i));
        keptIds.add(ids.get(i));
      }
    }
    assertThat(trie.size()).isEqualTo(keptParents.size());
    crossCheck(trie, keptParents, keptIds, probes, 0.1);
    for (int i = 0; i < keptParents.size(); i++) {
      assertThat(trie.remove(keptParents.get(i), keptIds.get(i))).isTrue();
    }
    assertThat(trie.size()).isZero();
    assertThat(trie.nodeCount()).isEqualTo(1);
  }

  /**
   * Real parents (the MISP bank-website warninglist, whose entries start with '.' to mean "this
   * domain and below", and the Office 365 list) against every query name of the WRCCDC Zeek DNS
   * log, canonicalized by the normalizer.
   */
  @Test
  void agreesWithALinearScanOnRealWarninglistsAndZeekQueries() throws Exception {
    DomainSuffixTrie trie = new DomainSuffixTrie();
    List<String> parents = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (String list : List.of("bank-website", "microsoft-office365")) {
      List<String> values = SharedSampleData.warninglist(list);
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i).startsWith(".") ? values.get(i).substring(1) : values.get(i);
        String parent = ObservableNormalizer.normalize(ObservableType.DOMAIN, v).value();
        trie.add(parent, list + "#" + i);
        parents.add(parent);
        ids.add(list + "#" + i);
      }
    }
    Set<String> names = new LinkedHashSet<>();
    int refused = 0;
    Set<String> raw = new LinkedHashSet<>();
    SharedSampleData.zeekRows("dns.log", f -> raw.add(f[9]));
    for (String q : raw) {
      try {
        names.add(ObservableNormalizer.normalize(ObservableType.DOMAIN, q).value());
      } catch (InvalidObservableException e) {
        refused++; // '-' for no query, reverse-lookup oddities; counted, not hidden
      }
    }
    assertThat(names).hasSizeGreaterThan(500);
    assertThat(refused).isLessThan(raw.size() / 10);
    // Make sure some probes are strictly below listed parents.
    List<String> probes = new ArrayList<>(names);
    for (int i = 0; i < parents.size(); i += 7) {
      probes.add("www." + parents.get(i));
      probes.add(parents.get(i));
    }
    crossCheck(trie, parents, ids, probes, 0.05);
  }

  private static void crossCheck(
      DomainSuffixTrie trie,
      List<String> parents,
      List<String> ids,
      List<String> probes,
      double minHitShare) {
    int nonEmpty = 0;
    for (String name : probes) {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < parents.size(); i++) {
        if (name.endsWith("." + parents.get(i))) {
          expected.add(ids.get(i));
        }
      }
      Collections.sort(expected);
      assertThat(matches(trie, name)).as("matches of %s", name).isEqualTo(expected);
      if (!expected.isEmpty()) {
        nonEmpty++;
      }
    }
    assertThat(nonEmpty).isGreaterThan((int) (probes.size() * minHitShare));
  }

  private static String randomName(Random random, String[] alphabet, int labels) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < labels; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return sb.toString();
  }
}
