package org.signalbox.stix.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.core.DeterministicIds;
import org.signalbox.schema.AlertDigest;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.SequenceObservation;
import org.signalbox.schema.Sighting;
import org.signalbox.stix.TlpMarkingDefinitions;

/**
 * Converts Signalbox records (sightings, indicators, campaign alerts) to STIX 2.1 objects for one
 * audience. Markings use the TLP 2.0 marking-definition ids; members appear only as per-audience
 * identity pseudonyms.
 */
public final class StixObjects {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final String audience;
  private final AudiencePseudonyms pseudonyms;
  private final Set<String> attributed;

  /** Named members whose identity was served, with its 'created': their first sighting's. */
  private final Map<String, Instant> identityCreated = new ConcurrentHashMap<>();

  /**
   * STIX wants 'created' fixed across the versions of an object; the Indicator record only carries
   * the version ('modified'), so the first version this gateway saw stands in for it.
   */
  private final Map<String, Instant> indicatorCreated = new ConcurrentHashMap<>();

  /**
   * Per alert id, the 'modified' given to each revision seen. A revision's event times need not
   * move (an escalation by a late sighting keeps lastSeen), yet TAXII versions must be distinct and
   * ordered like the revisions: each revision gets at least its predecessor's version + 1 ms.
   */
  private final Map<String, NavigableMap<Integer, Instant>> alertVersions =
      new ConcurrentHashMap<>();

  /** Every member pseudonymous, as when no member opted in to attribution. */
  public StixObjects(String audience, AudiencePseudonyms pseudonyms) {
    this(audience, pseudonyms, Set.of());
  }

  /**
   * @param attributed members who opted in to attribution (the member directory's {@code
   *     attribution: true}): their sightings name them in every audience
   */
  public StixObjects(String audience, AudiencePseudonyms pseudonyms, Set<String> attributed) {
    this.audience = audience;
    this.pseudonyms = pseudonyms;
    this.attributed = Set.copyOf(attributed);
  }

  /** The audience these objects are for, e.g. {@code member:rail-a}. */
  public String audience() {
    return audience;
  }

  /**
   * Whether a sighting of this member names it here: in the member's own feed (it is the member's
   * own record, the router writes it in the clear) and wherever the member opted in to attribution.
   * Everywhere else the member is a keyed pseudonym of this audience.
   */
  public boolean names(String member) {
    return attributed.contains(member) || audience.equals("member:" + member);
  }

  /**
   * The STIX {@code identity} a named member's sightings point at: one id per member, the same in
   * every audience and every gateway (name-based, no key), since a named member is meant to be
   * recognised.
   */
  public static String namedIdentityId(String member) {
    return stixId("identity", "signalbox-member:" + member);
  }

  /**
   * The {@code identity} object of a member {@link #names named} here, the first time one of its
   * sightings is converted (empty afterwards, and for a pseudonymous member), served beside its
   * sightings so that {@code where_sighted_refs} resolves. One version per member: 'created' and
   * 'modified' are the detection time of the first of its sightings this collection read.
   */
  public Optional<ObjectNode> firstNamedIdentity(Sighting s) {
    if (!names(s.getMember())
        || identityCreated.putIfAbsent(s.getMember(), s.getDetectedAt()) != null) {
      return Optional.empty();
    }
    return Optional.of(identity(s, s.getDetectedAt()));
  }

  /**
   * The {@code where_sighted_refs} entry of a member's sighting here: its named identity if it is
   * {@link #names named} in this audience, else its keyed pseudonym of this audience.
   */
  public String whereSightedRef(String member) {
    return names(member) ? namedIdentityId(member) : pseudonyms.identityId(audience, member);
  }

  /**
   * The {@code identity} that {@link #whereSightedRef} of the sighting's member points at, with
   * 'created' and 'modified' at {@code created}. A named member carries its id as {@code name}, its
   * sector and {@code x_signalbox_sector}. A pseudonymous one carries nothing about the member: not
   * its id, not its sector (in a small sector that alone could single it out); it is only there so
   * that a bundle resolves its references.
   */
  public ObjectNode identity(Sighting s, Instant created) {
    String member = s.getMember();
    String time = StixTime.format(created);
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "identity");
    o.put("spec_version", "2.1");
    o.put("id", whereSightedRef(member));
    o.put("created", time);
    o.put("modified", time);
    if (names(member)) {
      o.put("name", member);
      o.put("identity_class", "organization");
      // STIX's industry-sector vocabulary has 'aviation', 'transportation' and 'technology',
      // nothing finer.
      o.putArray("sectors").add(stixSector(s.getSector()));
      o.put("x_signalbox_sector", s.getSector().name().toLowerCase(Locale.ROOT));
    } else {
      o.put("name", "Pseudonymous ISAC member");
      o.put(
          "description",
          "A member of the ISAC under a keyed pseudonym of the audience " + audience + ".");
      o.put("identity_class", "organization");
      o.put("x_signalbox_pseudonymous", true);
    }
    return o;
  }

  private static String stixSector(Sector sector) {
    return switch (sector) {
      case AVIATION, AIRPORT -> "aviation";
      case VENDOR -> "technology";
      default -> "transportation";
    };
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
    List<SequenceObservation> sequence = s.getSequence();
    if (sequence == null || sequence.isEmpty()) {
      // A retro sighting (issue 17) summarizes the member's events of the value before the
      // indicator was live: its own first and last event times; a live one is one event.
      o.put("first_seen", s.getFirstSeen() == null ? seen : StixTime.format(s.getFirstSeen()));
      o.put("last_seen", s.getLastSeen() == null ? seen : StixTime.format(s.getLastSeen()));
      o.put("count", s.getCount());
    } else {
      // A match of a pattern that spans observations: seen from its first event to its last,
      // count the events of the match.
      Instant first = sequence.get(0).getEventTime();
      Instant last = first;
      java.util.Set<String> events = new java.util.HashSet<>();
      for (SequenceObservation q : sequence) {
        first = q.getEventTime().isBefore(first) ? q.getEventTime() : first;
        last = q.getEventTime().isAfter(last) ? q.getEventTime() : last;
        events.add(q.getEventId());
      }
      o.put("first_seen", StixTime.format(first));
      o.put("last_seen", StixTime.format(last));
      o.put("count", events.size());
    }
    if (s.getRetro()) {
      o.put("x_signalbox_retro", true);
      if (s.getHistoryTruncated()) {
        o.put("x_signalbox_history_truncated", true);
      }
    }
    o.put("sighting_of_ref", s.getIndicatorId());
    o.putArray("where_sighted_refs").add(whereSightedRef(s.getMember()));
    o.put("confidence", s.getConfidence());
    addStrings(o, "labels", s.getLabels());
    o.putArray("object_marking_refs").add(TlpMarkingDefinitions.tlp2Id(s.getTlp()));
    o.put("x_signalbox_match_kind", s.getMatchKind().name().toLowerCase());
    // What matched: for an exact match the indicator's own value; for a CIDR, suffix or pattern
    // match the observed value inside it (sanitized at the member's edge before it left).
    o.put("x_signalbox_matched_type", s.getMatchedType().name().toLowerCase(Locale.ROOT));
    o.put("x_signalbox_matched_value", s.getMatchedValue());
    // Indicators of other feeds with the same value, merged into this one sighting. Their
    // sources are not named here: a source may be a member, and the feed carries no pseudonym
    // for sources.
    addStrings(o, "x_signalbox_merged_indicator_refs", s.getMergedIndicatorIds());
    if (sequence != null && !sequence.isEmpty()) {
      // Every observation of the match, in event-time order: what observed_data_refs would point
      // at, inline (a custom property, which the STIX schemas accept) so that the sighting needs no
      // observed-data objects. Member event ids are internal to the member and are left out.
      ArrayNode seq = o.putArray("x_signalbox_sequence");
      for (SequenceObservation q : sequence) {
        ObjectNode e = seq.addObject();
        e.put("observed", StixTime.format(q.getEventTime()));
        e.put("type", q.getType().name().toLowerCase(Locale.ROOT));
        e.put("value", q.getValue());
        e.put("role", q.getRole().name().toLowerCase(Locale.ROOT));
        e.put("observation", q.getObservation());
      }
    }
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

  /**
   * A campaign alert as a STIX 2.1 {@code grouping} with context {@code suspicious-activity}: the
   * spec's object for referenced objects that share a context while analysis is still going on, not
   * a finished intelligence product (that is a {@code report}, which also requires {@code
   * published}). An alert is exactly that: machine-raised, escalated by later revisions. A {@code
   * campaign} would assert an adversary's campaign, which an alert about an actor, technique or
   * indicator key is not.
   *
   * <p>Every revision of an alert has the same id (from {@code alertId}), {@code created} at the
   * episode start and a later {@code modified}, so TAXII {@code versions} and {@code
   * match[version]} list its revisions. Counts, sectors and members are left out when the router
   * withheld them; the router's member pseudonyms are never passed on.
   *
   * @throws IllegalArgumentException when the alert names no contributing indicator (a grouping
   *     needs at least one object_ref)
   */
  public ObjectNode campaignAlert(CampaignAlert a) {
    List<String> refs = new ArrayList<>(a.getIndicatorIds());
    if (refs.isEmpty() && a.getKeyKind() == CampaignKeyKind.INDICATOR) {
      refs.add(a.getKeyValue());
    }
    if (refs.isEmpty()) {
      throw new IllegalArgumentException(
          "campaign alert "
              + a.getAlertId()
              + " revision "
              + a.getRevision()
              + " names no contributing indicator; a STIX grouping needs object_refs");
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "grouping");
    o.put("spec_version", "2.1");
    o.put("id", stixId("grouping", a.getAlertId()));
    Instant created = a.getEpisodeStart();
    o.put("created", StixTime.format(created));
    o.put("modified", StixTime.format(alertVersion(a, created)));
    String kind = a.getKeyKind().name().toLowerCase(Locale.ROOT);
    o.put("name", "Campaign alert: " + kind + " " + a.getKeyValue());
    o.put("description", describe(a, kind));
    o.put("context", "suspicious-activity");
    ArrayNode objectRefs = o.putArray("object_refs");
    refs.forEach(objectRefs::add);
    o.put("confidence", a.getMaxConfidence());
    o.putArray("object_marking_refs").add(TlpMarkingDefinitions.tlp2Id(a.getTlp()));
    o.put("x_signalbox_key_kind", kind);
    o.put("x_signalbox_key_value", a.getKeyValue());
    o.put("x_signalbox_revision", a.getRevision());
    o.put("x_signalbox_severity", a.getSeverity());
    o.put("x_signalbox_first_seen", StixTime.format(a.getFirstSeen()));
    o.put("x_signalbox_last_seen", StixTime.format(a.getLastSeen()));
    if (a.getCountsWithheld()) {
      o.put("x_signalbox_counts_withheld", true);
    } else {
      o.put("x_signalbox_member_count", a.getMemberCount());
      o.put("x_signalbox_sector_count", a.getSectorCount());
      ArrayNode sectors = o.putArray("x_signalbox_sectors");
      a.getSectors().forEach(sec -> sectors.add(sec.name().toLowerCase(Locale.ROOT)));
    }
    if (a.getIndicatorIdsOmitted() > 0) {
      o.put("x_signalbox_object_refs_omitted", a.getIndicatorIdsOmitted());
    }
    return o;
  }

  /**
   * An alert digest as a STIX 2.1 {@code report} (report_types {@code threat-report}): unlike a
   * single alert, a digest is a finished, periodic product, published when its window closes.
   * {@code object_refs} name the groupings of its alerts by the same ids the real-time feed gives
   * them ({@link #campaignAlert}), so a client that also reads the feed can resolve them. One
   * digest per audience, period and window: the id comes from those, and a replayed digest keeps
   * it.
   */
  public ObjectNode alertDigest(AlertDigest d) {
    if (d.getAlerts().isEmpty()) {
      throw new IllegalArgumentException(
          "digest of "
              + d.getAudience()
              + " from "
              + StixTime.format(d.getWindowStart())
              + " lists no alert; a STIX report needs object_refs");
    }
    String period = d.getPeriod().name().toLowerCase(Locale.ROOT);
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "report");
    o.put("spec_version", "2.1");
    o.put(
        "id",
        stixId("report", "digest/" + d.getAudience() + "/" + period + "/" + d.getWindowStart()));
    String end = StixTime.format(d.getWindowEnd());
    o.put("created", end);
    o.put("modified", end);
    o.put(
        "name",
        "Signalbox "
            + period
            + " alert digest, "
            + StixTime.format(d.getWindowStart())
            + " to "
            + end);
    o.put(
        "description",
        d.getCount()
            + (d.getCount() == 1 ? " campaign alert" : " campaign alerts")
            + " reached this feed between "
            + StixTime.format(d.getWindowStart())
            + " and "
            + end
            + "; each is referenced at its latest revision in the window.");
    o.putArray("report_types").add("threat-report");
    o.put("published", end);
    ArrayNode refs = o.putArray("object_refs");
    for (CampaignAlert a : d.getAlerts()) {
      refs.add(stixId("grouping", a.getAlertId()));
    }
    o.putArray("object_marking_refs").add(TlpMarkingDefinitions.tlp2Id(d.getTlp()));
    o.put("x_signalbox_digest_period", period);
    o.put("x_signalbox_window_start", StixTime.format(d.getWindowStart()));
    o.put("x_signalbox_window_end", end);
    o.put("x_signalbox_alert_count", d.getCount());
    ArrayNode revisions = o.putArray("x_signalbox_alert_revisions");
    for (CampaignAlert a : d.getAlerts()) {
      revisions.add(a.getRevision());
    }
    return o;
  }

  private static String describe(CampaignAlert a, String kind) {
    String seen =
        a.getCountsWithheld()
            ? "at several members"
            : "at "
                + a.getMemberCount()
                + (a.getMemberCount() == 1 ? " member" : " members")
                + " in "
                + a.getSectorCount()
                + (a.getSectorCount() == 1 ? " sector" : " sectors");
    return "The "
        + kind
        + " "
        + a.getKeyValue()
        + " was seen "
        + seen
        + " between "
        + StixTime.format(a.getFirstSeen())
        + " and "
        + StixTime.format(a.getLastSeen())
        + " (revision "
        + a.getRevision()
        + ", severity "
        + a.getSeverity()
        + ").";
  }

  private Instant alertVersion(CampaignAlert a, Instant created) {
    NavigableMap<Integer, Instant> versions =
        alertVersions.computeIfAbsent(a.getAlertId(), k -> new TreeMap<>());
    synchronized (versions) {
      Instant known = versions.get(a.getRevision());
      if (known != null) {
        return known; // a replayed revision keeps its version, so the store sees a duplicate
      }
      Instant v = a.getLastSeen().isBefore(created) ? created : a.getLastSeen();
      Map.Entry<Integer, Instant> before = versions.lowerEntry(a.getRevision());
      if (before != null && !v.isAfter(before.getValue())) {
        v = before.getValue().plusMillis(1);
      }
      versions.put(a.getRevision(), v);
      return v;
    }
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** The original pattern if the indicator came as one, else one built from its value. */
  public static String patternOf(Indicator i) {
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
   * STIX ids are {@code type--uuid}; a record id that is not one is mapped to its {@link
   * DeterministicIds deterministic id}, so the same record always gets the same STIX id.
   */
  public static String stixId(String type, String recordId) {
    String prefix = type + "--";
    if (recordId.startsWith(prefix)) {
      return recordId;
    }
    return DeterministicIds.of(type, recordId);
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
