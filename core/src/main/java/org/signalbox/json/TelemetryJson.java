package org.signalbox.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.signalbox.core.Tlps;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Provenance;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;

/**
 * Telemetry as JSON lines, one event per line:
 *
 * <pre>{@code
 * {"eventId":"e-1","member":"m-rail-01","sector":"rail","sourceType":"zeek.dns",
 *  "eventTime":"2026-11-23T10:00:00Z","tlp":"amber",
 *  "observables":[{"type":"domain","value":"Evil.Example.","role":"query"}],
 *  "attributes":{"dns.qtype":"A"}}
 * }</pre>
 *
 * Values are taken as written; the correlate job brings them into canonical form.
 */
public final class TelemetryJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TelemetryJson() {}

  public static TelemetryEvent parse(String source, long lineNo, String line)
      throws JsonLineException {
    JsonNode o = JsonFields.object(MAPPER, source, lineNo, line);
    try {
      List<Observable> observables = new ArrayList<>();
      JsonNode obs = o.get("observables");
      if (obs == null || !obs.isArray()) {
        throw new IllegalArgumentException("missing array 'observables'");
      }
      for (JsonNode n : obs) {
        observables.add(
            new Observable(
                JsonFields.enumValue(
                    ObservableType.class, JsonFields.text(n, "type", true), "type"),
                JsonFields.text(n, "value", true),
                n.hasNonNull("role")
                    ? JsonFields.enumValue(ObservableRole.class, n.get("role").asText(), "role")
                    : ObservableRole.OTHER));
      }
      Map<String, String> attributes = new LinkedHashMap<>();
      JsonNode attrs = o.get("attributes");
      if (attrs != null && attrs.isObject()) {
        attrs.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
      }
      String tlp = JsonFields.text(o, "tlp", false);
      return TelemetryEvent.newBuilder()
          .setEventId(JsonFields.text(o, "eventId", true))
          .setMember(JsonFields.text(o, "member", true))
          .setSector(
              JsonFields.enumValue(Sector.class, JsonFields.text(o, "sector", true), "sector"))
          .setSourceType(JsonFields.text(o, "sourceType", true))
          .setEventTime(JsonFields.time(o, "eventTime", true))
          .setObservables(observables)
          .setAttributes(attributes)
          // Unmarked telemetry is Tlps.UNMARKED (RED): sharing must be chosen, never assumed.
          .setTlp(Tlps.parseOrUnmarked(tlp))
          .setProvenance(provenance(o.get("provenance"), source, lineNo))
          .build();
    } catch (IllegalArgumentException e) {
      throw new JsonLineException(source, lineNo, e.getMessage());
    }
  }

  public static String write(TelemetryEvent e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("eventId", e.getEventId());
    o.put("member", e.getMember());
    o.put("sector", e.getSector().name().toLowerCase());
    o.put("sourceType", e.getSourceType());
    o.put("eventTime", e.getEventTime().toString());
    o.put("tlp", Tlps.label(e.getTlp()));
    ArrayNode obs = o.putArray("observables");
    for (Observable x : e.getObservables()) {
      obs.addObject()
          .put("type", x.getType().name().toLowerCase())
          .put("value", x.getValue())
          .put("role", x.getRole().name().toLowerCase());
    }
    ObjectNode attrs = o.putObject("attributes");
    e.getAttributes().forEach(attrs::put);
    Provenance p = e.getProvenance();
    if (p != null) {
      ObjectNode prov = o.putObject("provenance");
      prov.put("parser", p.getParser());
      if (p.getOrigin() != null) {
        prov.put("origin", p.getOrigin());
      }
      if (p.getPolicyId() != null) {
        prov.put("policyId", p.getPolicyId());
      }
      if (p.getPolicyVersion() != null) {
        prov.put("policyVersion", p.getPolicyVersion());
      }
      ArrayNode t = prov.putArray("transformations");
      p.getTransformations().forEach(t::add);
    }
    return o.toString();
  }

  /**
   * The edge's provenance (policy and transformations) is carried through when present; the origin
   * becomes this file and line, since that is where the reader found the event.
   */
  private static Provenance provenance(JsonNode p, String source, long lineNo) {
    Provenance.Builder b =
        Provenance.newBuilder().setParser("json-lines").setOrigin(source + ":" + lineNo);
    if (p != null && p.isObject()) {
      if (p.hasNonNull("policyId")) {
        b.setPolicyId(p.get("policyId").asText());
      }
      if (p.hasNonNull("policyVersion")) {
        b.setPolicyVersion(p.get("policyVersion").asText());
      }
      JsonNode t = p.get("transformations");
      if (t != null && t.isArray()) {
        List<String> list = new ArrayList<>();
        t.forEach(x -> list.add(x.asText()));
        b.setTransformations(list);
      }
    }
    return b.build();
  }
}
