package org.signalbox.jobs.sharing;

import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Sector;

class MemberAclsTest {

  private static final MemberDirectory.Member RAIL_A =
      new MemberDirectory.Member("rail-a", Sector.RAIL, Set.of("rail", "isac"), false, 0);
  private static final MemberDirectory.Member AIR_B =
      new MemberDirectory.Member("air-b", Sector.AVIATION, Set.of("isac"), true, 0);
  private static final MemberDirectory.Member LONE_C =
      new MemberDirectory.Member("lone-c", Sector.LOGISTICS, Set.of(), false, 0);

  private static final MemberDirectory DIRECTORY =
      new MemberDirectory("isac-office", Set.of("cert"), List.of(RAIL_A, AIR_B, LONE_C));

  /** The expected plan spelled out by hand, not with the naming functions under test. */
  @Test
  void grantsEachMemberItsOwnTopicsItsAudiencesFeedsAndDigestsAndItsGroupPrefix() {
    List<AclBinding> expected = new ArrayList<>();
    // air-b: own feed, group isac, community, public; no group rail.
    reads(expected, "User:air-b", "feed.community");
    reads(expected, "User:air-b", "feed.group.isac");
    reads(expected, "User:air-b", "feed.member.air-b");
    reads(expected, "User:air-b", "feed.public");
    expected.add(topic("User:air-b", "feedback.air-b", WRITE));
    expected.add(topic("User:air-b", "feedback.air-b", DESCRIBE));
    expected.add(topic("User:air-b", "telemetry.air-b", WRITE));
    expected.add(topic("User:air-b", "telemetry.air-b", DESCRIBE));
    expected.add(group("User:air-b", "air-b."));
    // The partner: community and public only, never a member or group feed, never a write.
    reads(expected, "User:cert", "feed.community");
    reads(expected, "User:cert", "feed.public");
    expected.add(group("User:cert", "cert."));
    // lone-c is in no group: its own feed, community, public.
    reads(expected, "User:lone-c", "feed.community");
    reads(expected, "User:lone-c", "feed.member.lone-c");
    reads(expected, "User:lone-c", "feed.public");
    expected.add(topic("User:lone-c", "feedback.lone-c", WRITE));
    expected.add(topic("User:lone-c", "feedback.lone-c", DESCRIBE));
    expected.add(topic("User:lone-c", "telemetry.lone-c", WRITE));
    expected.add(topic("User:lone-c", "telemetry.lone-c", DESCRIBE));
    expected.add(group("User:lone-c", "lone-c."));
    // rail-a: two groups.
    reads(expected, "User:rail-a", "feed.community");
    reads(expected, "User:rail-a", "feed.group.isac");
    reads(expected, "User:rail-a", "feed.group.rail");
    reads(expected, "User:rail-a", "feed.member.rail-a");
    reads(expected, "User:rail-a", "feed.public");
    expected.add(topic("User:rail-a", "feedback.rail-a", WRITE));
    expected.add(topic("User:rail-a", "feedback.rail-a", DESCRIBE));
    expected.add(topic("User:rail-a", "telemetry.rail-a", WRITE));
    expected.add(topic("User:rail-a", "telemetry.rail-a", DESCRIBE));
    expected.add(group("User:rail-a", "rail-a."));

    assertThat(memberBindings(MemberAcls.plan(DIRECTORY))).containsExactlyElementsOf(expected);
  }

  @Test
  void orderDoesNotDependOnTheOrderOfTheFile() {
    List<MemberDirectory.Member> shuffled = new ArrayList<>(List.of(LONE_C, RAIL_A, AIR_B));
    MemberDirectory other = new MemberDirectory("isac-office", Set.of("cert"), shuffled);
    Collections.reverse(shuffled);
    MemberDirectory third = new MemberDirectory("isac-office", Set.of("cert"), shuffled);
    List<AclBinding> bindings = MemberAcls.plan(DIRECTORY).bindings();
    assertThat(MemberAcls.plan(other).bindings()).isEqualTo(bindings);
    assertThat(MemberAcls.plan(third).bindings()).isEqualTo(bindings);
    List<AclBinding> sorted = new ArrayList<>(bindings);
    sorted.sort(MemberAcls.ORDER);
    assertThat(bindings).isEqualTo(sorted).doesNotHaveDuplicates();
  }

  @Test
  void aPrincipalPrefixNamesTheUserButNotTheTopicsOrGroups() {
    MemberAcls plan =
        MemberAcls.plan(new MemberDirectory("isac-office", Set.of(), List.of(LONE_C)), "member-");
    assertThat(memberBindings(plan))
        .contains(
            topic("User:member-lone-c", "telemetry.lone-c", WRITE),
            group("User:member-lone-c", "lone-c."))
        .allSatisfy(b -> assertThat(b.entry().principal()).isEqualTo("User:member-lone-c"));
    assertThat(plan.principal("rail-a")).isEqualTo("User:member-rail-a");
    assertThatThrownBy(() -> MemberAcls.plan(DIRECTORY, "a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("white space");
  }

  @Test
  void changesAddWhatIsMissingAndRemoveOnlyStaleBindingsOfTheShapesItManages() {
    MemberAcls plan = MemberAcls.plan(DIRECTORY);
    List<AclBinding> held = new ArrayList<>(plan.bindings());
    AclBinding missing = topic("User:rail-a", "telemetry.rail-a", WRITE);
    held.remove(missing);
    // Stale: a member dropped from the directory, a group rail-a left, another member's topic.
    AclBinding droppedWrite = topic("User:gone-d", "telemetry.gone-d", WRITE);
    AclBinding droppedRead = topic("User:gone-d", "feed.member.gone-d.digest-daily", READ);
    AclBinding droppedGroup = group("User:gone-d", "gone-d.");
    AclBinding leftGroup = topic("User:rail-a", "feed.group.aviation", READ);
    AclBinding foreignWrite = topic("User:rail-a", "telemetry.air-b", WRITE);
    // Not of its shapes: left alone.
    List<AclBinding> foreign =
        List.of(
            topic("User:rail-a", "indicators", WRITE), // members may be indicator sources
            topic("User:rail-a", "feed.member.rail-a", WRITE), // not a shape the plan makes
            new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, "feed.", PatternType.PREFIXED),
                allow("User:signalbox-gateway", READ)),
            topic("User:*", "feed.public", READ),
            new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, "telemetry.air-b", PatternType.LITERAL),
                new AccessControlEntry("User:rail-a", "*", WRITE, AclPermissionType.DENY)),
            new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, "telemetry.gone-d", PatternType.LITERAL),
                new AccessControlEntry("User:gone-d", "10.0.0.1", WRITE, AclPermissionType.ALLOW)),
            group("User:rail-a", "air-b."), // a group prefix not its own: not of its shapes
            group("User:CN=rail-a,O=Rail", "rail-a."));
    held.addAll(List.of(droppedWrite, droppedRead, droppedGroup, leftGroup, foreignWrite));
    held.addAll(foreign);

    MemberAcls.Changes changes = plan.changes(held);

    assertThat(changes.toAdd()).containsExactly(missing);
    assertThat(changes.toRemove())
        .containsExactlyInAnyOrder(droppedWrite, droppedRead, droppedGroup, leftGroup, foreignWrite)
        .isSortedAccordingTo(MemberAcls.ORDER);
    assertThat(changes.unchanged()).hasSize(plan.bindings().size() - 1).doesNotContain(missing);
    foreign.forEach(b -> assertThat(plan.manages(b)).as("%s", b).isFalse());
    plan.bindings().forEach(b -> assertThat(plan.manages(b)).as("%s", b).isTrue());

    // With a prefix, principals outside it are not the plan's, whatever their bindings.
    MemberAcls prefixed = MemberAcls.plan(DIRECTORY, "member-");
    assertThat(prefixed.changes(List.of(droppedWrite)).toRemove()).isEmpty();
    assertThat(prefixed.changes(List.of(topic("User:member-gone-d", "feedback.gone-d", WRITE))))
        .satisfies(c -> assertThat(c.toRemove()).hasSize(1));
  }

  @Test
  void tableHasOneRowPerPrincipalAndResource() {
    String table =
        MemberAcls.table(
            memberBindings(
                MemberAcls.plan(new MemberDirectory("isac-office", Set.of(), List.of(LONE_C)))));
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).matches("PRINCIPAL +RESOURCE +PATTERN +NAME +OPERATIONS");
    assertThat(lines)
        .hasSize(1 + 3 * 3 + 2 + 1)
        .anyMatch(
            l -> l.matches("User:lone-c +TOPIC +LITERAL +telemetry\\.lone-c +WRITE, DESCRIBE"))
        .anyMatch(
            l ->
                l.matches(
                    "User:lone-c +TOPIC +LITERAL +feed\\.public\\.digest-hourly +READ, DESCRIBE"))
        .anyMatch(l -> l.matches("User:lone-c +GROUP +PREFIXED +lone-c\\. +READ"));
    assertThat(MemberAcls.line(topic("User:lone-c", "telemetry.lone-c", WRITE)))
        .isEqualTo("User:lone-c TOPIC LITERAL telemetry.lone-c WRITE");
  }

  @Test
  void theExampleDirectoryGivesEveryMemberThirtyFiveBindings() throws Exception {
    MemberDirectory example =
        MemberDirectory.load(
            java.nio.file.Path.of("..", "deploy", "members", "example-members.yaml"));
    MemberAcls plan = MemberAcls.plan(example);
    for (MemberDirectory.Member m : example.members()) {
      // telemetry + feedback (2 x 2), five audiences x (feed + 2 digests) x 2, one group prefix.
      assertThat(
              plan.bindings().stream().filter(b -> b.entry().principal().equals("User:" + m.id())))
          .as(m.id())
          .hasSize(4 + 5 * 3 * 2 + 1);
    }
    assertThat(memberBindings(plan))
        .hasSize(example.members().size() * 35 + example.partners().size() * (2 * 3 * 2 + 1));
  }

  /** The service accounts: each its own reads, writes, groups and transactional ids, no more. */
  @Test
  void serviceAccountsGetWhatTheirCodeUsesAndNothingElse() {
    MemberAcls plan = MemberAcls.plan(DIRECTORY);
    assertThat(plan.bindings()).containsAll(MemberAcls.ServiceAccount.CORRELATE.bindings());
    assertThat(lines(MemberAcls.ServiceAccount.CORRELATE))
        .containsExactlyInAnyOrder(
            "User:correlate TOPIC LITERAL deadletter WRITE",
            "User:correlate TOPIC LITERAL deadletter DESCRIBE",
            "User:correlate TOPIC LITERAL indicator-audit WRITE",
            "User:correlate TOPIC LITERAL indicator-audit DESCRIBE",
            "User:correlate TOPIC LITERAL indicators READ",
            "User:correlate TOPIC LITERAL indicators DESCRIBE",
            "User:correlate TOPIC LITERAL sightings WRITE",
            "User:correlate TOPIC LITERAL sightings DESCRIBE",
            "User:correlate TOPIC PREFIXED telemetry. READ",
            "User:correlate TOPIC PREFIXED telemetry. DESCRIBE",
            "User:correlate GROUP PREFIXED signalbox-correlate READ",
            "User:correlate TRANSACTIONAL_ID PREFIXED signalbox-correlate WRITE",
            "User:correlate TRANSACTIONAL_ID PREFIXED signalbox-correlate DESCRIBE");
    assertThat(lines(MemberAcls.ServiceAccount.CAMPAIGNS))
        .contains(
            "User:campaigns TOPIC PREFIXED feed. CREATE",
            "User:campaigns TOPIC PREFIXED feed. WRITE",
            "User:campaigns TOPIC PREFIXED feedback. READ",
            "User:campaigns TRANSACTIONAL_ID PREFIXED signalbox-campaigns WRITE")
        .noneMatch(l -> l.contains("telemetry") || l.endsWith(" READ") && l.contains("feed. "));
    assertThat(lines(MemberAcls.ServiceAccount.GATEWAY))
        .containsExactlyInAnyOrder(
            "User:gateway TOPIC LITERAL indicators READ",
            "User:gateway TOPIC LITERAL indicators DESCRIBE",
            "User:gateway TOPIC PREFIXED feed. READ",
            "User:gateway TOPIC PREFIXED feed. DESCRIBE");
    assertThat(lines(MemberAcls.ServiceAccount.IMPORTER))
        .containsExactlyInAnyOrder(
            "User:importer TOPIC LITERAL indicators WRITE",
            "User:importer TOPIC LITERAL indicators DESCRIBE");
    // Nobody gets a cluster operation or a wildcard.
    assertThat(plan.bindings())
        .noneMatch(b -> b.pattern().resourceType() == ResourceType.CLUSTER)
        .noneMatch(b -> b.pattern().name().equals("*") || b.entry().principal().equals("User:*"));
    // The plan owns the service accounts: a grant it does not list is stale.
    AclBinding extra = topic("User:gateway", "telemetry.rail-a", READ);
    List<AclBinding> held = new ArrayList<>(plan.bindings());
    held.add(extra);
    assertThat(plan.changes(held).toRemove()).containsExactly(extra);
    assertThatThrownBy(
            () ->
                MemberAcls.plan(
                    new MemberDirectory(
                        "isac-office",
                        Set.of(),
                        List.of(
                            new MemberDirectory.Member(
                                "gateway", Sector.RAIL, Set.of(), false, 0)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service account");
  }

  private static List<String> lines(MemberAcls.ServiceAccount account) {
    return account.bindings().stream().map(MemberAcls::line).toList();
  }

  /** The plan without the service accounts' bindings. */
  private static List<AclBinding> memberBindings(MemberAcls plan) {
    Set<String> services = new java.util.HashSet<>();
    for (MemberAcls.ServiceAccount a : MemberAcls.ServiceAccount.values()) {
      services.add(a.principal());
    }
    return plan.bindings().stream().filter(b -> !services.contains(b.entry().principal())).toList();
  }

  private static void reads(List<AclBinding> out, String principal, String feed) {
    for (String t : List.of(feed, feed + ".digest-daily", feed + ".digest-hourly")) {
      out.add(topic(principal, t, READ));
      out.add(topic(principal, t, DESCRIBE));
    }
  }

  private static AclBinding topic(String principal, String name, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), allow(principal, op));
  }

  private static AclBinding group(String principal, String prefix) {
    return new AclBinding(
        new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED),
        allow(principal, READ));
  }

  private static AccessControlEntry allow(String principal, AclOperation op) {
    return new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW);
  }
}
