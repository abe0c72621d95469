package org.signalbox.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.signalbox.core.Tlps;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;

/**
 * Indicators as JSON lines, the simple form for hand-made lists and scripts:
 *
 * <pre>{@code
 * {"id":"indicator--5f0c...","type":"ipv4","value":"198.51.100.7","tlp":"green",
 *  "validFrom":"2026-11-01T00:00:00Z","validUntil":"2026-12-01T00:00:00Z","confidence":80,
 *  "source":"isac-secretariat","labels":["c2"],"threatActors":["APT-RAIL"],
 *  "attackPatterns":["T1071.004"],"vulnerabilities":["CVE-2024-3400"]}
 * }</pre>
 *
 * {@code kind} is {@code exact}, {@code cidr} or {@code domain-suffix}; when absent, a value with
 * '/' is a CIDR and a domain written {@code *.example.org} is a domain suffix. {@code version} (the
 * STIX modified time) defaults to validFrom; {@code tlp} defaults to AMBER.
 */
public final class IndicatorJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private IndicatorJson() {}

  public static Indicator parse(String source, long lineNo, String line) throws JsonLineException {
    JsonNode o = JsonFields.object(MAPPER, source, lineNo, line);
    try {
      ObservableType type =
          JsonFields.enumValue(ObservableType.class, JsonFields.text(o, "type", true), "type");
      String value = JsonFields.text(o, "value", true);
      String kindText = JsonFields.text(o, "kind", false);
      MatchKind kind;
      if (kindText != null) {
        kind = JsonFields.enumValue(MatchKind.class, kindText, "kind");
      } else if ((type == ObservableType.IPV4 || type == ObservableType.IPV6)
          && value.contains("/")) {
        kind = MatchKind.CIDR;
      } else if (type == ObservableType.DOMAIN && value.strip().startsWith("*.")) {
        kind = MatchKind.DOMAIN_SUFFIX;
      } else {
        kind = MatchKind.EXACT;
      }
      Instant validFrom = JsonFields.time(o, "validFrom", true);
      Instant version = JsonFields.time(o, "version", false);
      String tlp = JsonFields.text(o, "tlp", false);
      JsonNode confidence = o.get("confidence");
      return Indicator.newBuilder()
          .setId(JsonFields.text(o, "id", true))
          .setVersion(version == null ? validFrom : version)
          .setObservableType(type)
          .setValue(value)
          .setMatchKind(kind)
          .setValidFrom(validFrom)
          .setValidUntil(JsonFields.time(o, "validUntil", false))
          .setRevoked(o.path("revoked").asBoolean(false))
          .setConfidence(confidence == null ? 50 : confidence.asInt())
          .setTlp(Tlps.parseOrUnmarked(tlp))
          .setSource(JsonFields.text(o, "source", true))
          .setName(JsonFields.text(o, "name", false))
          .setLabels(JsonFields.strings(o, "labels"))
          .setContext(
              IndicatorContext.newBuilder()
                  .setThreatActors(JsonFields.strings(o, "threatActors"))
                  .setCampaigns(JsonFields.strings(o, "campaigns"))
                  .setMalware(JsonFields.strings(o, "malware"))
                  .setAttackPatterns(JsonFields.strings(o, "attackPatterns"))
                  .setKillChainPhases(JsonFields.strings(o, "killChainPhases"))
                  .setVulnerabilities(JsonFields.strings(o, "vulnerabilities"))
                  .build())
          .build();
    } catch (IllegalArgumentException e) {
      throw new JsonLineException(source, lineNo, e.getMessage());
    }
  }

  public static String write(Indicator i) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", i.getId());
    o.put("version", i.getVersion().toString());
    if (i.getObservableType() != null) {
      o.put("type", i.getObservableType().name().toLowerCase());
    }
    if (i.getValue() != null) {
      o.put("value", i.getValue());
    }
    o.put("kind", i.getMatchKind().name().toLowerCase().replace('_', '-'));
    if (i.getPattern() != null) {
      o.put("pattern", i.getPattern());
    }
    o.put("validFrom", i.getValidFrom().toString());
    if (i.getValidUntil() != null) {
      o.put("validUntil", i.getValidUntil().toString());
    }
    o.put("revoked", i.getRevoked());
    o.put("confidence", i.getConfidence());
    o.put("tlp", Tlps.label(i.getTlp()));
    o.put("source", i.getSource());
    if (i.getName() != null) {
      o.put("name", i.getName());
    }
    putAll(o.putArray("labels"), i.getLabels());
    IndicatorContext c = i.getContext();
    putAll(o.putArray("threatActors"), c.getThreatActors());
    putAll(o.putArray("campaigns"), c.getCampaigns());
    putAll(o.putArray("malware"), c.getMalware());
    putAll(o.putArray("attackPatterns"), c.getAttackPatterns());
    putAll(o.putArray("killChainPhases"), c.getKillChainPhases());
    putAll(o.putArray("vulnerabilities"), c.getVulnerabilities());
    return o.toString();
  }

  static void putAll(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
