package org.signalbox.gateway;

import java.time.Instant;
import java.util.List;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

final class GatewayFixtures {
  private GatewayFixtures() {}

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  static Indicator.Builder indicator(String id, ObservableType type, String value) {
    return Indicator.newBuilder()
        .setId(id)
        .setVersion(T0)
        .setObservableType(type)
        .setValue(value)
        .setMatchKind(MatchKind.EXACT)
        .setValidFrom(T0)
        .setValidUntil(null)
        .setConfidence(80)
        .setTlp(Tlp.GREEN)
        .setSource("isac")
        .setLabels(List.of("c2"))
        .setContext(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of("RAILFOX"))
                .setAttackPatterns(List.of("T1071.004"))
                .setKillChainPhases(List.of("mitre-attack:command-and-control"))
                .build());
  }

  static Sighting.Builder sighting(String sightingId, String indicatorId, String member) {
    return Sighting.newBuilder()
        .setSightingId(sightingId)
        .setIndicatorId(indicatorId)
        .setIndicatorVersion(T0)
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(Sector.RAIL)
        .setSourceType("zeek.dns")
        .setEventId("e-" + sightingId)
        .setEventTime(T0.plusSeconds(3600))
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("c2.evil.example")
        .setRole(ObservableRole.QUERY)
        .setCount(1)
        .setTlp(Tlp.GREEN)
        .setConfidence(80)
        .setIndicatorSource("isac")
        .setLabels(List.of())
        .setEnrichment(IndicatorContext.newBuilder().build())
        .setTelemetryIngestTime(T0.plusSeconds(3601))
        .setDetectedAt(T0.plusSeconds(3602));
  }

  /** Revision 1 of an alert on the technique T1566 at three rail/aviation members. */
  static CampaignAlert.Builder campaignAlert(String alertId, int revision) {
    return CampaignAlert.newBuilder()
        .setAlertId(alertId)
        .setRevision(revision)
        .setKeyKind(CampaignKeyKind.TECHNIQUE)
        .setKeyValue("T1566")
        .setEpisodeStart(T0)
        .setFirstSeen(T0)
        .setLastSeen(T0.plusSeconds(600L * revision))
        .setMemberCount(2 + revision)
        .setSectorCount(2)
        .setSectors(List.of(Sector.RAIL, Sector.AVIATION))
        .setMembers(List.of("p-0011223344556677", "p-8899aabbccddeeff"))
        .setIndicatorIds(
            List.of(
                "indicator--00000000-0000-4000-8000-000000000101",
                "indicator--00000000-0000-4000-8000-000000000102"))
        .setIndicatorIdsOmitted(0)
        .setMaxConfidence(85)
        .setSeverity(40 + 10 * revision)
        .setTlp(Tlp.AMBER)
        .setLateSightings(0)
        .setCountsWithheld(false)
        .setPseudonymKeyId("k1");
  }

  /** A config with the given members; password of each member is its name + "-pw". */
  static GatewayConfig config(String[][] membersAndAudiences, String... audiences) {
    GatewayConfig c = new GatewayConfig();
    c.pseudonymKey = "00112233445566778899aabbccddeeff";
    for (String a : audiences) {
      GatewayConfig.Collection col = new GatewayConfig.Collection();
      col.audience = a;
      col.maxTlp = Tlp.AMBER;
      c.collections.add(col);
    }
    for (String[] m : membersAndAudiences) {
      GatewayConfig.Member member = new GatewayConfig.Member();
      member.name = m[0];
      member.passwordHash = PasswordHash.hash((m[0] + "-pw").toCharArray(), 10_000);
      member.audiences = List.of(m).subList(1, m.length);
      c.members.add(member);
    }
    c.validate();
    return c;
  }
}
