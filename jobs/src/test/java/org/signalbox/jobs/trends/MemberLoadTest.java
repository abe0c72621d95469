package org.signalbox.jobs.trends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.trends.TrendFixtures.DAY1;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.sharing.Audience;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;

/**
 * A member's load is what the routers deliver to the feeds it reads: its own sightings, the
 * sightings of members who opted in to be named where their marking reaches it, and the revisions
 * of the campaign alerts it is part of (or that reach the community).
 */
class MemberLoadTest {
  static final MemberDirectory DIRECTORY =
      new MemberDirectory(
          "isac",
          Set.of("partner-cert"),
          List.of(
              new MemberDirectory.Member("rail-a", Sector.RAIL, Set.of("rail"), false, 10),
              new MemberDirectory.Member("rail-b", Sector.RAIL, Set.of("rail"), true, 0),
              new MemberDirectory.Member("air-a", Sector.AVIATION, Set.of("aviation"), false, 5),
              new MemberDirectory.Member("port-a", Sector.LOGISTICS, Set.of(), false, 0)));

  @Test
  void readersOfAFeedAreItsMemberItsGroupOrEveryMemberButNeverAPartner() {
    assertThat(DIRECTORY.readersOf(Set.of(Audience.member("rail-a")))).containsExactly("rail-a");
    assertThat(DIRECTORY.readersOf(Set.of(Audience.member("stranger")))).isEmpty();
    assertThat(DIRECTORY.readersOf(Set.of(Audience.group("rail"), Audience.member("air-a"))))
        .containsExactly("air-a", "rail-a", "rail-b");
    assertThat(DIRECTORY.readersOf(Set.of(Audience.COMMUNITY)))
        .containsExactly("air-a", "port-a", "rail-a", "rail-b");
    assertThat(DIRECTORY.readersOf(Set.of(Audience.PUBLIC)))
        .isEqualTo(DIRECTORY.readersOf(Set.of(Audience.COMMUNITY)));
  }

  @Test
  void aPseudonymousMembersSightingLoadsOnlyItsOwnFeed() throws Exception {
    Map<String, Long> load =
        load(sightingFacts(sighting("rail-a", Tlp.GREEN)), TrendMetric.MEMBER_LOAD);
    assertThat(load).containsExactly(Map.entry("rail-a", 1L));
  }

  @Test
  void aNamedMembersSightingLoadsEveryoneItsMarkingReaches() throws Exception {
    // rail-b opted in: GREEN reaches the community (every member), AMBER its group only.
    assertThat(load(sightingFacts(sighting("rail-b", Tlp.GREEN)), TrendMetric.MEMBER_LOAD))
        .containsOnlyKeys("rail-a", "rail-b", "air-a", "port-a");
    assertThat(load(sightingFacts(sighting("rail-b", Tlp.AMBER)), TrendMetric.MEMBER_LOAD))
        .containsOnlyKeys("rail-a", "rail-b");
    assertThat(load(sightingFacts(sighting("rail-b", Tlp.RED)), TrendMetric.MEMBER_LOAD))
        .containsOnlyKeys("rail-b");
  }

  @Test
  void eachAlertRevisionLoadsTheMembersItIsDeliveredTo() throws Exception {
    CampaignFacts facts = new CampaignFacts(DIRECTORY);
    List<TrendFact> out = new ArrayList<>();
    facts.flatMap(
        TrendsPipelineITCase.alert("c-1", 1, List.of("rail-a", "air-a"), DAY1), collect(out));
    facts.flatMap(
        TrendsPipelineITCase.alert("c-1", 2, List.of("rail-a", "air-a", "port-a"), DAY1),
        collect(out));
    // AMBER alerts go to the members' own feeds only.
    assertThat(load(out, TrendMetric.MEMBER_LOAD))
        .containsExactly(Map.entry("air-a", 2L), Map.entry("port-a", 1L), Map.entry("rail-a", 2L));
    assertThat(out)
        .filteredOn(f -> f.metric == TrendMetric.MEMBER_LOAD)
        .allSatisfy(
            f ->
                assertThat(f.sector)
                    .isEqualTo(DIRECTORY.member(f.dimension).orElseThrow().sector()));

    List<TrendFact> green = new ArrayList<>();
    CampaignAlert community =
        TrendsPipelineITCase.alert("c-2", 1, List.of("rail-a", "air-a"), DAY1);
    community.setTlp(Tlp.GREEN);
    facts.flatMap(community, collect(green));
    assertThat(load(green, TrendMetric.MEMBER_LOAD))
        .containsOnlyKeys("rail-a", "rail-b", "air-a", "port-a");
  }

  @Test
  void onlyMembersWithACapacityAreComparedForAllSectorsAndTheirOwn() throws Exception {
    List<TrendFact> out = sightingFacts(sighting("rail-b", Tlp.GREEN));
    List<TrendFact> compared =
        out.stream().filter(f -> f.metric == TrendMetric.MEMBERS_OVER_CAPACITY).toList();
    // rail-a (10) and air-a (5) declared a capacity; rail-b and port-a did not.
    assertThat(compared).extracting(f -> f.member).containsOnly("rail-a", "air-a");
    assertThat(compared)
        .extracting(f -> f.sector)
        .containsExactlyInAnyOrder(Sector.RAIL, null, Sector.AVIATION, null);
  }

  @Test
  void withoutADirectoryThereIsNoLoad() throws Exception {
    List<TrendFact> out = new ArrayList<>();
    new SightingFacts().flatMap(sighting("rail-b", Tlp.GREEN), collect(out));
    new CampaignFacts()
        .flatMap(TrendsPipelineITCase.alert("c-1", 1, List.of("rail-a"), DAY1), collect(out));
    assertThat(out)
        .isNotEmpty()
        .noneMatch(
            f ->
                f.metric == TrendMetric.MEMBER_LOAD
                    || f.metric == TrendMetric.MEMBERS_OVER_CAPACITY);
  }

  static Sighting sighting(String member, Tlp tlp) {
    Sighting s =
        TrendFixtures.sighting(
            "indicator--61000000-0000-4000-8000-000000000000",
            member,
            DIRECTORY.member(member).orElseThrow().sector(),
            DAY1.plusSeconds(60),
            DAY1);
    s.setTlp(tlp);
    return s;
  }

  static List<TrendFact> sightingFacts(Sighting s) throws Exception {
    List<TrendFact> out = new ArrayList<>();
    new SightingFacts(DIRECTORY).flatMap(s, collect(out));
    return out;
  }

  static Map<String, Long> load(List<TrendFact> facts, TrendMetric metric) {
    Map<String, Long> out = new TreeMap<>();
    for (TrendFact f : facts) {
      if (f.metric == metric) {
        out.merge(f.dimension, f.count, Long::sum);
      }
    }
    return out;
  }

  static Collector<TrendFact> collect(List<TrendFact> into) {
    return new Collector<>() {
      @Override
      public void collect(TrendFact record) {
        into.add(record);
      }

      @Override
      public void close() {}
    };
  }
}
