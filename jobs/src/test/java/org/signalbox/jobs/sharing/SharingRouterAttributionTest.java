package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/** Alert copies with a member directory: members who opted in are named, the others are not. */
class SharingRouterAttributionTest {
  static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);

  static final MemberDirectory DIRECTORY =
      new MemberDirectory(
          "isac-office",
          Set.of(),
          List.of(
              new MemberDirectory.Member("m-a", Sector.RAIL, Set.of("rail"), false, 0),
              new MemberDirectory.Member("m-b", Sector.RAIL, Set.of("rail"), false, 0),
              new MemberDirectory.Member("m-named", Sector.AVIATION, Set.of("aviation"), true, 0)));

  final AvroCodec<CampaignAlert> codec = AvroCodec.campaignAlert();
  final Pseudonyms pseudonyms = new Pseudonyms("k1", KEY);

  Map<String, CampaignAlert> route(CampaignAlert alert, int k) throws Exception {
    Map<String, CampaignAlert> out = new TreeMap<>();
    for (RoutedRecord r : SharingRouter.route(alert, pseudonyms, codec, k, DIRECTORY)) {
      out.put(r.audience, codec.decode(r.value));
    }
    return out;
  }

  @Test
  void anOptedInMemberIsNamedInEveryCopyAndTheOthersStayPseudonymised() throws Exception {
    Map<String, CampaignAlert> feeds =
        route(SharingRouterTest.alert(Tlp.GREEN, 1, "m-a", "m-b", "m-named"), 3);

    assertThat(feeds).containsOnlyKeys("community", "member:m-a", "member:m-b", "member:m-named");
    assertThat(feeds.get("community").getMembers())
        .hasSize(3)
        .contains("m-named", pseudonyms.of(Audience.COMMUNITY, "m-a"))
        .doesNotContain("m-a", "m-b");
    assertThat(feeds.get("member:m-a").getMembers())
        .containsExactlyInAnyOrder("m-a", "m-named", pseudonyms.of(Audience.member("m-a"), "m-b"));
    assertThat(feeds.get("member:m-named").getMembers())
        .contains("m-named")
        .doesNotContain("m-a", "m-b");
  }

  @Test
  void theSmallCountRuleStillWithholdsAnOptedInMember() throws Exception {
    Map<String, CampaignAlert> feeds =
        route(SharingRouterTest.alert(Tlp.GREEN, 1, "m-a", "m-named"), 3);

    CampaignAlert community = feeds.get("community");
    assertThat(community.getCountsWithheld()).isTrue();
    assertThat(community.getMembers()).isEmpty();
    assertThat(community.getMemberCount()).isZero();
    // Its own and the co-reporter's feeds still name it.
    assertThat(feeds.get("member:m-a").getMembers()).contains("m-named");
  }

  @Test
  void withoutADirectoryNobodyIsNamed() throws Exception {
    CampaignAlert alert = SharingRouterTest.alert(Tlp.GREEN, 1, "m-a", "m-b", "m-named");
    for (RoutedRecord r : SharingRouter.route(alert, pseudonyms, codec, 3)) {
      if (!r.audience.equals("member:m-named")) {
        assertThat(codec.decode(r.value).getMembers()).doesNotContain("m-named");
      }
    }
  }
}
