package org.signalbox.jobs.trends;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

/** Test records at fixed times, so expectations do not depend on the clock. */
public final class TrendFixtures {
  private TrendFixtures() {}

  public static final Instant DAY1 = Instant.parse("2026-11-02T00:00:00Z");

  public static Sighting sighting(
      String indicatorId, String member, Sector sector, Instant time, Instant published) {
    return Sighting.newBuilder()
        .setSightingId(indicatorId + "|" + member + "|" + time)
        .setIndicatorId(indicatorId)
        .setIndicatorVersion(published)
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(sector)
        .setSourceType("zeek.dns")
        .setEventId("e-" + member + "-" + time.toEpochMilli())
        .setEventTime(time)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("evil.example")
        .setRole(ObservableRole.QUERY)
        .setTlp(Tlp.GREEN)
        .setConfidence(80)
        .setIndicatorSource("isac")
        .setEnrichment(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of("RAILFOX"))
                .setAttackPatterns(List.of("T1071.004"))
                .build())
        .setDetectedAt(time)
        .build();
  }

  public static Indicator indicator(String id, Instant version, String source) {
    return Indicator.newBuilder()
        .setId(id)
        .setVersion(version)
        .setObservableType(ObservableType.DOMAIN)
        .setValue("evil.example")
        .setMatchKind(MatchKind.EXACT)
        .setValidFrom(version)
        .setTlp(Tlp.GREEN)
        .setSource(source)
        .setContext(IndicatorContext.newBuilder().build())
        .build();
  }

  public static Feedback verdict(
      String indicatorId, String member, FeedbackVerdict verdict, Instant reportedAt) {
    return Feedback.newBuilder()
        .setMember(member)
        .setIndicatorId(indicatorId)
        .setVerdict(verdict)
        .setReportedAt(reportedAt)
        .build();
  }

  /** One directory member; capacity 0 means none declared. */
  public static MemberDirectory.Member member(String id, Sector sector, long capacity) {
    return new MemberDirectory.Member(id, sector, Set.of(), false, capacity);
  }

  public static MemberDirectory directory(MemberDirectory.Member... members) {
    return new MemberDirectory("isac", Set.of(), List.of(members));
  }
}
