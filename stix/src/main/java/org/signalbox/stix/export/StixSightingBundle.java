package org.signalbox.stix.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.TlpMarkingDefinitions;

/**
 * A STIX 2.1 bundle of sightings with the identities and TLP 2.0 marking definitions they
 * reference, so a consumer needs nothing outside the bundle to resolve them.
 *
 * <p>The objects come from the gateway's writer ({@link StixObjects}) for one audience, so an
 * export and the TAXII collection of that audience give the same sighting the same id and the same
 * member the same identity: a keyed pseudonym of the audience, or the member's name only if it
 * opted in to attribution. No object of the bundle names a member that did not.
 *
 * <pre>{@code
 * StixSightingBundle bundle = new StixSightingBundle(new StixObjects(audience, pseudonyms, optedIn));
 * sightings.forEach(s -> bundle.add(s));   // returns false and records why for unusable ones
 * bundle.write(out);
 * }</pre>
 *
 * The same sighting added twice (a replay) is written once. The bundle id is name-based on the
 * sorted sighting ids, so the same input gives the same bundle.
 */
public final class StixSightingBundle {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The extension definition of the OASIS TLP 2.0 marking definitions. */
  public static final String TLP2_EXTENSION =
      "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

  private final StixObjects writer;
  private final Map<String, ObjectNode> sightings = new TreeMap<>();
  private final Map<String, ObjectNode> identities = new TreeMap<>();
  private final Map<String, Instant> identityCreated = new TreeMap<>();
  private final Map<String, Tlp> markings = new TreeMap<>();
  private final List<String> rejected = new ArrayList<>();

  public StixSightingBundle(StixObjects writer) {
    this.writer = writer;
  }

  /** Adds a sighting; false (with the reason in {@link #rejected()}) if it cannot be written. */
  public boolean add(Sighting s) {
    String reason = unwritable(s);
    if (reason != null) {
      rejected.add(s.getSightingId() + ": " + reason);
      return false;
    }
    ObjectNode o = writer.sighting(s);
    sightings.put(o.get("id").asText(), o);
    // One version per identity whatever the order of the input: created at the earliest
    // detection of the member's sightings in the bundle, so re-exports are identical.
    String identityId = writer.whereSightedRef(s.getMember());
    Instant known = identityCreated.get(identityId);
    if (known == null || s.getDetectedAt().isBefore(known)) {
      identityCreated.put(identityId, s.getDetectedAt());
      identities.put(identityId, writer.identity(s, s.getDetectedAt()));
    }
    markings.put(TlpMarkingDefinitions.tlp2Id(s.getTlp()), s.getTlp());
    return true;
  }

  /**
   * Why a sighting cannot be part of a valid bundle, or null: a dangling or malformed indicator
   * reference or a count outside STIX's range would make the whole bundle invalid.
   */
  static String unwritable(Sighting s) {
    if (!StixIds.isIdOf("indicator", s.getIndicatorId())) {
      return "indicator id '"
          + s.getIndicatorId()
          + "' is not a STIX indicator id (indicator--<uuid>)";
    }
    if (s.getCount() < 0 || s.getCount() > 999_999_999) {
      return "count " + s.getCount() + " is outside STIX's 0..999999999";
    }
    return null;
  }

  /** Reasons of the sightings {@link #add} refused, in order. */
  public List<String> rejected() {
    return rejected;
  }

  public int size() {
    return sightings.size();
  }

  /** The bundle: marking definitions, identities, then sightings, each group in id order. */
  public ObjectNode toJson() {
    ObjectNode b = JSON.createObjectNode();
    b.put("type", "bundle");
    b.put("id", StixIds.nameBased("bundle", String.join("\n", new TreeSet<>(sightings.keySet()))));
    if (sightings.isEmpty()) {
      // STIX 2.1 allows a bundle without objects but not an empty objects list.
      return b;
    }
    ArrayNode objects = b.putArray("objects");
    markings.forEach((id, tlp) -> objects.add(markingDefinition(id, tlp)));
    identities.values().forEach(objects::add);
    sightings.values().forEach(objects::add);
    return b;
  }

  /** Writes the bundle as indented JSON (the stream is not closed). */
  public void write(OutputStream out) throws IOException {
    JSON.writeValue(new NonClosing(out), toJson());
  }

  /** The OASIS TLP 2.0 marking-definition object, exactly as published by the STIX TC. */
  static ObjectNode markingDefinition(String id, Tlp tlp) {
    Map<Tlp, String> names = new LinkedHashMap<>();
    names.put(Tlp.CLEAR, "clear");
    names.put(Tlp.GREEN, "green");
    names.put(Tlp.AMBER, "amber");
    names.put(Tlp.AMBER_STRICT, "amber+strict");
    names.put(Tlp.RED, "red");
    String level = names.get(tlp);
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "marking-definition");
    o.put("spec_version", "2.1");
    o.put("id", id);
    o.put("created", "2022-10-01T00:00:00.000Z");
    o.put("name", "TLP:" + level.toUpperCase(java.util.Locale.ROOT));
    ObjectNode ext = o.putObject("extensions").putObject(TLP2_EXTENSION);
    ext.put("extension_type", "property-extension");
    ext.put("tlp_2_0", level);
    return o;
  }

  /** Jackson closes the stream it writes to; the caller owns {@code out}. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
