package org.signalbox.jobs.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.jobs.campaign.CampaignPipeline;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

/**
 * Scoring in front of campaign detection on a MiniCluster with bounded inputs, strict about Kryo
 * fallbacks. The two inputs are not ordered against each other, so the assertions hold for every
 * interleaving.
 */
class IndicatorScoringITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");

  static Sighting sighting(String indicator, String member, Sector sector, Duration after) {
    Instant t = T0.plus(after);
    return Sighting.newBuilder()
        .setSightingId("sighting--" + indicator + member + after.toMillis())
        .setIndicatorId(indicator)
        .setIndicatorVersion(T0)
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(sector)
        .setSourceType("zeek.dns")
        .setEventId("event-" + member)
        .setEventTime(t)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue(indicator + ".example")
        .setRole(ObservableRole.QUERY)
        .setTlp(Tlp.GREEN)
        .setConfidence(80)
        .setIndicatorSource("cert-rail")
        .setEnrichment(IndicatorContext.newBuilder().build())
        .setDetectedAt(t)
        .build();
  }

  static ReceivedFeedback falsePositive(String indicator, String member) {
    return new ReceivedFeedback(
        Feedback.newBuilder()
            .setMember(member)
            .setIndicatorId(indicator)
            .setVerdict(FeedbackVerdict.FALSE_POSITIVE)
            .setReportedAt(T0.plus(Duration.ofHours(2)))
            .setComment("our own CDN")
            .build(),
        "feedback." + member,
        0,
        0);
  }

  @Test
  void falsePositiveReportsLowerTheScoreOnTheChangelogAndStopAlerting() throws Exception {
    List<Sighting> sightings =
        List.of(
            sighting(
                "indicator--63646e00-0000-4000-8000-000000000000",
                "m-rail-01",
                Sector.RAIL,
                Duration.ZERO),
            sighting(
                "indicator--63320000-0000-4000-8000-000000000000",
                "m-rail-01",
                Sector.RAIL,
                Duration.ZERO),
            sighting(
                "indicator--63320000-0000-4000-8000-000000000000",
                "m-air-01",
                Sector.AVIATION,
                Duration.ofHours(1)));
    List<ReceivedFeedback> feedback =
        List.of(
            falsePositive("indicator--63646e00-0000-4000-8000-000000000000", "m-rail-01"),
            falsePositive("indicator--63646e00-0000-4000-8000-000000000000", "m-air-01"),
            falsePositive("indicator--63646e00-0000-4000-8000-000000000000", "m-log-01"),
            // A repeated verdict counts once.
            falsePositive("indicator--63646e00-0000-4000-8000-000000000000", "m-log-01"));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration strict = new Configuration();
    strict.set(PipelineOptions.GENERIC_TYPES, false);
    env.configure(strict);
    env.setParallelism(2);
    CampaignPipeline.Scored scored =
        CampaignPipeline.build(
            env.fromData(sightings, TypeInformation.of(Sighting.class)),
            env.fromData(feedback, TypeInformation.of(ReceivedFeedback.class)),
            new Configuration());
    List<IndicatorScore> scores = new ArrayList<>();
    List<CampaignAlert> alerts = new ArrayList<>();
    try (CloseableIterator<IndicatorScore> s = scored.scores().collectAsync();
        CloseableIterator<CampaignAlert> a = scored.alerts().collectAsync()) {
      env.execute("indicator scoring test");
      s.forEachRemaining(scores::add);
      a.forEachRemaining(alerts::add);
    }

    List<IndicatorScore> cdn =
        scores.stream()
            .filter(
                r -> r.getIndicatorId().equals("indicator--63646e00-0000-4000-8000-000000000000"))
            .toList();
    assertThat(cdn).extracting(IndicatorScore::getReason).contains("first-sighting");
    assertThat(cdn)
        .filteredOn(r -> r.getReason().equals("false-positive"))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getSource()).isEqualTo("cert-rail"));
    // Each false-positive record is lower than the record before it on the changelog.
    for (int i = 1; i < cdn.size(); i++) {
      if (cdn.get(i).getReason().equals("false-positive")) {
        assertThat(cdn.get(i).getScore()).isLessThan(cdn.get(i - 1).getScore());
      }
    }
    IndicatorScore last = cdn.get(cdn.size() - 1);
    assertThat(last.getFalsePositives()).isEqualTo(3);
    // 80 - 3 * 25, less two hours of a 180-day domain decay (about 0.0002 points)
    assertThat(last.getScore()).isCloseTo(5.0, within(0.01));
    assertThat(last.getAlerting()).isFalse();

    List<IndicatorScore> c2 =
        scores.stream()
            .filter(
                r -> r.getIndicatorId().equals("indicator--63320000-0000-4000-8000-000000000000"))
            .toList();
    assertThat(c2).hasSize(2).allSatisfy(r -> assertThat(r.getAlerting()).isTrue());
    // The untouched indicator still reaches campaign detection: two members, one alert.
    assertThat(alerts)
        .filteredOn(
            al -> al.getIndicatorIds().contains("indicator--63320000-0000-4000-8000-000000000000"))
        .isNotEmpty()
        .allSatisfy(al -> assertThat(al.getMemberCount()).isEqualTo(2));
  }
}
