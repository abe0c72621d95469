package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/** The router by example; random alerts are {@link SharingPropertiesTest}. */
class SharingRouterTest {
  static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  final AvroCodec<CampaignAlert> codec = AvroCodec.campaignAlert();
  final Pseudonyms pseudonyms = new Pseudonyms("k1", KEY);

  static CampaignAlert alert(Tlp tlp, int revision, String... members) {
    return CampaignAlert.newBuilder()
        .setAlertId("campaign-alert--1")
        .setRevision(revision)
        .setKeyKind(CampaignKeyKind.ACTOR)
        .setKeyValue("railfox")
        .setEpisodeStart(T0)
        .setFirstSeen(T0)
        .setLastSeen(T0)
        .setMemberCount(members.length)
        .setSectorCount(1)
        .setSectors(List.of(Sector.RAIL))
        .setMembers(List.of(members))
        .setIndicatorIds(List.of("indicator--61000000-0000-4000-8000-000000000000"))
        .setMaxConfidence(80)
        .setSeverity(50)
        .setTlp(tlp)
        .build();
  }

  Map<String, CampaignAlert> route(CampaignAlert alert, int k) throws Exception {
    Map<String, CampaignAlert> byAudience = new HashMap<>();
    for (RoutedRecord r : SharingRouter.route(alert, pseudonyms, codec, k)) {
      assertThat(r.topic).isEqualTo(parse(r.audience).topic());
      assertThat(new String(r.key, StandardCharsets.UTF_8)).isEqualTo(alert.getAlertId());
      byAudience.put(r.audience, codec.decode(r.value));
    }
    return byAudience;
  }

  static Audience parse(String audience) {
    if (audience.equals("community")) {
      return Audience.COMMUNITY;
    }
    if (audience.equals("public")) {
      return Audience.PUBLIC;
    }
    String[] parts = audience.split(":", 2);
    return parts[0].equals("member") ? Audience.member(parts[1]) : Audience.group(parts[1]);
  }

  @Test
  void greenAlertGoesToTheCommunityWithPseudonymsAndToEachMemberWithItsOwnId() throws Exception {
    Map<String, CampaignAlert> feeds =
        route(alert(Tlp.GREEN, 1, "m-air-01", "m-rail-01", "m-rail-02"), 3);

    assertThat(feeds)
        .containsOnlyKeys("community", "member:m-air-01", "member:m-rail-01", "member:m-rail-02");

    CampaignAlert community = feeds.get("community");
    assertThat(community.getMemberCount()).isEqualTo(3);
    assertThat(community.getCountsWithheld()).isFalse();
    assertThat(community.getPseudonymKeyId()).isEqualTo("k1");
    assertThat(community.getMembers()).hasSize(3).allMatch(m -> m.startsWith("p-"));

    CampaignAlert own = feeds.get("member:m-rail-01");
    assertThat(own.getMembers())
        .hasSize(3)
        .contains("m-rail-01")
        .doesNotContain("m-air-01", "m-rail-02");

    // Stable within a feed, unrelated across feeds.
    String inCommunity = pseudonyms.of(Audience.COMMUNITY, "m-air-01");
    assertThat(community.getMembers()).contains(inCommunity);
    assertThat(own.getMembers())
        .doesNotContain(inCommunity)
        .contains(pseudonyms.of(Audience.member("m-rail-01"), "m-air-01"));
    Map<String, CampaignAlert> next =
        route(alert(Tlp.GREEN, 2, "m-air-01", "m-rail-01", "m-rail-02", "m-log-01"), 3);
    assertThat(next.get("community").getMembers()).contains(inCommunity);
  }

  @Test
  void aCountBelowKIsWithheldOutsideTheMembersOwnFeeds() throws Exception {
    Map<String, CampaignAlert> feeds = route(alert(Tlp.GREEN, 1, "m-rail-01", "m-rail-02"), 3);

    CampaignAlert community = feeds.get("community");
    assertThat(community.getCountsWithheld()).isTrue();
    assertThat(community.getMemberCount()).isZero();
    assertThat(community.getSectorCount()).isZero();
    assertThat(community.getSectors()).isEmpty();
    assertThat(community.getMembers()).isEmpty();
    assertThat(community.getKeyValue()).isEqualTo("railfox");

    CampaignAlert own = feeds.get("member:m-rail-02");
    assertThat(own.getCountsWithheld()).isFalse();
    assertThat(own.getMemberCount()).isEqualTo(2);
  }

  @Test
  void amberGoesOnlyToTheContributingMembersAndStrictMarkingsFromSeveralToNobody()
      throws Exception {
    assertThat(route(alert(Tlp.AMBER, 1, "m-rail-01", "m-air-01"), 3))
        .containsOnlyKeys("member:m-rail-01", "member:m-air-01");
    assertThat(route(alert(Tlp.AMBER_STRICT, 1, "m-rail-01", "m-air-01"), 3)).isEmpty();
    assertThat(route(alert(Tlp.RED, 1, "m-rail-01", "m-air-01", "m-log-01"), 3)).isEmpty();
    assertThat(route(alert(Tlp.CLEAR, 1, "m-rail-01", "m-air-01", "m-log-01"), 3))
        .containsKey("public")
        .doesNotContainKey("community");
  }

  @Test
  void aShortKeyIsRefusedWhenTheJobIsBuilt() {
    assertThatThrownBy(() -> new SharingRouter("k1", "short".getBytes(StandardCharsets.UTF_8), 3))
        .hasMessageContaining("at least 16 bytes");
  }

  @Test
  void theOperatorRoutesEveryAlertAndRecordsNothingElse() throws Exception {
    try (var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new SharingRouter("k2", KEY, 3)))) {
      harness.open();
      harness.processElement(new StreamRecord<>(alert(Tlp.GREEN, 1, "m-a", "m-b", "m-c")));
      harness.processElement(new StreamRecord<>(alert(Tlp.RED, 1, "m-a", "m-b")));

      List<RoutedRecord> out = harness.extractOutputValues();
      assertThat(out)
          .extracting(r -> r.topic)
          .containsExactlyInAnyOrder(
              "feed.community", "feed.member.m-a", "feed.member.m-b", "feed.member.m-c");
      assertThat(codec.decode(out.get(0).value).getPseudonymKeyId()).isEqualTo("k2");
    }
  }

  @Test
  void rotatingTheKeyChangesEveryPseudonymAndSaysSo() throws Exception {
    Pseudonyms rotated =
        new Pseudonyms("k2", "another-key-of-sixteen-bytes".getBytes(StandardCharsets.UTF_8));
    CampaignAlert alert = alert(Tlp.GREEN, 1, "m-a", "m-b", "m-c");

    CampaignAlert before =
        codec.decode(community(SharingRouter.route(alert, pseudonyms, codec, 3)));
    CampaignAlert after = codec.decode(community(SharingRouter.route(alert, rotated, codec, 3)));

    assertThat(before.getPseudonymKeyId()).isEqualTo("k1");
    assertThat(after.getPseudonymKeyId()).isEqualTo("k2");
    assertThat(after.getMembers()).hasSize(3).doesNotContainAnyElementsOf(before.getMembers());
    assertThat(pseudonyms.of(Audience.COMMUNITY, "m-a")).matches("p-[0-9a-f]{16}");
  }

  static byte[] community(List<RoutedRecord> routed) {
    return routed.stream()
        .filter(r -> r.audience.equals("community"))
        .findFirst()
        .orElseThrow()
        .value;
  }
}
