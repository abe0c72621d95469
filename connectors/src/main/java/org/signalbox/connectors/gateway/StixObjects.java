package org.signalbox.connectors.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.signalbox.connectors.indicators.stix.TlpMarkingDefinitions;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;

/**
 * Converts Signalbox records to STIX 2.1 objects for one audience. Markings use the TLP 2.0
 * marking-definition ids; members appear only as per-audience identity pseudonyms.
 */
public final class StixObjects {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String audience;
  private final AudiencePseudonyms pseudonyms;

  /**
   * STIX wants 'created' fixed across the versions of an object; the Indicator record only carries
   * the version ('modified'), so the first version this gateway saw stands in for it.
   */
  private final Map<String, Instant> indicatorCreated = new ConcurrentHashMap<>();

  public StixObjects(String audience, AudiencePseudonyms pseudonyms) {
    this.audience = audience;
    this.pseudonyms = pseudonyms;
  }

  public ObjectNode sighting(Sighting s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "sighting");
    o.put("spec_version", "2.1");
    o.put("id", stixId("sighting", s.getSightingId()));
    String detected = StixTime.format(s.getDetectedAt());
    o.put("created", detected);
    o.put("modified", detected);
    String seen = StixTime.format(s.getEventTime());
    o.put("first_seen", seen);
    o.put("last_seen", seen);
    o.put("count", s.getCount());
    o.put("sighting_of_ref", s.getIndicatorId());
    o.putArray("where_sighted_refs").add(pseudonyms.identityId(audience, s.getMember()));
    o.put("confidence", s.getConfidence());
    addStrings(o, "labels", s.getLabels());
    o.putArray("object_marking_refs").add(TlpMarkingDefinitions.tlp2Id(s.getTlp()));
    o.put("x_signalbox_match_kind", s.getMatchKind().name().toLowerCase());
    addContext(o, s.getEnrichment(), false);
    return o;
  }

  public ObjectNode indicator(Indicator i) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "indicator");
    o.put("spec_version", "2.1");
    o.put("id", i.getId());
    Instant created = indicatorCreated.merge(i.getId(), i.getVersion(), StixObjects::earlier);
    o.put("created", StixTime.format(created));
    o.put("modified", StixTime.format(i.getVersion()));
    if (i.getName() != null) {
      o.put("name", i.getName());
    }
    o.put("pattern", patternOf(i));
    o.put("pattern_type", "stix");
    o.put("valid_from", StixTime.format(i.getValidFrom()));
    if (i.getValidUntil() != null) {
      o.put("valid_until", StixTime.format(i.getValidUntil()));
    }
    o.put("confidence", i.getConfidence());
    if (i.getRevoked()) {
      o.put("revoked", true);
    }
    addStrings(o, "labels", i.getLabels());
    o.putArray("object_marking_refs").add(TlpMarkingDefinitions.tlp2Id(i.getTlp()));
    addContext(o, i.getContext(), true);
    return o;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** The original pattern if the indicator came as one, else one built from its value. */
  static String patternOf(Indicator i) {
    if (i.getPattern() != null) {
      return i.getPattern();
    }
    ObservableType t = i.getObservableType();
    String v = i.getValue();
    if (t == null || v == null) {
      throw new IllegalArgumentException(
          "indicator " + i.getId() + " has neither a pattern nor a typed value");
    }
    String path = objectPath(t);
    String literal = quote(v);
    MatchKind kind = i.getMatchKind();
    if (kind == MatchKind.CIDR) {
      return "[" + path + " ISSUBSET " + literal + "]";
    }
    if (kind == MatchKind.DOMAIN_SUFFIX) {
      String parent = v.startsWith("*.") ? v.substring(2) : v;
      // LIKE's '%' matches any run of characters, so '%.' + parent is exactly "a strict subdomain";
      // '_' in a domain would be a LIKE wildcard, but the normalizer never lets one through.
      return "[" + path + " LIKE " + quote("%." + parent) + "]";
    }
    return "[" + path + " = " + literal + "]";
  }

  private static String objectPath(ObservableType t) {
    switch (t) {
      case IPV4:
        return "ipv4-addr:value";
      case IPV6:
        return "ipv6-addr:value";
      case DOMAIN:
        return "domain-name:value";
      case URL:
        return "url:value";
      case EMAIL:
        return "email-addr:value";
      case MD5:
        return "file:hashes.MD5";
      case SHA1:
        return "file:hashes.'SHA-1'";
      case SHA256:
        return "file:hashes.'SHA-256'";
      case SHA512:
        return "file:hashes.'SHA-512'";
      case USER_AGENT:
        return "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'";
      case JA3:
        return "x-ja3:value";
      case FILE_NAME:
        return "file:name";
      default:
        return "x-signalbox-observable:value";
    }
  }

  private static String quote(String v) {
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * STIX ids are {@code type--uuid}; a record id that is not one is mapped to a name-based UUID so
   * the same record always gets the same STIX id.
   */
  static String stixId(String type, String recordId) {
    String prefix = type + "--";
    if (recordId.startsWith(prefix)) {
      return recordId;
    }
    return prefix + UUID.nameUUIDFromBytes(recordId.getBytes(StandardCharsets.UTF_8));
  }

  private static void addStrings(ObjectNode o, String field, List<String> values) {
    if (values != null && !values.isEmpty()) {
      ArrayNode a = o.putArray(field);
      values.forEach(a::add);
    }
  }

  private static void addContext(ObjectNode o, IndicatorContext c, boolean killChain) {
    if (c == null) {
      return;
    }
    // kill_chain_phases is a property of indicators, not of sightings.
    if (killChain && !c.getKillChainPhases().isEmpty()) {
      ArrayNode phases = o.putArray("kill_chain_phases");
      for (String p : c.getKillChainPhases()) {
        int colon = p.indexOf(':');
        if (colon > 0 && colon < p.length() - 1) {
          phases
              .addObject()
              .put("kill_chain_name", p.substring(0, colon))
              .put("phase_name", p.substring(colon + 1));
        }
      }
      if (phases.isEmpty()) {
        o.remove("kill_chain_phases");
      }
    }
    addStrings(o, "x_signalbox_threat_actors", c.getThreatActors());
    addStrings(o, "x_signalbox_campaigns", c.getCampaigns());
    addStrings(o, "x_signalbox_malware", c.getMalware());
    addStrings(o, "x_signalbox_attack_patterns", c.getAttackPatterns());
    addStrings(o, "x_signalbox_vulnerabilities", c.getVulnerabilities());
  }
}
