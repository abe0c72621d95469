package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.signalbox.schema.Tlp;

class SharingRulesTest {

  static final Set<String> NONE = Set.of();
  static final Set<String> ONE = Set.of("m-a");
  static final Set<String> TWO = Set.of("m-a", "m-b");
  static final Set<String> GROUPS = Set.of("rail");
  static final Set<String> RECIPIENTS = Set.of("m-r");

  static String show(Set<Audience> audiences) {
    return audiences.stream().map(Audience::toString).collect(Collectors.joining(" "));
  }

  /** Every marking against every shape of origins, groups and recipients, written out. */
  static Stream<Arguments> table() {
    return Stream.of(
        // tlp, origins, groups, recipients, expected audiences
        Arguments.of(Tlp.CLEAR, NONE, NONE, NONE, "public"),
        Arguments.of(Tlp.CLEAR, ONE, GROUPS, RECIPIENTS, "member:m-a public"),
        Arguments.of(Tlp.CLEAR, TWO, NONE, NONE, "member:m-a member:m-b public"),
        Arguments.of(Tlp.GREEN, NONE, NONE, NONE, "community"),
        Arguments.of(Tlp.GREEN, ONE, GROUPS, RECIPIENTS, "member:m-a community"),
        Arguments.of(Tlp.GREEN, TWO, NONE, NONE, "member:m-a member:m-b community"),
        Arguments.of(Tlp.AMBER, NONE, NONE, NONE, ""),
        Arguments.of(Tlp.AMBER, ONE, NONE, NONE, "member:m-a"),
        Arguments.of(Tlp.AMBER, ONE, GROUPS, NONE, "member:m-a group:rail"),
        Arguments.of(
            Tlp.AMBER, TWO, GROUPS, RECIPIENTS, "member:m-a member:m-b member:m-r group:rail"),
        Arguments.of(Tlp.AMBER_STRICT, NONE, GROUPS, NONE, ""),
        Arguments.of(Tlp.AMBER_STRICT, NONE, NONE, RECIPIENTS, "member:m-r"),
        Arguments.of(Tlp.AMBER_STRICT, ONE, GROUPS, NONE, "member:m-a"),
        Arguments.of(Tlp.AMBER_STRICT, ONE, GROUPS, RECIPIENTS, "member:m-a member:m-r"),
        Arguments.of(Tlp.AMBER_STRICT, TWO, GROUPS, RECIPIENTS, ""),
        Arguments.of(Tlp.RED, NONE, GROUPS, NONE, ""),
        Arguments.of(Tlp.RED, NONE, NONE, RECIPIENTS, "member:m-r"),
        Arguments.of(Tlp.RED, ONE, GROUPS, NONE, "member:m-a"),
        Arguments.of(Tlp.RED, TWO, GROUPS, RECIPIENTS, ""),
        Arguments.of(null, ONE, GROUPS, NONE, "member:m-a"),
        Arguments.of(null, TWO, GROUPS, RECIPIENTS, ""));
  }

  @ParameterizedTest(name = "{0} origins={1} groups={2} recipients={3} -> [{4}]")
  @MethodSource("table")
  void routingTable(
      Tlp tlp, Set<String> origins, Set<String> groups, Set<String> recipients, String expected) {
    assertThat(show(SharingRules.audiencesFor(tlp, origins, groups, recipients)))
        .isEqualTo(expected);
  }

  @Test
  void feedTopicsAndAudienceNames() {
    assertThat(Audience.member("m-rail-01").topic()).isEqualTo("feed.member.m-rail-01");
    assertThat(Audience.group("rail").topic()).isEqualTo("feed.group.rail");
    assertThat(Audience.COMMUNITY.topic()).isEqualTo("feed.community");
    assertThat(Audience.PUBLIC.topic()).isEqualTo("feed.public");
    assertThatThrownBy(() -> Audience.member("m rail/01")).hasMessageContaining("[A-Za-z0-9._-]");
    assertThatThrownBy(() -> Audience.group("")).isInstanceOf(IllegalArgumentException.class);
  }

  /** A random ISAC: members in working groups, partners in the community only. */
  record Directory(List<String> members, List<String> partners, Map<String, Set<String>> groups) {
    static Directory random(Random rnd) {
      List<String> members =
          Stream.iterate(0, i -> i + 1).limit(2 + rnd.nextInt(10)).map(i -> "m-" + i).toList();
      List<String> partners =
          Stream.iterate(0, i -> i + 1).limit(rnd.nextInt(3)).map(i -> "p-" + i).toList();
      Map<String, Set<String>> groups = new HashMap<>();
      for (String g : List.of("rail", "aviation", "airports", "logistics")) {
        Set<String> in = new TreeSet<>();
        for (String m : members) {
          if (rnd.nextInt(3) == 0) {
            in.add(m);
          }
        }
        groups.put(g, in);
      }
      return new Directory(members, partners, groups);
    }

    /** Every organisation a set of feeds reaches; "*" stands for anyone at all. */
    Set<String> reach(Set<Audience> audiences) {
      Set<String> out = new HashSet<>();
      for (Audience a : audiences) {
        switch (a.kind()) {
          case PUBLIC -> {
            out.add("*");
            out.addAll(members);
            out.addAll(partners);
          }
          case COMMUNITY -> {
            out.addAll(members);
            out.addAll(partners);
          }
          case GROUP -> out.addAll(groups.get(a.name()));
          case MEMBER -> out.add(a.name());
        }
      }
      return out;
    }

    Set<String> pick(Random rnd, List<String> from, int max) {
      Set<String> out = new TreeSet<>();
      int n = rnd.nextInt(max + 1);
      for (int i = 0; i < n && !from.isEmpty(); i++) {
        out.add(from.get(rnd.nextInt(from.size())));
      }
      return out;
    }
  }

  /**
   * Property over many random directories and records: a more restrictive marking never reaches an
   * organisation a less restrictive one does not, and each marking reaches only whom TLP 2.0
   * allows: the public only from CLEAR, partners only from CLEAR or GREEN, a group only when named
   * on an AMBER record, and for AMBER+STRICT and RED nobody but the named recipients and the single
   * originating member.
   */
  @Test
  void noMarkingEverReachesAnAudienceItExcludes() {
    Random rnd = new Random(20261101L);
    for (int run = 0; run < 20_000; run++) {
      Directory dir = Directory.random(rnd);
      List<String> orgs = Stream.concat(dir.members.stream(), dir.partners.stream()).toList();
      Set<String> origins = dir.pick(rnd, dir.members, 3);
      Set<String> groups = dir.pick(rnd, List.copyOf(dir.groups.keySet()), 2);
      Set<String> recipients = dir.pick(rnd, orgs, 2);

      Set<String> previous = null;
      for (Tlp tlp : Tlp.values()) {
        Set<Audience> audiences = SharingRules.audiencesFor(tlp, origins, groups, recipients);
        Set<String> reach = dir.reach(audiences);
        if (previous != null) {
          assertThat(previous).as("%s widens %s", tlp, audiences).containsAll(reach);
        }
        previous = reach;

        Set<String> allowed = new HashSet<>();
        switch (tlp) {
          case CLEAR -> allowed.add("*");
          case GREEN -> {
            allowed.addAll(dir.members);
            allowed.addAll(dir.partners);
          }
          case AMBER -> {
            groups.forEach(g -> allowed.addAll(dir.groups.get(g)));
            allowed.addAll(recipients);
            allowed.addAll(origins);
          }
          case AMBER_STRICT, RED -> {
            if (origins.size() <= 1) {
              allowed.addAll(recipients);
              allowed.addAll(origins);
            }
          }
        }
        if (!allowed.contains("*")) {
          assertThat(allowed).as("%s to %s", tlp, audiences).containsAll(reach);
          assertThat(audiences).noneMatch(a -> a.kind() == Audience.Kind.PUBLIC);
        }
        if (tlp != Tlp.AMBER) {
          assertThat(audiences).noneMatch(a -> a.kind() == Audience.Kind.GROUP);
        }
      }
    }
  }
}
