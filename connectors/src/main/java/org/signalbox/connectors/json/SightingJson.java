package org.signalbox.connectors.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.Tlps;

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
    if (s.getTelemetryIngestTime().toEpochMilli() != 0) {
      o.put("telemetryIngestTime", s.getTelemetryIngestTime().toString());
    }
    o.put("detectedAt", s.getDetectedAt().toString());
    return o.toString();
  }

  /**
   * Reads a line written by {@link #write}, so that {@code signalbox match} output can be fed to
   * the report. Every field {@link #write} writes is required, except the ones with a schema
   * default (count, labels, telemetryIngestTime) and detectedAt, which a person trimming a file by
   * hand may drop (it then equals the event time).
   */
  public static Sighting parse(String source, long lineNo, String line) throws JsonLineException {
    JsonNode o;
    try {
      o = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new JsonLineException(source, lineNo, "not JSON: " + e.getOriginalMessage());
    }
    if (o == null || !o.isObject()) {
      throw new JsonLineException(source, lineNo, "expected a JSON object");
    }
    try {
      JsonNode e = o.get("enrichment");
      if (e != null && !e.isNull() && !e.isObject()) {
        throw new IllegalArgumentException("field 'enrichment' must be an object");
      }
      IndicatorContext.Builder context = IndicatorContext.newBuilder();
      if (e != null && e.isObject()) {
        context
            .setThreatActors(JsonFields.strings(e, "threatActors"))
            .setCampaigns(JsonFields.strings(e, "campaigns"))
            .setMalware(JsonFields.strings(e, "malware"))
            .setAttackPatterns(JsonFields.strings(e, "attackPatterns"))
            .setKillChainPhases(JsonFields.strings(e, "killChainPhases"))
            .setVulnerabilities(JsonFields.strings(e, "vulnerabilities"));
      }
      var eventTime = JsonFields.time(o, "eventTime", true);
      var detectedAt = JsonFields.time(o, "detectedAt", false);
      var ingest = JsonFields.time(o, "telemetryIngestTime", false);
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
          .setTlp(Tlps.parse(JsonFields.text(o, "tlp", true)))
          .setConfidence(confidence(o))
          .setIndicatorSource(JsonFields.text(o, "indicatorSource", true))
          .setLabels(JsonFields.strings(o, "labels"))
          .setEnrichment(context.build())
          .setDetectedAt(detectedAt == null ? eventTime : detectedAt)
          .setTelemetryIngestTime(ingest == null ? java.time.Instant.ofEpochMilli(0) : ingest)
          .build();
    } catch (IllegalArgumentException ex) {
      throw new JsonLineException(source, lineNo, ex.getMessage());
    }
  }

  private static int count(JsonNode o) {
    JsonNode count = o.get("count");
    if (count == null || count.isNull()) {
      return 1;
    }
    if (!count.isIntegralNumber() || count.asLong() < 1 || count.asLong() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("field 'count' must be a positive integer");
    }
    return count.asInt();
  }

  private static int confidence(JsonNode o) {
    JsonNode c = o.get("confidence");
    if (c == null || c.isNull()) {
      throw new IllegalArgumentException("missing field 'confidence'");
    }
    if (!c.isIntegralNumber() || c.asInt() < 0 || c.asInt() > 100) {
      throw new IllegalArgumentException("field 'confidence' must be an integer from 0 to 100");
    }
    return c.asInt();
  }
}
