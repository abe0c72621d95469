package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Sector;

class TopicPlanTest {

  static final MemberDirectory DIRECTORY =
      new MemberDirectory(
          "isac",
          Set.of("national-cert"),
          List.of(
              new MemberDirectory.Member("rail-a", Sector.RAIL, Set.of("rail"), false, 0),
              new MemberDirectory.Member("air-b", Sector.AVIATION, Set.of(), true, 0)));

  static TopicPlan plan() {
    return TopicPlan.of(DIRECTORY, 3, Duration.ofDays(2));
  }

  static TopicPlan.Topic topic(TopicPlan plan, String name) {
    return plan.topics().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyTopicTheDirectoryImpliesWithItsSettings() {
    TopicPlan plan = plan();
    assertThat(plan.topics())
        .extracting(TopicPlan.Topic::name)
        .containsExactlyInAnyOrder(
            "indicators",
            "sightings",
            "deadletter",
            "campaign-alerts",
            "indicator-scores",
            "indicator-audit",
            "trends",
            "telemetry.rail-a",
            "feedback.rail-a",
            "telemetry.air-b",
            "feedback.air-b",
            "feed.member.rail-a",
            "feed.member.rail-a.digest-hourly",
            "feed.member.rail-a.digest-daily",
            "feed.member.air-b",
            "feed.member.air-b.digest-hourly",
            "feed.member.air-b.digest-daily",
            "feed.group.rail",
            "feed.group.rail.digest-hourly",
            "feed.group.rail.digest-daily",
            "feed.community",
            "feed.community.digest-hourly",
            "feed.community.digest-daily",
            "feed.public",
            "feed.public.digest-hourly",
            "feed.public.digest-daily");
    assertThat(topic(plan, "indicators").configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThat(topic(plan, "indicator-scores").configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThat(topic(plan, "trends").configs())
        .containsEntry(TopicConfig.RETENTION_MS_CONFIG, "-1");
    assertThat(topic(plan, "telemetry.rail-a").configs())
        .containsEntry(
            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(2).toMillis()));
    assertThat(topic(plan, "telemetry.rail-a").partitions()).isEqualTo(3);
    assertThat(topic(plan, "sightings").partitions()).isEqualTo(3);
    assertThat(topic(plan, "feedback.rail-a").partitions()).isEqualTo(1);
  }

  @Test
  void withoutADirectoryOnlyTheCoreTopics() {
    assertThat(TopicPlan.of(null, 1, Duration.ofDays(1)).topics())
        .extracting(TopicPlan.Topic::name)
        .containsExactly(
            "indicators",
            "sightings",
            "deadletter",
            "campaign-alerts",
            "indicator-scores",
            "indicator-audit",
            "trends");
  }

  @Test
  void theTopicsAreTheOnesTheAclsGrant() {
    // Every topic a member is granted must be one that gets created.
    Set<String> planned = Set.copyOf(plan().topics().stream().map(TopicPlan.Topic::name).toList());
    assertThat(MemberAcls.plan(DIRECTORY).bindings())
        .filteredOn(
            b ->
                b.pattern().resourceType() == org.apache.kafka.common.resource.ResourceType.TOPIC
                    && b.pattern().patternType()
                        == org.apache.kafka.common.resource.PatternType.LITERAL)
        .allSatisfy(b -> assertThat(planned).contains(b.pattern().name()));
  }

  @Test
  void changesCreateWhatIsMissingReportDifferencesAndListStaleTopics() {
    TopicPlan plan = plan();
    Map<String, TopicPlan.Existing> existing =
        Map.of(
            "indicators",
            new TopicPlan.Existing(
                "indicators",
                3,
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                    "0")),
            "sightings",
            new TopicPlan.Existing("sightings", 1, Map.of()),
            "telemetry.gone-c",
            new TopicPlan.Existing("telemetry.gone-c", 1, Map.of()),
            "someone-elses-topic",
            new TopicPlan.Existing("someone-elses-topic", 1, Map.of()));
    TopicPlan.Changes c = plan.changes(existing);
    assertThat(c.existing())
        .extracting(TopicPlan.Topic::name)
        .containsExactly("indicators", "sightings");
    assertThat(c.toCreate()).hasSize(plan.topics().size() - 2);
    assertThat(c.differences())
        .containsExactlyInAnyOrder(
            new TopicPlan.Difference("indicators", "cleanup.policy", "compact", "delete"),
            new TopicPlan.Difference("sightings", "partitions", "3", "1"));
    assertThat(c.stale()).containsExactly("telemetry.gone-c");
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> TopicPlan.of(DIRECTORY, 0, Duration.ofDays(1)))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> TopicPlan.of(DIRECTORY, 1, Duration.ZERO))
        .hasMessageContaining("retention");
  }
}
