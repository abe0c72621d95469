package org.signalbox.connectors.stix.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import org.signalbox.connectors.indicators.stix.TlpMarkingDefinitions;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;

/**
 * Converts a Signalbox {@link Sighting} into STIX 2.1 objects: one {@code sighting} and the {@code
 * identity} of the member that saw it.
 *
 * <ul>
 *   <li>id: the sighting id itself when it already is {@code sighting--<uuid>} (what the correlate
 *       job writes), else a name-based UUID of it; either way the same sighting always exports to
 *       the same STIX id.
 *   <li>{@code sighting_of_ref}: the indicator id, which must be a STIX indicator id; MISP and CSV
 *       importers give their indicators such ids too. A sighting whose indicator id is not one is
 *       rejected, since a dangling or malformed reference would make the whole bundle invalid.
 *   <li>{@code first_seen} = {@code last_seen} = event time; {@code count}; {@code created} =
 *       {@code modified} = the time the match was made.
 *   <li>{@code where_sighted_refs}: an {@code identity} per member pseudonym and sector ({@code
 *       identity_class} organization). The pseudonym is the only name it carries, so the identity
 *       reveals no more than the sighting record did.
 *   <li>{@code object_marking_refs}: the TLP 2.0 marking definition of the sighting's TLP, on the
 *       sighting and on the identity (a member's presence in a sighting is as sensitive as the
 *       sighting).
 * </ul>
 */
public final class StixSightingWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A sighting that cannot be written as STIX, and why. */
  public static final class RejectedSighting extends Exception {
    public RejectedSighting(String sightingId, String reason) {
      super(sightingId + ": " + reason);
    }
  }

  /**
   * Identities carry a fixed creation time: their content depends only on pseudonym, sector and
   * marking, so a fixed time keeps repeated exports byte-identical instead of minting a new
   * "version" of the same id on every run.
   */
  static final Instant IDENTITY_CREATED = Instant.parse("2024-01-01T00:00:00Z");

  /** The STIX {@code sighting} object of {@code s}. */
  public ObjectNode sighting(Sighting s) throws RejectedSighting {
    String indicatorId = s.getIndicatorId();
    if (!StixIds.isIdOf("indicator", indicatorId)) {
      throw new RejectedSighting(
          s.getSightingId(),
          "indicator id '" + indicatorId + "' is not a STIX indicator id (indicator--<uuid>)");
    }
    if (s.getCount() < 0 || s.getCount() > 999_999_999) {
      throw new RejectedSighting(
          s.getSightingId(), "count " + s.getCount() + " is outside STIX's 0..999999999");
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "sighting");
    o.put("spec_version", "2.1");
    o.put("id", sightingId(s.getSightingId()));
    String detected = StixIds.timestamp(s.getDetectedAt());
    o.put("created", detected);
    o.put("modified", detected);
    String seen = StixIds.timestamp(s.getEventTime());
    o.put("first_seen", seen);
    o.put("last_seen", seen);
    o.put("count", s.getCount());
    o.put("sighting_of_ref", indicatorId);
    o.putArray("where_sighted_refs").add(identityId(s.getMember(), s.getSector(), s.getTlp()));
    o.put(
        "description",
        String.format(
            Locale.ROOT,
            "Signalbox %s match: %s %s (%s) in %s telemetry of a %s member",
            label(s.getMatchKind().name()),
            label(s.getMatchedType().name()),
            s.getMatchedValue(),
            label(s.getRole().name()),
            s.getSourceType(),
            label(s.getSector().name())));
    o.putArray("object_marking_refs").add(TlpMarkingDefinitions.tlp2Id(s.getTlp()));
    return o;
  }

  /** The pseudonymous {@code identity} a sighting's {@code where_sighted_refs} points at. */
  public ObjectNode identity(String member, Sector sector, Tlp tlp) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "identity");
    o.put("spec_version", "2.1");
    o.put("id", identityId(member, sector, tlp));
    String created = StixIds.timestamp(IDENTITY_CREATED);
    o.put("created", created);
    o.put("modified", created);
    o.put("name", member);
    o.put("description", "Pseudonymous ISAC member (" + label(sector.name()) + ")");
    o.put("identity_class", "organization");
    var sectors = o.putArray("sectors");
    String vocabulary = industrySector(sector);
    if (vocabulary != null) {
      sectors.add(vocabulary);
    }
    sectors.add(label(sector.name()));
    o.putArray("object_marking_refs").add(TlpMarkingDefinitions.tlp2Id(tlp));
    return o;
  }

  /**
   * The marking is part of the name because it is part of the identity's content: one id must not
   * stand for two objects that differ in marking.
   */
  public static String identityId(String member, Sector sector, Tlp tlp) {
    return StixIds.nameBased("identity", "member\n" + member + "\n" + sector + "\n" + tlp);
  }

  static String sightingId(String signalboxId) {
    return StixIds.isIdOf("sighting", signalboxId)
        ? signalboxId
        : StixIds.nameBased("sighting", "sighting\n" + signalboxId);
  }

  /** STIX industry-sector-ov value for a Signalbox sector, or null when none fits. */
  static String industrySector(Sector sector) {
    switch (sector) {
      case VENDOR:
        return "technology";
      case OTHER:
        return null;
      default:
        return "transportation";
    }
  }

  private static String label(String enumName) {
    return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
