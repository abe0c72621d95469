package org.signalbox.connectors.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.signalbox.schema.IndicatorContext;
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
    return o.toString();
  }
}
