package org.signalbox.deploy;

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
        .containsExactly("indicators", "sightings", "deadletter", "campaign-alerts");
    assertThat(SignalboxTopics.core(3)).allSatisfy(t -> assertThat(t.numPartitions()).isEqualTo(3));
    assertThat(SignalboxTopics.indicators(1).configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThatThrownBy(() -> SignalboxTopics.core(0)).hasMessageContaining("at least 1");
  }
}
