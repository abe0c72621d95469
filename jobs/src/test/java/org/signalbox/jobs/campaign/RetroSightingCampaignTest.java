package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;

/**
 * Retro sightings in campaign detection (issue 17): they count in event time, at their {@code
 * eventTime} (the member's last event of the value, {@code lastSeen}), like any late sighting. One
 * within the allowed lateness joins the window it belongs to; one whose window has closed goes to
 * {@link CampaignDetector#TOO_LATE} and is counted there, it does not reopen the window.
 */
class RetroSightingCampaignTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Duration WINDOW = Duration.ofHours(24);
  static final Duration LATENESS = Duration.ofHours(6);
  static final long H = Duration.ofHours(1).toMillis();

  KeyedOneInputStreamOperatorTestHarness<String, CampaignObservation, CampaignAlert> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new CampaignDetector(2, WINDOW, LATENESS, 4)),
            CampaignObservation::key,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  static Sighting sighting(String member, long eventOffset, boolean retro) {
    Instant t = T0.plusMillis(eventOffset);
    Sighting s =
        CampaignKeysTest.sighting(
            IndicatorContext.newBuilder().setThreatActors(List.of("RAILFOX")).build());
    s.setMember(member);
    s.setSector(Sector.RAIL);
    s.setSightingId("sighting--" + member + "-" + eventOffset);
    s.setEventTime(t);
    s.setRetro(retro);
    if (retro) {
      s.setEventId("retro:1");
      s.setFirstSeen(t.minus(Duration.ofHours(2)));
      s.setLastSeen(t);
      s.setCount(3);
    }
    return s;
  }

  void send(Sighting s) throws Exception {
    for (CampaignObservation o : CampaignKeys.of(s)) {
      harness.processElement(new StreamRecord<>(o, o.eventTime));
    }
  }

  List<CampaignAlert> alerts() {
    List<CampaignAlert> out =
        harness.extractOutputValues().stream()
            .filter(CampaignAlert.class::isInstance)
            .map(CampaignAlert.class::cast)
            .toList();
    harness.getOutput().clear();
    return out;
  }

  @Test
  void aRetroSightingWithinTheLatenessJoinsItsWindowAndRaisesTheAlert() throws Exception {
    send(sighting("m-rail-01", 10 * H, false));
    harness.processWatermark(T0.toEpochMilli() + 12 * H);
    assertThat(alerts()).isEmpty();

    // Found by the retro-hunt: the other member saw the value at 8h, four hours behind the
    // watermark (lateness 6h).
    send(sighting("m-rail-02", 8 * H, true));

    // One alert per key the sighting fans out to (indicator, actor), each with both members.
    List<CampaignAlert> raised = alerts();
    assertThat(raised).hasSize(2);
    assertThat(raised).allSatisfy(a -> assertThat(a.getMemberCount()).isEqualTo(2));
    assertThat(harness.getSideOutput(CampaignDetector.TOO_LATE)).isNull();
  }

  @Test
  void aRetroSightingOfAClosedWindowGoesToTooLateAndRaisesNothing() throws Exception {
    send(sighting("m-rail-01", 10 * H, false));
    // Days later: the window of 10h has closed (10h + 24h + 6h behind the watermark).
    harness.processWatermark(T0.toEpochMilli() + 72 * H);

    // A retro sighting whose last event was at 11h: it overlapped m-rail-01, but too late.
    send(sighting("m-rail-02", 11 * H, true));

    assertThat(alerts()).isEmpty();
    assertThat(harness.getSideOutput(CampaignDetector.TOO_LATE)).hasSize(2);
  }
}
