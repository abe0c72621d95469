package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

class SightingRouterTest {
  static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  static final MemberDirectory DIRECTORY =
      new MemberDirectory(
          "isac-office",
          Set.of("national-cert"),
          List.of(
              new MemberDirectory.Member("rail-a", Sector.RAIL, Set.of("rail", "isac"), false, 0),
              new MemberDirectory.Member("rail-b", Sector.RAIL, Set.of("rail", "isac"), false, 0),
              new MemberDirectory.Member(
                  "air-named", Sector.AVIATION, Set.of("aviation", "isac"), true, 0)));

  final AvroCodec<Sighting> codec = AvroCodec.sighting();
  final Pseudonyms pseudonyms = new Pseudonyms("k1", KEY);

  static Sighting sighting(String member, Sector sector, Tlp tlp, String source) {
    return Sighting.newBuilder()
        .setSightingId("sighting--1")
        .setIndicatorId("indicator--31000000-0000-4000-8000-000000000000")
        .setIndicatorVersion(T0)
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(sector)
        .setSourceType("zeek.dns")
        .setEventId("event-1")
        .setEventTime(T0)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("c2.example")
        .setRole(ObservableRole.QUERY)
        .setTlp(tlp)
        .setConfidence(80)
        .setIndicatorSource(source)
        .setEnrichment(IndicatorContext.newBuilder().setThreatActors(List.of("RAILFOX")).build())
        .setDetectedAt(T0)
        .build();
  }

  Map<String, Sighting> route(Sighting s) throws Exception {
    Map<String, Sighting> byAudience = new TreeMap<>();
    for (RoutedRecord r : SightingRouter.route(s, DIRECTORY, pseudonyms, codec)) {
      assertThat(r.topic).isEqualTo(Audience.parse(r.audience).topic());
      assertThat(new String(r.key, StandardCharsets.UTF_8)).isEqualTo(s.getSightingId());
      byAudience.put(r.audience, codec.decode(r.value));
    }
    return byAudience;
  }

  @Test
  void aMemberWhoDidNotOptInKeepsItsSightingsInItsOwnFeedWhateverTheMarking() throws Exception {
    for (Tlp tlp : Tlp.values()) {
      Map<String, Sighting> feeds = route(sighting("rail-a", Sector.RAIL, tlp, "isac-office"));
      assertThat(feeds).as("%s", tlp).containsOnlyKeys("member:rail-a");
      Sighting own = feeds.get("member:rail-a");
      assertThat(own.getMember()).isEqualTo("rail-a");
      assertThat(own.getEnrichment().getThreatActors()).containsExactly("RAILFOX");
      assertThat(own.getIndicatorSource()).isEqualTo("isac-office");
      assertThat(own.getPseudonymKeyId()).isEqualTo(pseudonyms.keyId());
    }
  }

  @Test
  void aMemberWhoOptedInIsSharedAsFarAsTheMarkingAllowsAndNamed() throws Exception {
    assertThat(route(sighting("air-named", Sector.AVIATION, Tlp.CLEAR, "isac-office")))
        .containsOnlyKeys("member:air-named", "public");
    assertThat(route(sighting("air-named", Sector.AVIATION, Tlp.GREEN, "isac-office")))
        .containsOnlyKeys("member:air-named", "community")
        .allSatisfy((audience, s) -> assertThat(s.getMember()).isEqualTo("air-named"));
    // AMBER: need to know, which is the member's own sharing groups.
    assertThat(route(sighting("air-named", Sector.AVIATION, Tlp.AMBER, "isac-office")))
        .containsOnlyKeys("member:air-named", "group:aviation", "group:isac");
    assertThat(route(sighting("air-named", Sector.AVIATION, Tlp.AMBER_STRICT, "isac-office")))
        .containsOnlyKeys("member:air-named");
    assertThat(route(sighting("air-named", Sector.AVIATION, Tlp.RED, "isac-office")))
        .containsOnlyKeys("member:air-named");
  }

  @Test
  void anIndicatorSourceThatIsAnotherMemberIsPseudonymisedPerAudience() throws Exception {
    Map<String, Sighting> feeds =
        route(sighting("air-named", Sector.AVIATION, Tlp.GREEN, "rail-b"));
    String inOwn = feeds.get("member:air-named").getIndicatorSource();
    String inCommunity = feeds.get("community").getIndicatorSource();
    assertThat(inOwn).isEqualTo(pseudonyms.of(Audience.member("air-named"), "rail-b"));
    assertThat(inCommunity).isEqualTo(pseudonyms.of(Audience.COMMUNITY, "rail-b"));
    assertThat(inOwn).isNotEqualTo(inCommunity);

    // In the source's own feed it is its own indicator: in clear.
    assertThat(route(sighting("rail-b", Sector.RAIL, Tlp.GREEN, "rail-b")))
        .extractingByKey("member:rail-b")
        .extracting(Sighting::getIndicatorSource)
        .isEqualTo("rail-b");
    // A member that opted in is named as a source too.
    assertThat(route(sighting("rail-a", Sector.RAIL, Tlp.GREEN, "air-named")))
        .extractingByKey("member:rail-a")
        .extracting(Sighting::getIndicatorSource)
        .isEqualTo("air-named");
  }

  @Test
  void otherSourcesThatAreMembersArePseudonymisedToo() throws Exception {
    Sighting s =
        Sighting.newBuilder(sighting("air-named", Sector.AVIATION, Tlp.GREEN, "isac-office"))
            .setAlsoReportedBy(List.of("air-named", "national-cert", "rail-a"))
            .build();
    Sighting community = route(s).get("community");
    assertThat(community.getAlsoReportedBy())
        .containsExactlyInAnyOrder(
            "air-named", "national-cert", pseudonyms.of(Audience.COMMUNITY, "rail-a"))
        .isSorted();
  }

  @Test
  void aRetroSightingIsRoutedByItsMarkingLikeAnyOtherAndKeepsItsSummary() throws Exception {
    for (Tlp tlp : Tlp.values()) {
      for (String member : List.of("rail-a", "air-named")) {
        Sighting live = sighting(member, Sector.AVIATION, tlp, "isac-office");
        Sighting retro =
            Sighting.newBuilder(live)
                .setRetro(true)
                .setEventId("retro:1")
                .setCount(7)
                .setFirstSeen(T0.minusSeconds(86_400))
                .setLastSeen(T0)
                .build();
        Map<String, Sighting> feeds = route(retro);
        assertThat(feeds.keySet()).as("%s %s", member, tlp).isEqualTo(route(live).keySet());
        assertThat(feeds)
            .allSatisfy(
                (audience, s) -> {
                  assertThat(s.getRetro()).isTrue();
                  assertThat(s.getCount()).isEqualTo(7);
                  assertThat(s.getFirstSeen()).isEqualTo(T0.minusSeconds(86_400));
                  assertThat(s.getLastSeen()).isEqualTo(T0);
                });
      }
    }
  }

  @Test
  void aMemberTheDirectoryDoesNotKnowGetsNoFeed() throws Exception {
    assertThat(route(sighting("ghost", Sector.RAIL, Tlp.CLEAR, "isac-office"))).isEmpty();
  }

  @Test
  void keptPrivateCountsOnlySightingsTheMarkingWouldHaveLetFurther() {
    assertThat(
            SightingRouter.keptPrivate(sighting("rail-a", Sector.RAIL, Tlp.GREEN, "x"), DIRECTORY))
        .isTrue();
    assertThat(
            SightingRouter.keptPrivate(sighting("rail-a", Sector.RAIL, Tlp.AMBER, "x"), DIRECTORY))
        .isTrue();
    assertThat(SightingRouter.keptPrivate(sighting("rail-a", Sector.RAIL, Tlp.RED, "x"), DIRECTORY))
        .isFalse();
    assertThat(
            SightingRouter.keptPrivate(
                sighting("air-named", Sector.AVIATION, Tlp.GREEN, "x"), DIRECTORY))
        .isFalse();
  }

  @Test
  void theOperatorRoutesEverySighting() throws Exception {
    try (var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new SightingRouter("k1", KEY, DIRECTORY)))) {
      harness.open();
      harness.processElement(
          new StreamRecord<>(sighting("rail-a", Sector.RAIL, Tlp.GREEN, "isac-office")));
      harness.processElement(
          new StreamRecord<>(sighting("air-named", Sector.AVIATION, Tlp.GREEN, "isac-office")));
      harness.processElement(
          new StreamRecord<>(sighting("ghost", Sector.RAIL, Tlp.GREEN, "isac-office")));
      assertThat(harness.extractOutputValues())
          .extracting(r -> r.topic)
          .containsExactlyInAnyOrder(
              "feed.member.rail-a", "feed.member.air-named", "feed.community");
    }
  }

  @Test
  void aShortKeyIsRefusedWhenTheJobIsBuilt() {
    assertThatThrownBy(
            () -> new SightingRouter("k1", "short".getBytes(StandardCharsets.UTF_8), DIRECTORY))
        .hasMessageContaining("at least 16 bytes");
  }
}
