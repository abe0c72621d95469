package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

class CampaignKeysTest {

  static Sighting sighting(IndicatorContext ctx) {
    Instant t = Instant.parse("2026-11-01T10:00:00Z");
    return Sighting.newBuilder()
        .setSightingId("sighting--1")
        .setIndicatorId("indicator--61000000-0000-4000-8000-000000000000")
        .setIndicatorVersion(t)
        .setMatchKind(MatchKind.EXACT)
        .setMember("m-rail-01")
        .setSector(Sector.RAIL)
        .setSourceType("zeek.dns")
        .setEventId("e1")
        .setEventTime(t)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("c2.example")
        .setRole(ObservableRole.QUERY)
        .setTlp(Tlp.AMBER)
        .setConfidence(75)
        .setIndicatorSource("isac")
        .setEnrichment(ctx)
        .setDetectedAt(t)
        .build();
  }

  @Test
  void aSightingFansOutToItsIndicatorActorsCampaignsAndTechniques() {
    var ctx =
        IndicatorContext.newBuilder()
            .setThreatActors(List.of("APT 28", " apt   28 ", "Sandworm"))
            .setCampaigns(List.of("Operation Signal"))
            .setAttackPatterns(List.of("t1071.004", "T1071.004", "T1566"))
            .build();

    List<CampaignObservation> out = CampaignKeys.of(sighting(ctx));

    assertThat(out)
        .extracting(CampaignObservation::key)
        .containsExactly(
            "INDICATOR|indicator--61000000-0000-4000-8000-000000000000",
            "ACTOR|apt 28",
            "ACTOR|sandworm",
            "CAMPAIGN|operation signal",
            "TECHNIQUE|T1071.004",
            "TECHNIQUE|T1566");
    assertThat(out)
        .allSatisfy(
            o -> {
              assertThat(o.member).isEqualTo("m-rail-01");
              assertThat(o.sector).isEqualTo(Sector.RAIL);
              assertThat(o.tlp).isEqualTo(Tlp.AMBER);
              assertThat(o.confidence).isEqualTo(75);
              assertThat(o.eventTime)
                  .isEqualTo(Instant.parse("2026-11-01T10:00:00Z").toEpochMilli());
            });
  }

  @Test
  void blankNamesAreNotKeys() {
    var ctx = IndicatorContext.newBuilder().setThreatActors(List.of("  ")).build();
    assertThat(CampaignKeys.of(sighting(ctx)))
        .extracting(CampaignObservation::key)
        .containsExactly("INDICATOR|indicator--61000000-0000-4000-8000-000000000000");
  }
}
