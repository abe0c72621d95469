package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.signalbox.schema.Tlp;

/** The routing table by example; random mixes of everything are {@link SharingPropertiesTest}. */
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
}
