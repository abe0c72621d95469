package org.signalbox.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.signalbox.core.Tlps;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.SequenceObservation;
import org.signalbox.schema.Sighting;

/** Sightings as JSON lines, for people and scripts (Kafka carries them as Avro). */
public final class SightingJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SightingJson() {}

  public static String write(Sighting s) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("sightingId", s.getSightingId());
    o.put("indicatorId", s.getIndicatorId());
    o.put("indicatorVersion", s.getIndicatorVersion().toString());
    o.put("matchKind", s.getMatchKind().name().toLowerCase().replace('_', '-'));
    o.put("member", s.getMember());
    o.put("sector", s.getSector().name().toLowerCase());
    o.put("sourceType", s.getSourceType());
    o.put("eventId", s.getEventId());
    o.put("eventTime", s.getEventTime().toString());
    o.put("matchedType", s.getMatchedType().name().toLowerCase());
    o.put("matchedValue", s.getMatchedValue());
    o.put("role", s.getRole().name().toLowerCase());
    o.put("count", s.getCount());
    o.put("tlp", Tlps.label(s.getTlp()));
    o.put("confidence", s.getConfidence());
    o.put("indicatorSource", s.getIndicatorSource());
    IndicatorJson.putAll(o.putArray("labels"), s.getLabels());
    IndicatorContext c = s.getEnrichment();
    ObjectNode e = o.putObject("enrichment");
    IndicatorJson.putAll(e.putArray("threatActors"), c.getThreatActors());
    IndicatorJson.putAll(e.putArray("campaigns"), c.getCampaigns());
    IndicatorJson.putAll(e.putArray("malware"), c.getMalware());
    IndicatorJson.putAll(e.putArray("attackPatterns"), c.getAttackPatterns());
    IndicatorJson.putAll(e.putArray("killChainPhases"), c.getKillChainPhases());
    IndicatorJson.putAll(e.putArray("vulnerabilities"), c.getVulnerabilities());
    IndicatorJson.putAll(o.putArray("alsoReportedBy"), s.getAlsoReportedBy());
    IndicatorJson.putAll(o.putArray("mergedIndicatorIds"), s.getMergedIndicatorIds());
    if (s.getMergedIndicatorsOmitted() > 0) {
      o.put("mergedIndicatorsOmitted", s.getMergedIndicatorsOmitted());
    }
    o.put("telemetryIngestTime", s.getTelemetryIngestTime().toString());
    o.put("detectedAt", s.getDetectedAt().toString());
    if (s.getRetro()) {
      // A retro-hunt sighting: the member's events of the value before the indicator was live.
      o.put("retro", true);
      if (s.getFirstSeen() != null) {
        o.put("firstSeen", s.getFirstSeen().toString());
      }
      if (s.getLastSeen() != null) {
        o.put("lastSeen", s.getLastSeen().toString());
      }
      if (s.getHistoryTruncated()) {
        o.put("historyTruncated", true);
      }
    }
    if (s.getSequence() != null) {
      // A match of a pattern that spans observations: every observation, in event-time order.
      var seq = o.putArray("sequence");
      for (SequenceObservation so : s.getSequence()) {
        ObjectNode n = seq.addObject();
        n.put("eventId", so.getEventId());
        n.put("eventTime", so.getEventTime().toString());
        n.put("type", so.getType().name().toLowerCase());
        n.put("value", so.getValue());
        n.put("role", so.getRole().name().toLowerCase());
        n.put("observation", so.getObservation());
      }
    }
    return o.toString();
  }

  /**
   * Reads a line written by {@link #write}. {@code count} defaults to 1, {@code tlp} to AMBER
   * (failing closed), {@code detectedAt} to {@code eventTime} and {@code telemetryIngestTime} to 0,
   * so lines from before those fields were written still read.
   *
   * @throws JsonLineException naming the line and the faulty field
   */
  public static Sighting parse(String source, long lineNo, String line) throws JsonLineException {
    JsonNode o = JsonFields.object(MAPPER, source, lineNo, line);
    try {
      Instant eventTime = JsonFields.time(o, "eventTime", true);
      Instant detectedAt = JsonFields.time(o, "detectedAt", false);
      Instant ingest = JsonFields.time(o, "telemetryIngestTime", false);
      String tlp = JsonFields.text(o, "tlp", false);
      JsonNode e = o.path("enrichment");
      return Sighting.newBuilder()
          .setSightingId(JsonFields.text(o, "sightingId", true))
          .setIndicatorId(JsonFields.text(o, "indicatorId", true))
          .setIndicatorVersion(JsonFields.time(o, "indicatorVersion", true))
          .setMatchKind(
              JsonFields.enumValue(
                  MatchKind.class, JsonFields.text(o, "matchKind", true), "matchKind"))
          .setMember(JsonFields.text(o, "member", true))
          .setSector(
              JsonFields.enumValue(Sector.class, JsonFields.text(o, "sector", true), "sector"))
          .setSourceType(JsonFields.text(o, "sourceType", true))
          .setEventId(JsonFields.text(o, "eventId", true))
          .setEventTime(eventTime)
          .setMatchedType(
              JsonFields.enumValue(
                  ObservableType.class, JsonFields.text(o, "matchedType", true), "matchedType"))
          .setMatchedValue(JsonFields.text(o, "matchedValue", true))
          .setRole(
              JsonFields.enumValue(ObservableRole.class, JsonFields.text(o, "role", true), "role"))
          .setCount(count(o))
          .setTlp(Tlps.parseOrUnmarked(tlp))
          .setConfidence(o.path("confidence").asInt(50))
          .setIndicatorSource(JsonFields.text(o, "indicatorSource", true))
          .setLabels(JsonFields.strings(o, "labels"))
          .setEnrichment(
              IndicatorContext.newBuilder()
                  .setThreatActors(JsonFields.strings(e, "threatActors"))
                  .setCampaigns(JsonFields.strings(e, "campaigns"))
                  .setMalware(JsonFields.strings(e, "malware"))
                  .setAttackPatterns(JsonFields.strings(e, "attackPatterns"))
                  .setKillChainPhases(JsonFields.strings(e, "killChainPhases"))
                  .setVulnerabilities(JsonFields.strings(e, "vulnerabilities"))
                  .build())
          .setAlsoReportedBy(JsonFields.strings(o, "alsoReportedBy"))
          .setMergedIndicatorIds(JsonFields.strings(o, "mergedIndicatorIds"))
          .setMergedIndicatorsOmitted(
              o.path("mergedIndicatorsOmitted").canConvertToInt()
                  ? Math.max(0, o.path("mergedIndicatorsOmitted").intValue())
                  : 0)
          .setTelemetryIngestTime(ingest == null ? Instant.EPOCH : ingest)
          .setDetectedAt(detectedAt == null ? eventTime : detectedAt)
          .setSequence(sequence(o.get("sequence")))
          .setRetro(o.path("retro").asBoolean(false))
          .setFirstSeen(JsonFields.time(o, "firstSeen", false))
          .setLastSeen(JsonFields.time(o, "lastSeen", false))
          .setHistoryTruncated(o.path("historyTruncated").asBoolean(false))
          .build();
    } catch (IllegalArgumentException e) {
      throw new JsonLineException(source, lineNo, e.getMessage());
    }
  }

  private static java.util.List<SequenceObservation> sequence(JsonNode a) {
    if (a == null || a.isNull()) {
      return null;
    }
    if (!a.isArray()) {
      throw new IllegalArgumentException("field 'sequence' must be an array");
    }
    java.util.List<SequenceObservation> out = new java.util.ArrayList<>();
    for (JsonNode n : a) {
      out.add(
          SequenceObservation.newBuilder()
              .setEventId(JsonFields.text(n, "eventId", true))
              .setEventTime(JsonFields.time(n, "eventTime", true))
              .setType(
                  JsonFields.enumValue(
                      ObservableType.class, JsonFields.text(n, "type", true), "sequence.type"))
              .setValue(JsonFields.text(n, "value", true))
              .setRole(
                  JsonFields.enumValue(
                      ObservableRole.class, JsonFields.text(n, "role", true), "sequence.role"))
              .setObservation(n.path("observation").asInt(0))
              .build());
    }
    return out;
  }

  private static int count(JsonNode o) {
    JsonNode n = o.get("count");
    if (n == null || n.isNull()) {
      return 1;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
      throw new IllegalArgumentException("field 'count' must be a non-negative integer");
    }
    return n.asInt();
  }
}
