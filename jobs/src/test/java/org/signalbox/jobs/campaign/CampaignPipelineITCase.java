package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.core.IndicatorIds;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.RoutedRecord;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/** Campaign detection on a MiniCluster with bounded input, strict about Kryo fallbacks. */
class CampaignPipelineITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");

  /**
   * The members of these tests: two rail operators, an airline that opted in to be named, and a
   * logistics company; each in its sector's sharing group.
   */
  static MemberDirectory directory() {
    return new MemberDirectory(
        "isac",
        Set.of(),
        List.of(
            new MemberDirectory.Member("m-rail-01", Sector.RAIL, Set.of("rail"), false, 0),
            new MemberDirectory.Member("m-rail-02", Sector.RAIL, Set.of("rail"), false, 0),
            new MemberDirectory.Member("m-air-01", Sector.AVIATION, Set.of("aviation"), true, 0),
            new MemberDirectory.Member(
                "m-log-01", Sector.LOGISTICS, Set.of("logistics"), false, 0)));
  }

  static Sighting sighting(
      String id, String member, Sector sector, Instant time, String actor, Tlp tlp) {
    return Sighting.newBuilder()
        .setSightingId("sighting--" + id)
        .setIndicatorId(IndicatorIds.spelled(String.valueOf(id)))
        .setIndicatorVersion(T0)
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(sector)
        .setSourceType("zeek.dns")
        .setEventId("event-" + id)
        .setEventTime(time)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue(id + ".c2.example")
        .setRole(ObservableRole.QUERY)
        .setTlp(tlp)
        .setConfidence(80)
        .setIndicatorSource("isac")
        .setEnrichment(IndicatorContext.newBuilder().setThreatActors(List.of(actor)).build())
        .setDetectedAt(time)
        .build();
  }

  static List<CampaignAlert> run(List<Sighting> input) throws Exception {
    return run(input, 2);
  }

  static List<CampaignAlert> run(List<Sighting> input, int parallelism) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration strict = new Configuration();
    strict.set(PipelineOptions.GENERIC_TYPES, false); // a Kryo fallback fails loudly
    env.configure(strict);
    env.setParallelism(parallelism);
    SingleOutputStreamOperator<CampaignAlert> alerts =
        CampaignPipeline.build(
            env.fromData(input, TypeInformation.of(Sighting.class)), new Configuration());
    List<CampaignAlert> out = new ArrayList<>();
    try (CloseableIterator<CampaignAlert> it = alerts.collectAsync()) {
      env.execute("campaign pipeline test");
      it.forEachRemaining(out::add);
    }
    return out;
  }

  static List<Sighting> threeMembersTwoSectors() {
    return List.of(
        sighting("a", "m-rail-01", Sector.RAIL, T0, "RAILFOX", Tlp.GREEN),
        sighting("b", "m-rail-02", Sector.RAIL, T0.plus(Duration.ofHours(3)), "railfox", Tlp.GREEN),
        sighting(
            "c", "m-air-01", Sector.AVIATION, T0.plus(Duration.ofHours(9)), "RailFox", Tlp.AMBER),
        // Another actor, seen by one member only, twice.
        sighting(
            "d", "m-rail-01", Sector.RAIL, T0.plus(Duration.ofHours(1)), "LONEWOLF", Tlp.GREEN),
        sighting(
            "e", "m-rail-01", Sector.RAIL, T0.plus(Duration.ofHours(2)), "LONEWOLF", Tlp.GREEN));
  }

  /** In arrival order (one source, one detector), every field of both revisions is known. */
  @Test
  void threeMembersInTwoSectorsRaiseOneAlertAndOneEscalation() throws Exception {
    List<CampaignAlert> alerts = run(threeMembersTwoSectors(), 1);

    assertThat(alerts).hasSize(2);
    CampaignAlert first = alerts.get(0);
    CampaignAlert last = alerts.get(1);
    assertThat(first.getKeyKind()).isEqualTo(CampaignKeyKind.ACTOR);
    assertThat(first.getKeyValue()).isEqualTo("railfox");
    assertThat(first.getRevision()).isEqualTo(1);
    assertThat(first.getMemberCount()).isEqualTo(2);
    assertThat(first.getSectorCount()).isEqualTo(1);
    assertThat(first.getMembers()).containsExactly("m-rail-01", "m-rail-02");
    assertThat(first.getTlp()).isEqualTo(Tlp.GREEN);
    assertThat(last.getAlertId()).isEqualTo(first.getAlertId());
    assertThat(last.getRevision()).isEqualTo(2);
    assertThat(last.getMemberCount()).isEqualTo(3);
    assertThat(last.getSectorCount()).isEqualTo(2);
    assertThat(last.getSectors()).containsExactly(Sector.RAIL, Sector.AVIATION);
    assertThat(last.getIndicatorIds())
        .containsExactly(
            "indicator--61000000-0000-4000-8000-000000000000",
            "indicator--62000000-0000-4000-8000-000000000000",
            "indicator--63000000-0000-4000-8000-000000000000");
    assertThat(last.getFirstSeen()).isEqualTo(T0);
    assertThat(last.getLastSeen()).isEqualTo(T0.plus(Duration.ofHours(9)));
    // The AMBER sighting marks the escalation it contributed to.
    assertThat(last.getTlp()).isEqualTo(Tlp.AMBER);
    assertThat(last.getSeverity()).isGreaterThan(first.getSeverity());
  }

  /**
   * In parallel, the sightings may reach the detector in another order; what must hold in any
   * order: one alert, escalated once, ending with all three members and the strictest marking.
   */
  @Test
  void inParallelTheOutcomeDoesNotDependOnArrivalOrder() throws Exception {
    List<CampaignAlert> alerts = run(threeMembersTwoSectors(), 2);

    assertThat(alerts).hasSize(2);
    assertThat(alerts).extracting(CampaignAlert::getKeyValue).containsOnly("railfox");
    assertThat(alerts)
        .extracting(CampaignAlert::getAlertId)
        .containsOnly(alerts.get(0).getAlertId());
    assertThat(alerts).extracting(CampaignAlert::getRevision).containsExactly(1, 2);
    assertThat(alerts).extracting(CampaignAlert::getMemberCount).containsExactly(2, 3);
    assertThat(alerts.get(1).getSectorCount()).isEqualTo(2);
    assertThat(alerts.get(1).getTlp()).isEqualTo(Tlp.AMBER);
  }

  @Test
  void aSingleMemberRaisesNothing() throws Exception {
    List<Sighting> input =
        List.of(
            sighting("a", "m-rail-01", Sector.RAIL, T0, "RAILFOX", Tlp.GREEN),
            sighting(
                "b", "m-rail-01", Sector.RAIL, T0.plus(Duration.ofHours(1)), "RAILFOX", Tlp.GREEN),
            sighting(
                "c", "m-rail-01", Sector.RAIL, T0.plus(Duration.ofHours(2)), "RAILFOX", Tlp.GREEN));

    assertThat(run(input)).isEmpty();
  }

  @Test
  void membersADayAndMoreApartRaiseNothing() throws Exception {
    List<Sighting> input =
        List.of(
            sighting("a", "m-rail-01", Sector.RAIL, T0, "RAILFOX", Tlp.GREEN),
            sighting(
                "b",
                "m-air-01",
                Sector.AVIATION,
                T0.plus(Duration.ofHours(25)),
                "RAILFOX",
                Tlp.GREEN));

    assertThat(run(input)).isEmpty();
  }

  @Test
  void sharedFeedsReachOnlyEntitledMembersWithPseudonyms() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CampaignOptions.PSEUDONYM_KEY, "a-test-key-of-enough-length");
    env.configure(conf);
    env.setParallelism(1);
    List<Sighting> input = new ArrayList<>(threeMembersTwoSectors());
    // A member of the community that saw nothing of this actor.
    input.add(sighting("z", "m-log-01", Sector.LOGISTICS, T0, "OTHERBEAR", Tlp.GREEN));
    var alerts =
        CampaignPipeline.build(env.fromData(input, TypeInformation.of(Sighting.class)), conf);
    List<RoutedRecord> routed = new ArrayList<>();
    try (CloseableIterator<RoutedRecord> it =
        CampaignPipeline.share(alerts, directory(), conf).collectAsync()) {
      env.execute("campaign sharing test");
      it.forEachRemaining(routed::add);
    }

    AvroCodec<CampaignAlert> codec = AvroCodec.campaignAlert();
    Map<String, List<CampaignAlert>> feeds = new TreeMap<>();
    for (RoutedRecord r : routed) {
      feeds.computeIfAbsent(r.topic, t -> new ArrayList<>()).add(codec.decode(r.value));
    }
    // Revision 1 (GREEN, two rail members) goes to the community with its count withheld (2 < 3)
    // and to both members; revision 2 is AMBER (m-air-01's marking): its three members only.
    assertThat(feeds)
        .containsOnlyKeys(
            "feed.community",
            "feed.member.m-rail-01",
            "feed.member.m-rail-02",
            "feed.member.m-air-01");
    assertThat(feeds.get("feed.community"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRevision()).isEqualTo(1);
              assertThat(a.getCountsWithheld()).isTrue();
              assertThat(a.getMembers()).isEmpty();
            });
    assertThat(feeds.get("feed.member.m-rail-01"))
        .extracting(CampaignAlert::getRevision)
        .containsExactly(1, 2);
    assertThat(feeds.get("feed.member.m-air-01"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRevision()).isEqualTo(2);
              assertThat(a.getMemberCount()).isEqualTo(3);
              assertThat(a.getMembers())
                  .contains("m-air-01")
                  .doesNotContain("m-rail-01", "m-rail-02");
            });
    // m-air-01 opted in to be named: the rail members' copies name it, and pseudonymise each other.
    CampaignAlert railCopy = feeds.get("feed.member.m-rail-01").get(1);
    assertThat(railCopy.getMembers()).contains("m-air-01", "m-rail-01").doesNotContain("m-rail-02");
  }

  @Test
  void sightingsReachTheirMembersOwnFeedAndGoFurtherOnlyForMembersWhoOptedIn() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CampaignOptions.PSEUDONYM_KEY, "a-test-key-of-enough-length");
    env.configure(conf);
    env.setParallelism(2);
    List<RoutedRecord> routed = new ArrayList<>();
    try (CloseableIterator<RoutedRecord> it =
        CampaignPipeline.shareSightings(
                env.fromData(threeMembersTwoSectors(), TypeInformation.of(Sighting.class)),
                directory(),
                conf)
            .collectAsync()) {
      env.execute("sighting sharing test");
      it.forEachRemaining(routed::add);
    }

    AvroCodec<Sighting> codec = AvroCodec.sighting();
    Map<String, List<String>> feeds = new TreeMap<>();
    for (RoutedRecord r : routed) {
      Sighting s = codec.decode(r.value);
      assertThat(new String(r.key, StandardCharsets.UTF_8)).isEqualTo(s.getSightingId());
      feeds.computeIfAbsent(r.topic, t -> new ArrayList<>()).add(s.getSightingId());
    }
    // a, d, e (m-rail-01) and b (m-rail-02) stay in their own feeds although GREEN would allow
    // the community; c (AMBER) of m-air-01, which opted in, also reaches its sharing group.
    assertThat(feeds)
        .containsOnlyKeys(
            "feed.member.m-rail-01",
            "feed.member.m-rail-02",
            "feed.member.m-air-01",
            "feed.group.aviation");
    assertThat(feeds.get("feed.member.m-rail-01"))
        .containsExactlyInAnyOrder("sighting--a", "sighting--d", "sighting--e");
    assertThat(feeds.get("feed.member.m-rail-02")).containsExactly("sighting--b");
    assertThat(feeds.get("feed.member.m-air-01")).containsExactly("sighting--c");
    assertThat(feeds.get("feed.group.aviation")).containsExactly("sighting--c");
  }

  @Test
  void theCampaignJobIsRefusedWithoutAMemberDirectory() {
    Configuration conf = new Configuration();
    conf.set(CampaignOptions.PSEUDONYM_KEY, "a-test-key-of-enough-length");
    conf.set(org.signalbox.jobs.correlate.CorrelateOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    assertThatThrownBy(() -> CampaignKafka.attach(env, conf, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sharing.members is required")
        .hasMessageContaining("--members FILE");
    conf.set(CampaignOptions.MEMBERS, "/nonexistent/members.yaml");
    assertThatThrownBy(() -> CampaignKafka.attach(env, conf, true))
        .hasMessageContaining("no such file: /nonexistent/members.yaml");
  }

  @Test
  void sharingWithoutAPseudonymKeyIsRefused() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    var alerts =
        CampaignPipeline.build(
            env.fromData(threeMembersTwoSectors(), TypeInformation.of(Sighting.class)),
            new Configuration());
    assertThatThrownBy(() -> CampaignPipeline.share(alerts, directory(), new Configuration()))
        .hasMessageContaining("sharing.pseudonym-key");
  }
}
