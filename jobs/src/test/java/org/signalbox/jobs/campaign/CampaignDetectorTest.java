package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.core.IndicatorIds;
import org.signalbox.jobs.metrics.CampaignMetrics;
import org.signalbox.jobs.metrics.HarnessMetrics;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

class CampaignDetectorTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Duration WINDOW = Duration.ofHours(24);
  static final Duration LATENESS = Duration.ofHours(1);
  static final long H = Duration.ofHours(1).toMillis();

  KeyedOneInputStreamOperatorTestHarness<String, CampaignObservation, CampaignAlert> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = harness(2, 4);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, CampaignObservation, CampaignAlert> harness(
      int k, int maxIds) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new CampaignDetector(k, WINDOW, LATENESS, maxIds)),
            CampaignObservation::key,
            Types.STRING);
    h.open();
    return h;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static CampaignObservation seen(String member, Sector sector, long offsetMillis) {
    return seen(
        member,
        sector,
        offsetMillis,
        "indicator--61000000-0000-4000-8000-000000000000",
        Tlp.GREEN,
        70);
  }

  static CampaignObservation seen(
      String member, Sector sector, long offsetMillis, String indicator, Tlp tlp, int confidence) {
    CampaignObservation o = new CampaignObservation();
    o.kind = CampaignKeyKind.ACTOR;
    o.value = "railfox";
    o.member = member;
    o.sector = sector;
    o.eventTime = T0.toEpochMilli() + offsetMillis;
    o.tlp = tlp;
    o.confidence = confidence;
    o.indicatorId = indicator;
    o.sightingId = "sighting--" + member + "-" + offsetMillis;
    return o;
  }

  void send(CampaignObservation o) throws Exception {
    harness.processElement(new StreamRecord<>(o, o.eventTime));
  }

  void watermark(long offsetMillis) throws Exception {
    harness.processWatermark(T0.toEpochMilli() + offsetMillis);
  }

  List<CampaignAlert> drain() {
    List<CampaignAlert> out =
        harness.extractOutputValues().stream()
            .filter(CampaignAlert.class::isInstance)
            .map(CampaignAlert.class::cast)
            .collect(Collectors.toList());
    harness.getOutput().clear();
    return out;
  }

  @Test
  void aSingleMemberNeverRaisesAnAlertAndLeavesNoState() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 0));
    send(seen("m-rail-01", Sector.RAIL, 2 * H));
    send(seen("m-rail-01", Sector.RAIL, 5 * H));
    assertThat(drain()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    watermark(5 * H + WINDOW.toMillis() + LATENESS.toMillis());

    assertThat(drain()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void secondMemberRaisesOneAlertAndOnlyGrowthEscalatesIt() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 0));
    send(seen("m-rail-01", Sector.RAIL, H));
    assertThat(drain()).isEmpty();

    send(seen("m-rail-02", Sector.RAIL, 2 * H));
    CampaignAlert raised = drain().get(0);
    assertThat(raised.getRevision()).isEqualTo(1);
    assertThat(raised.getKeyKind()).isEqualTo(CampaignKeyKind.ACTOR);
    assertThat(raised.getKeyValue()).isEqualTo("railfox");
    assertThat(raised.getMemberCount()).isEqualTo(2);
    assertThat(raised.getSectorCount()).isEqualTo(1);
    assertThat(raised.getMembers()).containsExactly("m-rail-01", "m-rail-02");
    assertThat(raised.getFirstSeen()).isEqualTo(T0);
    assertThat(raised.getLastSeen()).isEqualTo(T0.plusMillis(2 * H));
    assertThat(raised.getEpisodeStart()).isEqualTo(T0);

    // The same members again, in the same sector: nothing new to say.
    send(seen("m-rail-02", Sector.RAIL, 3 * H));
    send(seen("m-rail-01", Sector.RAIL, 4 * H));
    assertThat(drain()).isEmpty();

    send(seen("m-air-01", Sector.AVIATION, 5 * H));
    List<CampaignAlert> escalation = drain();
    assertThat(escalation).hasSize(1);
    CampaignAlert second = escalation.get(0);
    assertThat(second.getAlertId()).isEqualTo(raised.getAlertId());
    assertThat(second.getRevision()).isEqualTo(2);
    assertThat(second.getMemberCount()).isEqualTo(3);
    assertThat(second.getSectorCount()).isEqualTo(2);
    assertThat(second.getSectors()).containsExactly(Sector.RAIL, Sector.AVIATION);
    assertThat(second.getSeverity()).isGreaterThan(raised.getSeverity());

    send(seen("m-air-01", Sector.AVIATION, 6 * H));
    assertThat(drain()).isEmpty();
  }

  @Test
  void membersFurtherApartThanTheWindowDoNotMakeACampaign() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 0));
    send(seen("m-rail-02", Sector.RAIL, WINDOW.toMillis()));
    assertThat(drain()).isEmpty();

    send(seen("m-rail-01", Sector.RAIL, WINDOW.toMillis() + H));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getMemberCount()).isEqualTo(2);
              // The sighting at T0 belonged to an episode that ended; it does not date this one.
              assertThat(a.getFirstSeen()).isEqualTo(T0.plus(WINDOW));
            });
  }

  @Test
  void aMemberReplacingAnExpiredOneIsNoEscalationButAThirdMemberIs() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 0));
    send(seen("m-rail-02", Sector.RAIL, 10 * H));
    assertThat(drain()).hasSize(1);

    // m-rail-01 leaves the window; m-rail-03 takes its place: still two members, one sector.
    watermark(WINDOW.toMillis() + 1);
    send(seen("m-rail-03", Sector.RAIL, WINDOW.toMillis() + 2 * H));
    assertThat(drain()).isEmpty();

    send(seen("m-rail-04", Sector.RAIL, WINDOW.toMillis() + 3 * H));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRevision()).isEqualTo(2);
              assertThat(a.getMemberCount()).isEqualTo(3);
              assertThat(a.getMembers()).containsExactly("m-rail-02", "m-rail-03", "m-rail-04");
            });
  }

  @Test
  void stateAndTimersAreGoneWhenTheKeyGoesQuietAndANewEpisodeGetsANewId() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 0));
    send(seen("m-air-01", Sector.AVIATION, 3 * H));
    String firstId = drain().get(0).getAlertId();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    watermark(WINDOW.toMillis());
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    watermark(3 * H + WINDOW.toMillis() + LATENESS.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();

    send(seen("m-rail-01", Sector.RAIL, 30 * H));
    send(seen("m-air-01", Sector.AVIATION, 31 * H));
    CampaignAlert again = drain().get(0);
    assertThat(again.getRevision()).isEqualTo(1);
    assertThat(again.getAlertId()).isNotEqualTo(firstId);

    watermark(31 * H + WINDOW.toMillis() + LATENESS.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aNewEpisodeStartsAfterAQuietWindowEvenWhenTheWatermarkLags() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 0));
    send(seen("m-rail-02", Sector.RAIL, H));
    String firstId = drain().get(0).getAlertId();

    // No watermark has come (a slow partition); the next sightings are two days later.
    send(seen("m-rail-01", Sector.RAIL, 48 * H));
    send(seen("m-rail-02", Sector.RAIL, 49 * H));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRevision()).isEqualTo(1);
              assertThat(a.getAlertId()).isNotEqualTo(firstId);
              assertThat(a.getEpisodeStart()).isEqualTo(T0.plusMillis(48 * H));
            });
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    watermark(49 * H + WINDOW.toMillis() + LATENESS.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void manySightingsKeepOneTimerPerKey() throws Exception {
    for (int i = 0; i < 50; i++) {
      send(seen("m-rail-0" + (i % 5), Sector.RAIL, i * 60_000L));
    }
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
  }

  @Test
  void lateSightingWithinTheLatenessUpdatesTheAlertAndIsCounted() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 10 * H));
    watermark(10 * H);
    // Half an hour behind the watermark: within the allowed hour.
    send(seen("m-air-01", Sector.AVIATION, 10 * H - 30 * 60_000L));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getMemberCount()).isEqualTo(2);
              assertThat(a.getLateSightings()).isEqualTo(1);
              assertThat(a.getFirstSeen()).isEqualTo(T0.plusMillis(10 * H - 30 * 60_000L));
            });
    assertThat(harness.getSideOutput(CampaignDetector.TOO_LATE)).isNull();
  }

  @Test
  void sightingBeyondTheLatenessGoesToTheSideOutputAndChangesNothing() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 10 * H));
    watermark(10 * H);
    send(seen("m-air-01", Sector.AVIATION, 8 * H));

    assertThat(drain()).isEmpty();
    assertThat(harness.getSideOutput(CampaignDetector.TOO_LATE))
        .singleElement()
        .satisfies(r -> assertThat(r.getValue().member).isEqualTo("m-air-01"));

    // The late member was not recorded: a second on-time member is what raises the alert.
    send(seen("m-rail-02", Sector.RAIL, 11 * H));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getMembers()).containsExactly("m-rail-01", "m-rail-02");
              assertThat(a.getLateSightings()).isZero();
            });
  }

  /**
   * With a lateness longer than the window, a sighting can be within the lateness and still too old
   * for its window: the window has closed, so it cannot be placed and goes to the side output. A
   * key that only ever saw such a sighting keeps nothing.
   */
  @Test
  void aSightingWhoseWindowHasClosedIsTooLateEvenWithinTheLateness() throws Exception {
    harness.close();
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new CampaignDetector(2, Duration.ofHours(1), Duration.ofHours(2), 4)),
            CampaignObservation::key,
            Types.STRING);
    harness.open();
    watermark(10 * H);

    // 1.5 h behind: within the 2 h lateness, but its 1 h window ended at 9.5 h.
    send(seen("m-air-01", Sector.AVIATION, 8 * H + 30 * 60_000L));
    assertThat(drain()).isEmpty();
    assertThat(harness.getSideOutput(CampaignDetector.TOO_LATE))
        .singleElement()
        .satisfies(r -> assertThat(r.getValue().member).isEqualTo("m-air-01"));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();

    // Half an hour behind with its window still open: counted, and with an on-time member, alerts.
    send(seen("m-rail-01", Sector.RAIL, 10 * H + 10 * 60_000L));
    send(seen("m-air-01", Sector.AVIATION, 9 * H + 30 * 60_000L));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getMembers()).containsExactly("m-air-01", "m-rail-01");
              assertThat(a.getLateSightings()).isEqualTo(1);
            });
    assertThat(harness.getSideOutput(CampaignDetector.TOO_LATE)).hasSize(1);

    // Past every window and the lateness after it (2 h), whichever the cleanup waits for.
    watermark(13 * H + 10 * 60_000L);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  /** Kafka delivers at least once: sightings delivered again after a restart raise nothing new. */
  @Test
  void redeliveredSightingsRaiseNoDuplicate() throws Exception {
    CampaignObservation rail = seen("m-rail-01", Sector.RAIL, 0);
    CampaignObservation air = seen("m-air-01", Sector.AVIATION, H);
    send(rail);
    send(air);
    assertThat(drain()).singleElement().satisfies(a -> assertThat(a.getRevision()).isEqualTo(1));

    send(rail);
    send(air);
    send(air);
    assertThat(drain()).isEmpty();

    watermark(H + WINDOW.toMillis() + LATENESS.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  /**
   * A sighting behind the watermark by less than the allowed lateness is to be "counted as usual",
   * so it must still meet the members it shares a window with. Had it come half an hour sooner,
   * before the watermark, it would have raised the alert.
   */
  @Test
  void aSightingWithinTheLatenessStillMeetsMembersTheWatermarkHasPassed() throws Exception {
    send(seen("m-rail-01", Sector.RAIL, 0));
    // m-rail-01's window ends now; the allowed hour of lateness has not passed.
    watermark(WINDOW.toMillis());
    send(seen("m-air-01", Sector.AVIATION, WINDOW.toMillis() - 30 * 60_000L));

    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getMembers()).containsExactly("m-air-01", "m-rail-01");
              assertThat(a.getLateSightings()).isEqualTo(1);
            });
    assertThat(harness.getSideOutput(CampaignDetector.TOO_LATE)).isNull();

    watermark(2 * WINDOW.toMillis() + LATENESS.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void tlpIsTheMostRestrictiveOfTheEpisodeAndNeverRelaxes() throws Exception {
    send(
        seen(
            "m-rail-01",
            Sector.RAIL,
            0,
            "indicator--61000000-0000-4000-8000-000000000000",
            Tlp.AMBER,
            50));
    send(
        seen(
            "m-rail-02",
            Sector.RAIL,
            H,
            "indicator--61000000-0000-4000-8000-000000000000",
            Tlp.GREEN,
            50));
    assertThat(drain()).singleElement().satisfies(a -> assertThat(a.getTlp()).isEqualTo(Tlp.AMBER));

    // m-rail-01 (the AMBER one) leaves; its marking still binds what was learnt from it.
    watermark(WINDOW.toMillis() + 1);
    send(
        seen(
            "m-rail-03",
            Sector.RAIL,
            WINDOW.toMillis() + 30 * 60_000L,
            "indicator--61000000-0000-4000-8000-000000000000",
            Tlp.CLEAR,
            50));
    send(
        seen(
            "m-air-01",
            Sector.AVIATION,
            WINDOW.toMillis() + 30 * 60_000L,
            "indicator--61000000-0000-4000-8000-000000000000",
            Tlp.CLEAR,
            50));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRevision()).isEqualTo(2);
              assertThat(a.getTlp()).isEqualTo(Tlp.AMBER);
            });
  }

  @Test
  void contributingIndicatorsAreListedUpToTheBoundAndCountedBeyond() throws Exception {
    for (int i = 0; i < 6; i++) {
      send(
          seen(
              "m-rail-01",
              Sector.RAIL,
              i * H,
              IndicatorIds.spelled(String.valueOf(i)),
              Tlp.GREEN,
              40 + i));
    }
    send(
        seen(
            "m-rail-01",
            Sector.RAIL,
            7 * H,
            "indicator--30000000-0000-4000-8000-000000000000",
            Tlp.GREEN,
            40));
    send(
        seen(
            "m-air-01",
            Sector.AVIATION,
            8 * H,
            "indicator--36000000-0000-4000-8000-000000000000",
            Tlp.GREEN,
            90));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getIndicatorIds())
                  .containsExactly(
                      "indicator--30000000-0000-4000-8000-000000000000",
                      "indicator--31000000-0000-4000-8000-000000000000",
                      "indicator--32000000-0000-4000-8000-000000000000",
                      "indicator--33000000-0000-4000-8000-000000000000");
              assertThat(a.getIndicatorIdsOmitted()).isEqualTo(3);
              assertThat(a.getMaxConfidence()).isEqualTo(90);
            });
  }

  @Test
  void aHigherThresholdWaitsForMoreMembers() throws Exception {
    harness.close();
    harness = harness(3, 4);
    send(seen("m-rail-01", Sector.RAIL, 0));
    send(seen("m-rail-02", Sector.RAIL, H));
    assertThat(drain()).isEmpty();
    send(seen("m-air-01", Sector.AVIATION, 2 * H));
    assertThat(drain())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRevision()).isEqualTo(1);
              assertThat(a.getMemberCount()).isEqualTo(3);
            });
  }

  @Test
  void nonsenseConfigurationIsRejected() {
    assertThatThrownBy(() -> new CampaignDetector(0, WINDOW, LATENESS, 4))
        .hasMessageContaining("campaign.min-members");
    assertThatThrownBy(() -> new CampaignDetector(2, Duration.ZERO, LATENESS, 4))
        .hasMessageContaining("campaign.window");
  }

  /**
   * Random streams of sightings (members, sectors, jittered times, watermarks, stragglers): every
   * alert id's revisions count up from 1 without gaps, each revision has more members or sectors
   * than any before it, a marking never relaxes, and once the watermark passes the end nothing is
   * left in state or timers.
   */
  @Test
  void randomStreamsNeverDuplicateAndAlwaysCleanUp() throws Exception {
    Random rnd = new Random(7L);
    Sector[] sectors = {Sector.RAIL, Sector.AVIATION, Sector.AIRPORT, Sector.LOGISTICS};
    int raised = 0;
    int escalations = 0;
    for (int run = 0; run < 200; run++) {
      if (harness != null) {
        harness.close();
      }
      HarnessMetrics metrics = new HarnessMetrics();
      MockEnvironment env = metrics.environment();
      harness =
          new KeyedOneInputStreamOperatorTestHarness<>(
              new KeyedProcessOperator<>(
                  new CampaignDetector(2 + rnd.nextInt(2), WINDOW, LATENESS, 4)),
              CampaignObservation::key,
              Types.STRING,
              env);
      harness.open();
      long clock = 0;
      long watermark = Long.MIN_VALUE;
      List<CampaignAlert> alerts = new java.util.ArrayList<>();
      for (int i = 0; i < 60; i++) {
        clock += rnd.nextInt(4) * H;
        if (rnd.nextInt(20) == 0) {
          clock += 30 * H; // a quiet spell: the episode ends, a new one may start
        }
        long t = clock - rnd.nextInt(3) * H;
        String member = "m-" + rnd.nextInt(6);
        Sector sector = sectors[Math.floorMod(member.hashCode(), sectors.length)];
        Tlp tlp = Tlp.values()[rnd.nextInt(3)];
        send(
            seen(
                member,
                sector,
                t,
                IndicatorIds.spelled(String.valueOf(rnd.nextInt(8))),
                tlp,
                rnd.nextInt(101)));
        if (rnd.nextInt(5) == 0 && clock - H > watermark) {
          watermark = clock - H;
          watermark(watermark);
        }
        alerts.addAll(drain());
        // Counted, not scanned, yet equal to the state: three state entries (members, indicators,
        // episode) per key in a window; a member is never counted twice or below zero.
        long keys = metrics.gauge(CampaignMetrics.WINDOW_KEYS);
        assertThat(keys * 3).isEqualTo(harness.numKeyedStateEntries());
        assertThat(metrics.gauge(CampaignMetrics.WINDOW_MEMBERS)).isBetween(keys, keys * 6);
      }
      Map<String, CampaignAlert> last = new HashMap<>();
      for (CampaignAlert a : alerts) {
        CampaignAlert before = last.put(a.getAlertId(), a);
        if (before == null) {
          raised++;
          assertThat(a.getRevision()).isEqualTo(1);
        } else {
          escalations++;
          assertThat(a.getRevision()).isEqualTo(before.getRevision() + 1);
          assertThat(
                  a.getMemberCount() > before.getMemberCount()
                      || a.getSectorCount() > before.getSectorCount())
              .as("escalation of %s over %s", a, before)
              .isTrue();
          assertThat(a.getTlp().ordinal()).isGreaterThanOrEqualTo(before.getTlp().ordinal());
        }
        assertThat(a.getMemberCount()).isEqualTo(a.getMembers().size());
        assertThat(a.getSeverity()).isBetween(0, 100);
      }
      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
      assertThat(metrics.gauge(CampaignMetrics.WINDOW_KEYS)).isZero();
      assertThat(metrics.gauge(CampaignMetrics.WINDOW_MEMBERS)).isZero();
      harness.close();
      harness = null;
      env.close();
    }
    // The streams must exercise both paths, or the invariants above prove nothing.
    assertThat(raised).isGreaterThan(200);
    assertThat(escalations).isGreaterThan(200);
  }

  static CampaignObservation indicatorSeen(String member, long offsetMillis) {
    CampaignObservation o = seen(member, Sector.RAIL, offsetMillis);
    o.kind = CampaignKeyKind.INDICATOR;
    o.value = "indicator--63646e00-0000-4000-8000-000000000000";
    o.indicatorId = "indicator--63646e00-0000-4000-8000-000000000000";
    return o;
  }

  @Test
  void anIndicatorAtTooManyMembersIsSuppressedAndReportedOnce() throws Exception {
    harness.close();
    HarnessMetrics metrics = new HarnessMetrics();
    MockEnvironment env = metrics.environment();
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new CampaignDetector(2, WINDOW, LATENESS, 4, 4, Duration.ofHours(6))),
            CampaignObservation::key,
            Types.STRING,
            env);
    harness.open();

    send(indicatorSeen("m-1", 0));
    send(indicatorSeen("m-2", 60_000));
    send(indicatorSeen("m-3", 120_000));
    assertThat(drain()).extracting(CampaignAlert::getRevision).containsExactly(1, 2);

    send(indicatorSeen("m-4", 180_000));
    send(indicatorSeen("m-5", 240_000));
    send(indicatorSeen("m-6", H));
    assertThat(drain()).isEmpty();
    assertThat(harness.getSideOutput(CampaignDetector.FLOODED))
        .singleElement()
        .satisfies(
            r -> {
              FloodDecision d = r.getValue();
              assertThat(d.key)
                  .isEqualTo("INDICATOR|indicator--63646e00-0000-4000-8000-000000000000");
              assertThat(d.memberCount).isEqualTo(4);
              assertThat(d.threshold).isEqualTo(4);
              assertThat(d.suppressedUntil).isEqualTo(T0.toEpochMilli() + 180_000 + 6 * H);
              assertThat(d.alertId).isNotNull();
            });

    // Still flooding after the suppression: decided and reported again, still no alert.
    send(indicatorSeen("m-7", 7 * H));
    assertThat(drain()).isEmpty();
    assertThat(harness.getSideOutput(CampaignDetector.FLOODED)).hasSize(2);
    // Two decisions; four observations (m-4 to m-7) held back by them.
    assertThat(metrics.counter(CampaignMetrics.FLOODS_SUPPRESSED)).isEqualTo(2);
    assertThat(metrics.counter(CampaignMetrics.OBSERVATIONS_SUPPRESSED)).isEqualTo(4);
    assertThat(metrics.counter(CampaignMetrics.ALERTS_RAISED)).isEqualTo(1);
    assertThat(metrics.counter(CampaignMetrics.ESCALATIONS)).isEqualTo(1);
    assertThat(metrics.gauge(CampaignMetrics.WINDOW_KEYS)).isEqualTo(1);
    assertThat(metrics.gauge(CampaignMetrics.WINDOW_MEMBERS)).isEqualTo(7);

    watermark(7 * H + WINDOW.toMillis() + LATENESS.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(metrics.gauge(CampaignMetrics.WINDOW_KEYS)).isZero();
    assertThat(metrics.gauge(CampaignMetrics.WINDOW_MEMBERS)).isZero();
    harness.close();
    harness = null;
    env.close();
  }

  /**
   * The window gauges count keys and members as they come and go, and a restored job reports what
   * it restored: without that, expiries after a restore would drive them below zero.
   */
  @Test
  void windowGaugesFollowTheWindowsAndSurviveARestore() throws Exception {
    harness.close();
    HarnessMetrics before = new HarnessMetrics();
    OperatorSubtaskState snapshot;
    try (MockEnvironment env = before.environment()) {
      harness = detector(env);
      harness.open();
      send(seen("m-rail-01", Sector.RAIL, 0));
      send(seen("m-rail-02", Sector.RAIL, H));
      send(seen("m-rail-02", Sector.RAIL, 2 * H));
      CampaignObservation other = seen("m-air-01", Sector.AVIATION, 3 * H);
      other.value = "tarmac panda";
      send(other);
      assertThat(before.gauge(CampaignMetrics.WINDOW_KEYS)).isEqualTo(2);
      assertThat(before.gauge(CampaignMetrics.WINDOW_MEMBERS)).isEqualTo(3);
      snapshot = harness.snapshot(1L, 0L);
      harness.close();
    }

    HarnessMetrics after = new HarnessMetrics();
    try (MockEnvironment env = after.environment()) {
      harness = detector(env);
      harness.initializeState(snapshot);
      harness.open();
      assertThat(after.gauge(CampaignMetrics.WINDOW_KEYS)).isEqualTo(2);
      assertThat(after.gauge(CampaignMetrics.WINDOW_MEMBERS)).isEqualTo(3);
      // m-rail-01 leaves the railfox window; then everything expires.
      watermark(WINDOW.toMillis() + LATENESS.toMillis());
      assertThat(after.gauge(CampaignMetrics.WINDOW_KEYS)).isEqualTo(2);
      assertThat(after.gauge(CampaignMetrics.WINDOW_MEMBERS)).isEqualTo(2);
      watermark(3 * H + WINDOW.toMillis() + LATENESS.toMillis());
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(after.gauge(CampaignMetrics.WINDOW_KEYS)).isZero();
      assertThat(after.gauge(CampaignMetrics.WINDOW_MEMBERS)).isZero();
      harness.close();
      harness = null;
    }
  }

  static KeyedOneInputStreamOperatorTestHarness<String, CampaignObservation, CampaignAlert>
      detector(MockEnvironment env) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new CampaignDetector(2, WINDOW, LATENESS, 4)),
        CampaignObservation::key,
        Types.STRING,
        env);
  }

  @Test
  void theFloodGuardLeavesActorsAlone() throws Exception {
    harness.close();
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new CampaignDetector(2, WINDOW, LATENESS, 4, 3, Duration.ofHours(6))),
            CampaignObservation::key,
            Types.STRING);
    harness.open();
    for (int i = 0; i < 5; i++) {
      send(seen("m-" + i, Sector.RAIL, i * H));
    }
    assertThat(drain()).extracting(CampaignAlert::getMemberCount).containsExactly(2, 3, 4, 5);
    assertThat(harness.getSideOutput(CampaignDetector.FLOODED)).isNull();
    assertThatThrownBy(() -> new CampaignDetector(3, WINDOW, LATENESS, 4, 3, Duration.ofHours(1)))
        .hasMessageContaining("campaign.flood-members");
  }
}
