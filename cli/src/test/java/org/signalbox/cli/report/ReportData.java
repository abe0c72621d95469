package org.signalbox.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

/**
 * A month of sightings for November 2026, generated from a fixed seed: four sectors of different
 * sizes (logistics has two members, so its figures are always suppressed), 48 indicators with
 * actors and techniques, published over the month and seen less as they age.
 */
final class ReportData {
  private ReportData() {}

  static final Instant NOV1 = Instant.parse("2026-11-01T00:00:00Z");

  record Member(String id, Sector sector, double activity) {}

  record Ind(String id, Instant published, ObservableType type, String actor, String technique) {}

  static final List<Member> MEMBERS =
      List.of(
          new Member("m-rail-01", Sector.RAIL, 0.9),
          new Member("m-rail-02", Sector.RAIL, 0.7),
          new Member("m-rail-03", Sector.RAIL, 0.6),
          new Member("m-rail-04", Sector.RAIL, 0.5),
          new Member("m-rail-05", Sector.RAIL, 0.4),
          new Member("m-air-01", Sector.AVIATION, 0.8),
          new Member("m-air-02", Sector.AVIATION, 0.6),
          new Member("m-air-03", Sector.AVIATION, 0.5),
          new Member("m-air-04", Sector.AVIATION, 0.3),
          new Member("m-apt-01", Sector.AIRPORT, 0.7),
          new Member("m-apt-02", Sector.AIRPORT, 0.6),
          new Member("m-apt-03", Sector.AIRPORT, 0.5),
          new Member("m-log-01", Sector.LOGISTICS, 0.6),
          new Member("m-log-02", Sector.LOGISTICS, 0.4));

  /** Members that are in the directory but send nothing: they only consume. */
  static final List<String> CONSUMERS_ONLY = List.of("m-apt-04", "m-log-03");

  /**
   * The members above with daily capacities (logistics declares none), plus an airport and a
   * logistics member that only consume.
   */
  static MemberDirectory directory() {
    List<MemberDirectory.Member> out = new ArrayList<>();
    for (Member m : MEMBERS) {
      long capacity =
          switch (m.sector()) {
            case RAIL -> 4;
            case AVIATION -> 6;
            case AIRPORT -> 10;
            default -> 0;
          };
      out.add(new MemberDirectory.Member(m.id(), m.sector(), Set.of(), false, capacity));
    }
    out.add(new MemberDirectory.Member("m-apt-04", Sector.AIRPORT, Set.of(), false, 10));
    out.add(new MemberDirectory.Member("m-log-03", Sector.LOGISTICS, Set.of(), false, 0));
    return new MemberDirectory("isac", Set.of(), out);
  }

  /** Sources in turn: the secretariat, a national CERT and one member (rail) publishing. */
  static final String[] SOURCES = {"isac", "cert-transport", "m-rail-01"};

  /** Indicators whose verdicts are mostly false positives (a CDN, a resolver). */
  static boolean noisy(int index) {
    return index % 12 == 0 || index % 12 == 7;
  }

  /**
   * Members' verdicts on some of the sightings they had, two hours later: mostly false positives on
   * the noisy indicators, mostly true positives on the others; plus one verdict on an indicator
   * that does not exist.
   */
  static List<Feedback> feedback(List<Sighting> sightings) {
    Random random = new Random(11);
    List<Ind> inds = indicators();
    List<Feedback> out = new ArrayList<>();
    for (Sighting s : sightings) {
      if (random.nextDouble() >= 0.4) {
        continue;
      }
      int index = 0;
      while (!inds.get(index).id().equals(s.getIndicatorId())) {
        index++;
      }
      boolean fp = noisy(index) ? random.nextDouble() < 0.9 : random.nextDouble() < 0.1;
      out.add(
          Feedback.newBuilder()
              .setMember(s.getMember())
              .setIndicatorId(s.getIndicatorId())
              .setVerdict(fp ? FeedbackVerdict.FALSE_POSITIVE : FeedbackVerdict.TRUE_POSITIVE)
              .setReportedAt(s.getEventTime().plus(Duration.ofHours(2)))
              .build());
    }
    out.add(
        Feedback.newBuilder()
            .setMember("m-air-01")
            .setIndicatorId("indicator--does-not-exist")
            .setVerdict(FeedbackVerdict.FALSE_POSITIVE)
            .setReportedAt(NOV1.plus(Duration.ofDays(10)))
            .build());
    return out;
  }

  static List<Ind> indicators() {
    String[][] spec = {
      {"DOMAIN", "RAILFOX", "T1071.004"},
      {"IPV4", "RAILFOX", "T1071.001"},
      {"URL", "SKYLARK", "T1566.002"},
      {"SHA256", "SKYLARK", "T1204.002"},
      {"DOMAIN", "CARGO KRAKEN", "T1568.002"},
      {"IPV4", "CARGO KRAKEN", "T1090.003"},
      {"DOMAIN", "TURNSTILE", "T1190"},
      {"IPV4", "TURNSTILE", "T1133"},
      {"URL", "RAILFOX", "T1105"},
      {"DOMAIN", "SKYLARK", "T1071.004"},
      {"SHA256", "CARGO KRAKEN", "T1486"},
      {"IPV4", "SKYLARK", "T1110.003"}
    };
    List<Ind> out = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      String[] s = spec[i % spec.length];
      out.add(
          new Ind(
              String.format("indicator--0000%02d6f-1c4a-4a52-9a3e-5b7f2d8c%04d", i, i * 37),
              NOV1.minus(Duration.ofDays(2)).plus(Duration.ofHours(15L * i)),
              ObservableType.valueOf(s[0]),
              s[1],
              s[2]));
    }
    return out;
  }

  static List<Sighting> november() {
    Random random = new Random(7);
    List<Sighting> out = new ArrayList<>();
    List<Ind> inds = indicators();
    for (int day = 0; day < 30; day++) {
      for (Ind ind : inds) {
        Instant dayStart = NOV1.plus(Duration.ofDays(day));
        if (!ind.published().isBefore(dayStart.plus(Duration.ofDays(1)))) {
          continue;
        }
        for (Member m : MEMBERS) {
          // Activity rises mid-month (a campaign) and fades.
          // and an indicator is seen less as it ages.
          double wave = 0.35 + 0.5 * Math.exp(-Math.pow((day - 16) / 5.0, 2));
          double age = Duration.between(ind.published(), dayStart).toHours() / 24.0;
          double fresh = Math.exp(-Math.max(0, age) / 6);
          if (random.nextDouble() < m.activity() * wave * fresh * 0.6) {
            Instant earliest = ind.published().isAfter(dayStart) ? ind.published() : dayStart;
            long room = Duration.between(earliest, dayStart.plus(Duration.ofDays(1))).toMillis();
            Instant t = earliest.plusMillis((long) (random.nextDouble() * room));
            out.add(sighting(ind, m, t, 1 + random.nextInt(3)));
          }
        }
      }
    }
    return out;
  }

  static int indicatorIndex(Ind ind) {
    return Integer.parseInt(
        ind.id().substring("indicator--0000".length(), "indicator--0000".length() + 2));
  }

  static Sighting sighting(Ind ind, Member m, Instant t, int count) {
    return Sighting.newBuilder()
        .setSightingId(ind.id() + "|" + m.id() + "|" + t.toEpochMilli())
        .setIndicatorId(ind.id())
        .setIndicatorVersion(ind.published())
        .setMatchKind(MatchKind.EXACT)
        .setMember(m.id())
        .setSector(m.sector())
        .setSourceType("zeek.dns")
        .setEventId("e-" + m.id() + "-" + t.toEpochMilli())
        .setEventTime(t)
        .setMatchedType(ind.type())
        .setMatchedValue("value-" + ind.id())
        .setRole(ObservableRole.DESTINATION)
        .setCount(count)
        .setTlp(Tlp.GREEN)
        .setConfidence(80)
        .setIndicatorSource(SOURCES[indicatorIndex(ind) % SOURCES.length])
        .setEnrichment(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of(ind.actor()))
                .setAttackPatterns(List.of(ind.technique()))
                .build())
        .setDetectedAt(t)
        .build();
  }
}
