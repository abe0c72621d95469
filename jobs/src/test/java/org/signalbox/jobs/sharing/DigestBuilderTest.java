package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.metrics.CampaignMetrics;
import org.signalbox.jobs.metrics.HarnessMetrics;
import org.signalbox.schema.AlertDigest;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.DigestPeriod;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

class DigestBuilderTest {
  static final long DAY0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
  static final long HOUR = Duration.ofHours(1).toMillis();
  static final long DAY = Duration.ofDays(1).toMillis();

  final AvroCodec<CampaignAlert> alerts = AvroCodec.campaignAlert();
  final AvroCodec<AlertDigest> digests = AvroCodec.alertDigest();
  KeyedOneInputStreamOperatorTestHarness<String, RoutedRecord, RoutedRecord> harness;

  void open(DigestPeriod... periods) throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new DigestBuilder(List.of(periods)), r -> r.audience, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static CampaignAlert alert(String id, int revision, Tlp tlp) {
    return CampaignAlert.newBuilder()
        .setAlertId(id)
        .setRevision(revision)
        .setKeyKind(CampaignKeyKind.ACTOR)
        .setKeyValue("railfox")
        .setEpisodeStart(Instant.ofEpochMilli(DAY0))
        .setFirstSeen(Instant.ofEpochMilli(DAY0))
        .setLastSeen(Instant.ofEpochMilli(DAY0))
        .setMemberCount(2 + revision)
        .setSectorCount(1)
        .setSectors(List.of(Sector.RAIL))
        .setMembers(List.of())
        .setIndicatorIds(List.of("indicator--61000000-0000-4000-8000-000000000000"))
        .setMaxConfidence(80)
        .setSeverity(50)
        .setTlp(tlp)
        .setPseudonymKeyId("k1")
        .build();
  }

  void route(String audience, CampaignAlert a, long at) throws Exception {
    harness.setProcessingTime(at);
    harness.processElement(
        new StreamRecord<>(
            new RoutedRecord(
                Audience.COMMUNITY.topic(),
                audience,
                a.getAlertId().getBytes(StandardCharsets.UTF_8),
                alerts.encode(a))));
  }

  List<RoutedRecord> emitted() {
    List<RoutedRecord> out = new ArrayList<>(harness.extractOutputValues());
    harness.getOutput().clear();
    return out;
  }

  AlertDigest decode(RoutedRecord r) throws Exception {
    return digests.decode(r.value);
  }

  @Test
  void keepsTheLatestRevisionOfEachAlertAndTheMostRestrictiveMarking() throws Exception {
    open(DigestPeriod.HOURLY);
    route("community", alert("ca-2", 1, Tlp.GREEN), DAY0 + 10);
    route("community", alert("ca-1", 2, Tlp.GREEN), DAY0 + 20);
    route("community", alert("ca-1", 3, Tlp.AMBER), DAY0 + 30);
    // A replayed older revision does not replace the newer one.
    route("community", alert("ca-1", 1, Tlp.CLEAR), DAY0 + 40);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(DAY0 + HOUR - 1);
    assertThat(emitted()).isEmpty();
    harness.setProcessingTime(DAY0 + HOUR);

    List<RoutedRecord> out = emitted();
    assertThat(out).hasSize(1);
    RoutedRecord r = out.get(0);
    assertThat(r.topic).isEqualTo("feed.community.digest-hourly");
    assertThat(r.audience).isEqualTo("community");
    assertThat(new String(r.key, StandardCharsets.UTF_8))
        .isEqualTo("community/2026-11-01T00:00:00Z");
    AlertDigest d = decode(r);
    assertThat(d.getPeriod()).isEqualTo(DigestPeriod.HOURLY);
    assertThat(d.getWindowStart()).isEqualTo(Instant.ofEpochMilli(DAY0));
    assertThat(d.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(DAY0 + HOUR));
    assertThat(d.getCount()).isEqualTo(2);
    assertThat(d.getAlerts()).extracting(CampaignAlert::getAlertId).containsExactly("ca-1", "ca-2");
    assertThat(d.getAlerts().get(0).getRevision()).isEqualTo(3);
    assertThat(d.getAlerts().get(0).getMemberCount()).isEqualTo(5);
    assertThat(d.getTlp()).isEqualTo(Tlp.AMBER);

    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void emptyWindowsEmitNothingAndEachAudienceGetsItsOwnDigest() throws Exception {
    open(DigestPeriod.HOURLY);
    route("community", alert("ca-1", 1, Tlp.GREEN), DAY0 + 10);
    route("member:m1", alert("ca-1", 1, Tlp.AMBER), DAY0 + 20);
    harness.setProcessingTime(DAY0 + HOUR);
    assertThat(emitted())
        .extracting(r -> r.topic)
        .containsExactlyInAnyOrder("feed.community.digest-hourly", "feed.member.m1.digest-hourly");

    // Hours two to four: nothing routed, nothing published, nothing kept.
    harness.setProcessingTime(DAY0 + 4 * HOUR);
    assertThat(emitted()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();

    // The next alert opens the window it falls in, aligned to the hour.
    route("community", alert("ca-3", 1, Tlp.CLEAR), DAY0 + 4 * HOUR + 5);
    harness.setProcessingTime(DAY0 + 5 * HOUR);
    AlertDigest d = decode(emitted().get(0));
    assertThat(d.getWindowStart()).isEqualTo(Instant.ofEpochMilli(DAY0 + 4 * HOUR));
    assertThat(d.getAlerts()).extracting(CampaignAlert::getAlertId).containsExactly("ca-3");
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void hourlyAndDailyRunSideBySide() throws Exception {
    open(DigestPeriod.HOURLY, DigestPeriod.DAILY);
    route("group:rail", alert("ca-1", 1, Tlp.GREEN), DAY0 + 10);
    route("group:rail", alert("ca-2", 1, Tlp.GREEN), DAY0 + 5 * HOUR);
    harness.setProcessingTime(DAY0 + 6 * HOUR);
    assertThat(emitted())
        .extracting(r -> r.topic)
        .containsExactly("feed.group.rail.digest-hourly", "feed.group.rail.digest-hourly");

    route("group:rail", alert("ca-1", 2, Tlp.RED), DAY0 + 23 * HOUR);
    harness.setProcessingTime(DAY0 + DAY);
    List<RoutedRecord> out = emitted();
    assertThat(out)
        .extracting(r -> r.topic)
        .containsExactlyInAnyOrder("feed.group.rail.digest-hourly", "feed.group.rail.digest-daily");
    AlertDigest daily =
        decode(out.stream().filter(r -> r.topic.endsWith("daily")).findFirst().orElseThrow());
    assertThat(daily.getWindowStart()).isEqualTo(Instant.ofEpochMilli(DAY0));
    assertThat(daily.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(DAY0 + DAY));
    assertThat(daily.getAlerts())
        .extracting(CampaignAlert::getAlertId, CampaignAlert::getRevision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ca-1", 2),
            org.assertj.core.groups.Tuple.tuple("ca-2", 1));
    assertThat(daily.getTlp()).isEqualTo(Tlp.RED);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void undecodableRecordsAreCountedNotKept() throws Exception {
    open(DigestPeriod.HOURLY);
    harness.processElement(
        new StreamRecord<>(new RoutedRecord("feed.public", "public", new byte[0], new byte[] {1})));
    harness.setProcessingTime(DAY0 + HOUR);
    assertThat(emitted()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  /**
   * The test and demo setting: every period closes after the shortened window, at multiples of it
   * since the epoch, on the same topics and with the same period fields as in production; and the
   * digests are counted.
   */
  @Test
  void aShortenedWindowClosesEveryPeriodOnItsOwnTopic() throws Exception {
    long window = Duration.ofSeconds(2).toMillis();
    HarnessMetrics metrics = new HarnessMetrics();
    try (MockEnvironment env = metrics.environment()) {
      harness =
          new KeyedOneInputStreamOperatorTestHarness<>(
              new KeyedProcessOperator<>(
                  new DigestBuilder(
                      List.of(DigestPeriod.HOURLY, DigestPeriod.DAILY), Duration.ofMillis(window))),
              r -> r.audience,
              Types.STRING,
              env);
      harness.open();
      route("community", alert("ca-1", 1, Tlp.GREEN), DAY0 + 500);
      route("community", alert("ca-1", 2, Tlp.AMBER), DAY0 + 1500);
      // One timer: both periods end at the same instant.
      assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
      harness.setProcessingTime(DAY0 + window - 1);
      assertThat(emitted()).isEmpty();

      // No further alert arrives: the timer alone publishes the window.
      harness.setProcessingTime(DAY0 + window);
      List<RoutedRecord> out = emitted();
      assertThat(out)
          .extracting(r -> r.topic)
          .containsExactlyInAnyOrder("feed.community.digest-hourly", "feed.community.digest-daily");
      for (RoutedRecord r : out) {
        AlertDigest d = decode(r);
        assertThat(d.getPeriod())
            .isEqualTo(r.topic.endsWith("hourly") ? DigestPeriod.HOURLY : DigestPeriod.DAILY);
        assertThat(d.getWindowStart()).isEqualTo(Instant.ofEpochMilli(DAY0));
        assertThat(d.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(DAY0 + window));
        assertThat(d.getAlerts()).extracting(CampaignAlert::getRevision).containsExactly(2);
        assertThat(d.getTlp()).isEqualTo(Tlp.AMBER);
      }
      assertThat(metrics.counter(CampaignMetrics.DIGESTS_EMITTED)).isEqualTo(2);
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numProcessingTimeTimers()).isZero();

      // The next window opens at the next multiple.
      route("community", alert("ca-2", 1, Tlp.GREEN), DAY0 + window + 10);
      harness.setProcessingTime(DAY0 + 2 * window);
      assertThat(emitted())
          .extracting(r -> decode(r).getWindowStart())
          .containsOnly(Instant.ofEpochMilli(DAY0 + window));
      harness.close();
      harness = null;
    }
  }

  @Test
  void aShortenedWindowOutsideItsRangeIsRejected() {
    assertThatThrownBy(() -> new DigestBuilder(List.of(DigestPeriod.HOURLY), Duration.ofMillis(10)))
        .hasMessageContaining("sharing.digest-window");
    assertThatThrownBy(() -> new DigestBuilder(List.of(DigestPeriod.DAILY), Duration.ofDays(2)))
        .hasMessageContaining("sharing.digest-window");
  }

  @Test
  void periodsAreParsedStrictly() {
    assertThat(DigestBuilder.parsePeriods("HOURLY, daily,hourly"))
        .containsExactly(DigestPeriod.HOURLY, DigestPeriod.DAILY);
    assertThat(DigestBuilder.parsePeriods(" ")).isEmpty();
    assertThatThrownBy(() -> DigestBuilder.parsePeriods("HOURLY,weekly"))
        .hasMessageContaining("'weekly' is neither HOURLY nor DAILY");
  }
}
