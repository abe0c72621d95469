package org.signalbox.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.SequenceObservation;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

class SightingJsonTest {
  static final Instant T = Instant.parse("2026-11-02T10:00:00Z");

  static Sighting sighting() {
    return Sighting.newBuilder()
        .setSightingId("s-1")
        .setIndicatorId("indicator--61000000-0000-4000-8000-000000000000")
        .setIndicatorVersion(T.minusSeconds(3600))
        .setMatchKind(MatchKind.DOMAIN_SUFFIX)
        .setMember("m-rail-01")
        .setSector(Sector.PUBLIC_TRANSPORT)
        .setSourceType("zeek.dns")
        .setEventId("e-1")
        .setEventTime(T)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("a.evil.example")
        .setRole(ObservableRole.QUERY)
        .setCount(3)
        .setTlp(Tlp.AMBER_STRICT)
        .setConfidence(70)
        .setIndicatorSource("isac")
        .setLabels(List.of("c2"))
        .setEnrichment(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of("RAILFOX"))
                .setCampaigns(List.of("Night Train"))
                .setAttackPatterns(List.of("T1071.004"))
                .build())
        .setTelemetryIngestTime(T.plusSeconds(1))
        .setDetectedAt(T.plusSeconds(2))
        .build();
  }

  @Test
  void readsWhatItWrites() throws Exception {
    Sighting s = sighting();
    assertThat(SightingJson.parse("f", 1, SightingJson.write(s))).isEqualTo(s);
  }

  @Test
  void aSequenceMatchKeepsEveryObservation() throws Exception {
    Sighting s = sighting();
    s.setMatchKind(MatchKind.PATTERN);
    s.setSequence(
        List.of(
            SequenceObservation.newBuilder()
                .setEventId("e-0")
                .setEventTime(T.minusSeconds(120))
                .setType(ObservableType.DOMAIN)
                .setValue("stager.example")
                .setRole(ObservableRole.QUERY)
                .setObservation(0)
                .build(),
            SequenceObservation.newBuilder()
                .setEventId("e-1")
                .setEventTime(T)
                .setType(ObservableType.IPV4)
                .setValue("203.0.113.9")
                .setRole(ObservableRole.DESTINATION)
                .setObservation(1)
                .build()));
    String line = SightingJson.write(s);
    assertThat(line).contains("\"sequence\":[{\"eventId\":\"e-0\"").contains("\"observation\":1");
    assertThat(SightingJson.parse("f", 1, line)).isEqualTo(s);
    assertThat(SightingJson.write(sighting())).doesNotContain("sequence");
  }

  @Test
  void aRetroSightingKeepsItsSpan() throws Exception {
    Sighting s = sighting();
    s.setRetro(true);
    s.setFirstSeen(T.minusSeconds(86_400 * 3));
    s.setLastSeen(T);
    s.setHistoryTruncated(true);
    String line = SightingJson.write(s);
    assertThat(line).contains("\"retro\":true").contains("\"firstSeen\":\"2026-10-30T10:00:00Z\"");
    assertThat(SightingJson.parse("f", 1, line)).isEqualTo(s);
    assertThat(SightingJson.write(sighting())).doesNotContain("retro");
  }

  @Test
  void badLinesNameTheLineAndTheField() {
    assertThatThrownBy(() -> SightingJson.parse("s.jsonl", 7, "{not json"))
        .isInstanceOf(JsonLineException.class)
        .hasMessageStartingWith("s.jsonl:7: not JSON");
    String noSector =
        SightingJson.write(sighting()).replace("\"sector\":\"public_transport\",", "");
    assertThatThrownBy(() -> SightingJson.parse("s.jsonl", 8, noSector))
        .hasMessage("s.jsonl:8: missing field 'sector'");
    String badTime = SightingJson.write(sighting()).replace("2026-11-02T10:00:00Z", "yesterday");
    assertThatThrownBy(() -> SightingJson.parse("s.jsonl", 9, badTime))
        .hasMessageContaining("s.jsonl:9: field 'eventTime' is not an ISO-8601 time");
    String badCount = SightingJson.write(sighting()).replace("\"count\":3", "\"count\":-2");
    assertThatThrownBy(() -> SightingJson.parse("s.jsonl", 10, badCount))
        .hasMessage("s.jsonl:10: field 'count' must be a non-negative integer");
  }
}
