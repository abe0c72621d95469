package org.signalbox.jobs.trends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.trends.TrendFixtures.DAY1;
import static org.signalbox.jobs.trends.TrendFixtures.indicator;
import static org.signalbox.jobs.trends.TrendFixtures.member;
import static org.signalbox.jobs.trends.TrendFixtures.sighting;
import static org.signalbox.jobs.trends.TrendFixtures.verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;
import org.signalbox.schema.TrendRecord;

/**
 * The trends pipeline on a MiniCluster, once as a streaming job (watermarks close the windows) and
 * once in batch mode (as the report runs it): both must give the same figures.
 */
class TrendsPipelineITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final Instant PUBLISHED = DAY1.minus(Duration.ofHours(10));

  static List<Sighting> sightings() {
    List<Sighting> s = new ArrayList<>();
    // Three rail members see indicator A on day 1, the first after 12 hours (10 before midnight).
    s.add(
        sighting(
            "indicator--61000000-0000-4000-8000-000000000000",
            "m-rail-1",
            Sector.RAIL,
            DAY1.plusSeconds(7200),
            PUBLISHED));
    s.add(
        sighting(
            "indicator--61000000-0000-4000-8000-000000000000",
            "m-rail-2",
            Sector.RAIL,
            DAY1.plusSeconds(9000),
            PUBLISHED));
    s.add(
        sighting(
            "indicator--61000000-0000-4000-8000-000000000000",
            "m-rail-3",
            Sector.RAIL,
            DAY1.plusSeconds(3600),
            PUBLISHED));
    // One aviation member: its sector figure must not be published.
    s.add(
        sighting(
            "indicator--61000000-0000-4000-8000-000000000000",
            "m-air-1",
            Sector.AVIATION,
            DAY1.plusSeconds(5000),
            PUBLISHED));
    // Day 2: indicator B seen by two members only.
    Instant day2 = DAY1.plus(Duration.ofDays(1));
    s.add(
        sighting(
            "indicator--62000000-0000-4000-8000-000000000000",
            "m-rail-1",
            Sector.RAIL,
            day2.plusSeconds(60),
            PUBLISHED));
    s.add(
        sighting(
            "indicator--62000000-0000-4000-8000-000000000000",
            "m-rail-2",
            Sector.RAIL,
            day2.plusSeconds(90),
            PUBLISHED));
    return s;
  }

  static List<Indicator> indicators() {
    return List.of(
        indicator("indicator--61000000-0000-4000-8000-000000000000", PUBLISHED, "isac"),
        indicator("indicator--62000000-0000-4000-8000-000000000000", PUBLISHED, "isac"),
        indicator("indicator--63000000-0000-4000-8000-000000000000", PUBLISHED, "cert-transport"));
  }

  static Optional<TrendRecord> find(
      List<TrendRecord> all, Instant day, Sector sector, TrendMetric metric, String dimension) {
    return all.stream()
        .filter(
            r ->
                r.getPeriod() == TrendPeriod.DAY
                    && r.getWindowStart().equals(day)
                    && r.getSector() == sector
                    && r.getMetric() == metric
                    && r.getDimension().equals(dimension))
        .findFirst();
  }

  void assertFigures(List<TrendRecord> trends) {
    Instant day2 = DAY1.plus(Duration.ofDays(1));
    assertThat(find(trends, DAY1, Sector.RAIL, TrendMetric.SIGHTINGS, ""))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(3L);
              assertThat(r.getMembers()).isEqualTo(3);
            });
    assertThat(find(trends, DAY1, Sector.AVIATION, TrendMetric.SIGHTINGS, ""))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getSuppressed()).isTrue();
              assertThat(r.getValue()).isNull();
            });
    assertThat(find(trends, DAY1, null, TrendMetric.SIGHTINGS, ""))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, null, TrendMetric.SIGHTINGS_BY_ACTOR, "RAILFOX"))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, null, TrendMetric.SIGHTINGS_BY_TECHNIQUE, "T1071.004"))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, null, TrendMetric.SIGHTINGS_BY_TYPE, "DOMAIN"))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, null, TrendMetric.PARTICIPATION, SightingFacts.TELEMETRY))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, Sector.AVIATION, TrendMetric.MEMBER_VOLUME, "m-air-1"))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(1L));
    // Day 2 has two members only: every member-based figure is suppressed, even for all sectors
    // (the per-member figures name their member by design, for the secretariat).
    assertThat(trends)
        .filteredOn(
            r ->
                r.getWindowStart().equals(day2)
                    && r.getPeriod() == TrendPeriod.DAY
                    && r.getMetric() != TrendMetric.MEMBER_VOLUME
                    && r.getMetric() != TrendMetric.MEMBER_CONTRIBUTIONS)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getSuppressed()).isTrue());
    // Hours 01 and 02 of day 1 and 00 of day 2 hold two members each: all suppressed.
    assertThat(trends)
        .filteredOn(
            r ->
                r.getPeriod() == TrendPeriod.HOUR
                    && r.getMetric() == TrendMetric.SIGHTINGS
                    && r.getSector() == null)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getSuppressed()).isTrue());
    // Indicator A was first seen by m-rail-3 at 01:00, 11 hours after publication; that one
    // member is below k, so the day-1 all-sector figure is suppressed.
    assertThat(find(trends, DAY1, null, TrendMetric.TIME_TO_FIRST_SIGHTING, ""))
        .hasValueSatisfying(r -> assertThat(r.getSuppressed()).isTrue());
    assertThat(
            find(
                trends,
                DAY1.minus(Duration.ofDays(1)),
                null,
                TrendMetric.INDICATORS_PUBLISHED,
                "isac"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(2L);
            });
  }

  @Test
  void batchRunGivesTheFigures() throws Exception {
    BoundedTrends.Result result =
        BoundedTrends.compute(sightings(), indicators(), new Configuration());
    assertFigures(result.trends());
    assertThat(result.lateFacts()).isZero();
  }

  @Test
  void streamingRunGivesTheSameFigures() throws Exception {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    TrendsPipeline.Outputs out =
        TrendsPipeline.build(
            env.fromData(sightings(), TypeInformation.of(Sighting.class)),
            env.fromData(indicators(), TypeInformation.of(Indicator.class)),
            conf);
    CloseableIterator<TrendRecord> it = out.trends().collectAsync();
    env.execute("trends streaming test");
    List<TrendRecord> trends = new ArrayList<>();
    it.forEachRemaining(trends::add);
    assertFigures(trends);

    List<TrendRecord> batch =
        BoundedTrends.compute(sightings(), indicators(), new Configuration()).trends();
    assertThat(trends).containsExactlyInAnyOrderElementsOf(batch);
  }

  @Test
  void withMinMembersOneNothingIsSuppressedAndTimeToFirstSightingIsExact() throws Exception {
    Configuration conf = new Configuration();
    conf.set(TrendsOptions.MIN_MEMBERS, 1);
    List<TrendRecord> trends = BoundedTrends.compute(sightings(), List.of(), conf).trends();
    assertThat(trends).noneMatch(TrendRecord::getSuppressed);
    assertThat(find(trends, DAY1, null, TrendMetric.TIME_TO_FIRST_SIGHTING, ""))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(1L);
              assertThat(r.getMedianMillis()).isEqualTo(Duration.ofHours(11).toMillis());
            });
    assertThat(trends).noneMatch(r -> r.getMetric() == TrendMetric.INDICATORS_PUBLISHED);
  }

  static CampaignAlert alert(String id, int revision, List<String> members, Instant at) {
    return CampaignAlert.newBuilder()
        .setAlertId(id)
        .setRevision(revision)
        .setKeyKind(CampaignKeyKind.ACTOR)
        .setKeyValue("railfox")
        .setEpisodeStart(DAY1)
        .setFirstSeen(DAY1)
        .setLastSeen(at)
        .setMemberCount(members.size())
        .setSectorCount(1)
        .setSectors(List.of(Sector.RAIL))
        .setMembers(members)
        .setIndicatorIds(List.of("indicator--61000000-0000-4000-8000-000000000000"))
        .setMaxConfidence(80)
        .setSeverity(60)
        .setTlp(Tlp.AMBER)
        .build();
  }

  @Test
  void campaignAlertsCountAsOpenedAndEscalatedForAllSectors() throws Exception {
    List<CampaignAlert> alerts =
        List.of(
            alert("c-1", 1, List.of("m-rail-1", "m-rail-2", "m-rail-3"), DAY1.plusSeconds(3600)),
            alert(
                "c-1",
                2,
                List.of("m-rail-1", "m-rail-2", "m-rail-3", "m-air-1"),
                DAY1.plusSeconds(7200)),
            // A shared copy with counts withheld has no members: it stays below k.
            alert("c-2", 1, List.of(), DAY1.plusSeconds(3600)));
    List<TrendRecord> trends =
        BoundedTrends.compute(sightings(), List.of(), alerts, new Configuration()).trends();

    assertThat(find(trends, DAY1, null, TrendMetric.CAMPAIGNS_OPENED, "ACTOR"))
        .hasValueSatisfying(
            r -> {
              // c-1 (3 members) and c-2 (no members): 2 alerts opened by 3 distinct members.
              assertThat(r.getValue()).isEqualTo(2L);
              assertThat(r.getMembers()).isEqualTo(3);
              assertThat(r.getTlp()).isEqualTo(Tlp.AMBER);
            });
    assertThat(find(trends, DAY1, null, TrendMetric.CAMPAIGNS_ESCALATED, "ACTOR"))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(1L));
    assertThat(find(trends, DAY1, null, TrendMetric.CAMPAIGNS_BY_KEY, "ACTOR:railfox"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(3L);
              assertThat(r.getMembers()).isEqualTo(4);
            });
    assertThat(trends)
        .filteredOn(r -> r.getMetric().name().startsWith("CAMPAIGNS"))
        .allSatisfy(r -> assertThat(r.getSector()).isNull());
  }

  /** Rail members with capacities, an aviation member without, and two that only consume. */
  static MemberDirectory directory() {
    return TrendFixtures.directory(
        member("m-rail-1", Sector.RAIL, 1),
        member("m-rail-2", Sector.RAIL, 5),
        member("m-rail-3", Sector.RAIL, 5),
        member("m-air-1", Sector.AVIATION, 0),
        member("m-air-2", Sector.AVIATION, 0),
        member("m-log-1", Sector.LOGISTICS, 0));
  }

  static List<Feedback> feedback() {
    Instant t = DAY1.plus(Duration.ofHours(6));
    return List.of(
        verdict(
            "indicator--61000000-0000-4000-8000-000000000000",
            "m-rail-1",
            FeedbackVerdict.FALSE_POSITIVE,
            t),
        verdict(
            "indicator--61000000-0000-4000-8000-000000000000",
            "m-rail-2",
            FeedbackVerdict.FALSE_POSITIVE,
            t.plusSeconds(10)),
        verdict(
            "indicator--61000000-0000-4000-8000-000000000000",
            "m-air-1",
            FeedbackVerdict.TRUE_POSITIVE,
            t.plusSeconds(20)),
        verdict(
            "indicator--63000000-0000-4000-8000-000000000000",
            "m-rail-3",
            FeedbackVerdict.FALSE_POSITIVE,
            t.plusSeconds(30)),
        verdict(
            "indicator--67686f73-7400-4000-8000-000000000000",
            "m-rail-2",
            FeedbackVerdict.FALSE_POSITIVE,
            t.plusSeconds(40)));
  }

  static List<Sighting> busierSightings() {
    List<Sighting> s = new ArrayList<>(sightings());
    // m-rail-1 gets a second sighting on day 1: two records against a capacity of one.
    s.add(
        sighting(
            "indicator--62000000-0000-4000-8000-000000000000",
            "m-rail-1",
            Sector.RAIL,
            DAY1.plusSeconds(10_000),
            PUBLISHED));
    return s;
  }

  static List<Indicator> indicatorsWithAMemberSource() {
    List<Indicator> i = new ArrayList<>(indicators());
    i.add(
        indicator(
            "indicator--64000000-0000-4000-8000-000000000000",
            DAY1.plus(Duration.ofHours(1)),
            "m-rail-1"));
    return i;
  }

  void assertFeedbackParticipationAndLoad(List<TrendRecord> trends) {
    assertThat(find(trends, DAY1, null, TrendMetric.FEEDBACK_BY_SOURCE, "isac"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getSuppressed()).isFalse();
              assertThat(r.getValue()).isEqualTo(3L);
              assertThat(r.getMembers()).isEqualTo(3);
              assertThat(r.getFalsePositives()).isEqualTo(2L);
              assertThat(r.getTruePositives()).isEqualTo(1L);
              assertThat(r.getRatio())
                  .isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
            });
    assertThat(find(trends, DAY1, null, TrendMetric.FEEDBACK_BY_SOURCE, "cert-transport"))
        .hasValueSatisfying(r -> assertThat(r.getSuppressed()).isTrue());
    assertThat(find(trends, DAY1, null, TrendMetric.FEEDBACK_UNKNOWN_INDICATOR, ""))
        .hasValueSatisfying(r -> assertThat(r.getSuppressed()).isTrue());

    assertThat(find(trends, DAY1, null, TrendMetric.PARTICIPATION, Contributions.TELEMETRY))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, null, TrendMetric.PARTICIPATION, Contributions.FEEDBACK))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, null, TrendMetric.PARTICIPATION, Contributions.INDICATORS))
        .hasValueSatisfying(r -> assertThat(r.getSuppressed()).isTrue());
    assertThat(find(trends, DAY1, null, TrendMetric.PARTICIPATION, Contributions.CONTRIBUTORS))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(4L));
    assertThat(find(trends, DAY1, null, TrendMetric.PARTICIPATION, Contributions.CONSUMER_ONLY))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(2L); // m-air-2 and m-log-1
              assertThat(r.getMembers()).isEqualTo(6);
            });
    assertThat(
            find(trends, DAY1, Sector.RAIL, TrendMetric.PARTICIPATION, Contributions.CONSUMER_ONLY))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isZero());
    assertThat(
            find(
                trends,
                DAY1,
                Sector.LOGISTICS,
                TrendMetric.PARTICIPATION,
                Contributions.CONSUMER_ONLY))
        .hasValueSatisfying(r -> assertThat(r.getSuppressed()).isTrue());
    assertThat(
            find(
                trends,
                DAY1,
                null,
                TrendMetric.MEMBER_CONTRIBUTIONS,
                Contributions.memberKey(Contributions.INDICATORS, "m-rail-1")))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(1L));
    assertThat(
            find(
                trends,
                DAY1,
                null,
                TrendMetric.MEMBER_CONTRIBUTIONS,
                Contributions.memberKey(Contributions.FEEDBACK, "m-rail-2")))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(2L));

    assertThat(find(trends, DAY1, Sector.RAIL, TrendMetric.MEMBER_LOAD, "m-rail-1"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(2L);
              assertThat(r.getCapacity()).isEqualTo(1L);
              assertThat(r.getRatio()).isEqualTo(2.0);
            });
    assertThat(find(trends, DAY1, null, TrendMetric.MEMBERS_OVER_CAPACITY, ""))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(1L);
              assertThat(r.getMembers()).isEqualTo(3);
            });
    // Load and capacity are daily figures only.
    assertThat(trends)
        .filteredOn(
            r ->
                r.getMetric() == TrendMetric.MEMBER_LOAD
                    || r.getMetric() == TrendMetric.MEMBERS_OVER_CAPACITY)
        .allSatisfy(r -> assertThat(r.getPeriod()).isEqualTo(TrendPeriod.DAY));
  }

  @Test
  void loadIsWhatTheFeedsDeliverSightingsAndAlertRevisionsAlike() throws Exception {
    // Day 1: m-rail-2 has its own sighting plus two revisions of an AMBER alert it is part of;
    // m-log-1 saw nothing but is in the second revision; m-air-2 is in neither.
    List<CampaignAlert> alerts =
        List.of(
            alert("c-1", 1, List.of("m-rail-1", "m-rail-2"), DAY1.plusSeconds(9000)),
            alert("c-1", 2, List.of("m-log-1", "m-rail-1", "m-rail-2"), DAY1.plusSeconds(9500)));
    List<TrendRecord> trends =
        BoundedTrends.compute(
                sightings(), List.of(), alerts, List.of(), directory(), new Configuration())
            .trends();
    assertThat(find(trends, DAY1, Sector.RAIL, TrendMetric.MEMBER_LOAD, "m-rail-2"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(3L);
              assertThat(r.getCapacity()).isEqualTo(5L);
              assertThat(r.getRatio()).isEqualTo(0.6);
            });
    assertThat(find(trends, DAY1, Sector.RAIL, TrendMetric.MEMBER_LOAD, "m-rail-1"))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(3L));
    assertThat(find(trends, DAY1, Sector.LOGISTICS, TrendMetric.MEMBER_LOAD, "m-log-1"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(1L);
              assertThat(r.getCapacity()).isNull();
            });
    assertThat(find(trends, DAY1, Sector.AVIATION, TrendMetric.MEMBER_LOAD, "m-air-1"))
        .hasValueSatisfying(r -> assertThat(r.getValue()).isEqualTo(1L));
    assertThat(find(trends, DAY1, Sector.AVIATION, TrendMetric.MEMBER_LOAD, "m-air-2")).isEmpty();
    // m-rail-1 (capacity 1) is over; m-rail-2 and m-rail-3 (5) are not.
    assertThat(find(trends, DAY1, null, TrendMetric.MEMBERS_OVER_CAPACITY, ""))
        .hasValueSatisfying(
            r -> {
              assertThat(r.getValue()).isEqualTo(1L);
              assertThat(r.getMembers()).isEqualTo(3);
            });
  }

  @Test
  void feedbackAndTheDirectoryGiveFalsePositiveRatesParticipationAndLoad() throws Exception {
    BoundedTrends.Result batch =
        BoundedTrends.compute(
            busierSightings(),
            indicatorsWithAMemberSource(),
            List.of(),
            feedback(),
            directory(),
            new Configuration());
    assertFeedbackParticipationAndLoad(batch.trends());

    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    TrendsPipeline.Outputs out =
        TrendsPipeline.build(
            env.fromData(busierSightings(), TypeInformation.of(Sighting.class)),
            env.fromData(indicatorsWithAMemberSource(), TypeInformation.of(Indicator.class)),
            null,
            env.fromData(feedback(), TypeInformation.of(Feedback.class)),
            directory(),
            conf);
    CloseableIterator<TrendRecord> it = out.trends().collectAsync();
    env.execute("trends streaming test with feedback");
    List<TrendRecord> streamed = new ArrayList<>();
    it.forEachRemaining(streamed::add);
    assertThat(streamed).containsExactlyInAnyOrderElementsOf(batch.trends());
  }
}
