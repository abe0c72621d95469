package org.signalbox.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Sighting;

/** The chaos harness's verdict must be able to fail: duplicates and losses are counted. */
class ChaosReportTest {

  static Sighting sighting(String id, String indicator, String member) {
    Sighting s = new Sighting();
    s.setSightingId(id);
    s.setIndicatorId(indicator);
    s.setMember(member);
    return s;
  }

  static CampaignAlert alert(String id, int revision) {
    CampaignAlert a = new CampaignAlert();
    a.setAlertId(id);
    a.setRevision(revision);
    return a;
  }

  @Test
  void aRepeatedSightingIsADuplicateAndAShortfallALoss() {
    ChaosReport.Tally t =
        ChaosReport.sightings(
            List.of(
                sighting("s1", "i1", "rail-a"),
                sighting("s1", "i1", "rail-a"),
                sighting("s1", "i2", "rail-a"),
                sighting("s2", "i1", "air-b")),
            5);
    assertThat(t.delivered()).isEqualTo(4);
    assertThat(t.distinct()).isEqualTo(3);
    assertThat(t.duplicated()).isEqualTo(1);
    assertThat(t.lost()).isEqualTo(2);
  }

  @Test
  void aRevisionSeenTwiceIsADuplicateAndAGapBelowTheTopALoss() {
    ChaosReport.Tally t =
        ChaosReport.alerts(
            List.of(alert("a", 1), alert("a", 2), alert("a", 2), alert("a", 4), alert("b", 1)));
    assertThat(t.delivered()).isEqualTo(5);
    assertThat(t.distinct()).isEqualTo(4);
    assertThat(t.duplicated()).isEqualTo(1);
    assertThat(t.lost()).as("revision 3 of a").isEqualTo(1);
  }

  @Test
  void theVerdictIsCleanOnlyWithNothingLostOrRepeated() {
    ChaosReport clean =
        new ChaosReport(
            List.of(
                ChaosReport.sightings(List.of(sighting("s1", "i1", "m")), 1),
                ChaosReport.alerts(List.of(alert("a", 1), alert("a", 2)))),
            List.of());
    assertThat(clean.clean()).isTrue();
    ChaosReport dirty =
        new ChaosReport(
            List.of(ChaosReport.sightings(List.of(sighting("s1", "i1", "m")), 2)), List.of());
    assertThat(dirty.clean()).isFalse();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    dirty.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAILED");
  }
}
