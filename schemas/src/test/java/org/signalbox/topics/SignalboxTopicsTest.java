package org.signalbox.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class SignalboxTopicsTest {

  @Test
  void telemetryAndFeedTopicsArePrefixed() {
    assertThat(SignalboxTopics.telemetryTopic("rail-operator_7.eu"))
        .isEqualTo("telemetry.rail-operator_7.eu");
    assertThat(SignalboxTopics.feedTopic("tlp-green")).isEqualTo("feed.tlp-green");
  }

  @Test
  void feedTopicsFollowTheSharingRoutersAudienceKinds() {
    assertThat(SignalboxTopics.feedTopic("member:m-rail-01")).isEqualTo("feed.member.m-rail-01");
    assertThat(SignalboxTopics.feedTopic("group:rail")).isEqualTo("feed.group.rail");
    assertThat(SignalboxTopics.feedTopic("community")).isEqualTo("feed.community");
    assertThat(SignalboxTopics.feedTopic("public")).isEqualTo("feed.public");
    assertThat(SignalboxTopics.COMMUNITY_FEED).isEqualTo("feed.community");
    assertThat(SignalboxTopics.PUBLIC_FEED).isEqualTo("feed.public");
    assertThat(SignalboxTopics.memberFeedTopic("m-1")).isEqualTo("feed.member.m-1");
    assertThat(SignalboxTopics.groupFeedTopic("aviation")).isEqualTo("feed.group.aviation");
    assertThat(SignalboxTopics.feed("member:m-1", 2).name()).isEqualTo("feed.member.m-1");
    assertThatThrownBy(() -> SignalboxTopics.feedTopic("partner:x"))
        .hasMessageContaining("unknown kind 'partner'");
    assertThatThrownBy(() -> SignalboxTopics.feedTopic("member:"))
        .hasMessageContaining("member name is empty");
    assertThatThrownBy(() -> SignalboxTopics.feedTopic("group:rail ops"))
        .hasMessageContaining("group name \"rail ops\"")
        .hasMessageContaining("U+0020 at position 5");
  }

  @Test
  void digestTopicsHangOffTheAudiencesFeedTopic() {
    assertThat(SignalboxTopics.digestTopic("member:m-rail-01", "HOURLY"))
        .isEqualTo("feed.member.m-rail-01.digest-hourly");
    assertThat(SignalboxTopics.digestTopic("community", "daily"))
        .isEqualTo("feed.community.digest-daily");
    assertThatThrownBy(() -> SignalboxTopics.digestTopic("community", "weekly"))
        .hasMessageContaining("neither hourly nor daily");
    // Otherwise member "m1.digest-daily" would write its feed into member m1's daily digest.
    assertThatThrownBy(() -> SignalboxTopics.feedTopic("member:m1.digest-daily"))
        .hasMessageContaining("ends like a digest topic");
    assertThatThrownBy(() -> SignalboxTopics.feedTopic("group:rail.digest-hourly"))
        .hasMessageContaining("ends like a digest topic");
  }

  @Test
  void rejectsIllegalCharacterWithItsPosition() {
    assertThatThrownBy(() -> SignalboxTopics.telemetryTopic("rail op"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("member name \"rail op\"")
        .hasMessageContaining("U+0020 at position 5");
    assertThatThrownBy(() -> SignalboxTopics.feedTopic("tlp/amber"))
        .hasMessageContaining("audience name")
        .hasMessageContaining("'/' at position 4");
    assertThatThrownBy(() -> SignalboxTopics.telemetryTopic("bahnhof-ö"))
        .hasMessageContaining("U+00F6 at position 9");
  }

  @Test
  void rejectsEmptyAndNullNames() {
    assertThatThrownBy(() -> SignalboxTopics.telemetryTopic("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> SignalboxTopics.feedTopic(null)).hasMessageContaining("empty");
  }

  @Test
  void lengthLimitCountsThePrefix() {
    int room = SignalboxTopics.MAX_TOPIC_NAME_LENGTH - "telemetry.".length();
    String longest = "m".repeat(room);
    assertThat(SignalboxTopics.telemetryTopic(longest))
        .hasSize(SignalboxTopics.MAX_TOPIC_NAME_LENGTH);
    assertThatThrownBy(() -> SignalboxTopics.telemetryTopic(longest + "m"))
        .hasMessageContaining("at most " + room);
  }

  @Test
  void validatesWholeTopicNames() {
    assertThat(SignalboxTopics.validateTopicName("campaign-alerts")).isEqualTo("campaign-alerts");
    assertThatThrownBy(() -> SignalboxTopics.validateTopicName(".."))
        .hasMessageContaining("\"..\"");
    assertThatThrownBy(() -> SignalboxTopics.validateTopicName("a".repeat(250)))
        .hasMessageContaining("250 characters");
    assertThatThrownBy(() -> SignalboxTopics.validateTopicName("a:b"))
        .hasMessageContaining("':' at position 2");
  }

  @Test
  void coreLayoutHasCompactedIndicators() {
    assertThat(SignalboxTopics.core(3))
        .extracting(NewTopic::name)
        .containsExactly(
            "indicators",
            "sightings",
            "deadletter",
            "campaign-alerts",
            "indicator-scores",
            "indicator-audit");
    assertThat(SignalboxTopics.core(3)).allSatisfy(t -> assertThat(t.numPartitions()).isEqualTo(3));
    assertThat(SignalboxTopics.indicators(1).configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThat(SignalboxTopics.indicatorScores(1).configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThat(SignalboxTopics.indicatorAudit(1).configs())
        .containsEntry(TopicConfig.RETENTION_MS_CONFIG, "-1");
    assertThatThrownBy(() -> SignalboxTopics.core(0)).hasMessageContaining("at least 1");
  }
}
