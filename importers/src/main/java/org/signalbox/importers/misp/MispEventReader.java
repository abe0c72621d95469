package org.signalbox.importers.misp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.signalbox.core.IndicatorIds;
import org.signalbox.core.Tlps;
import org.signalbox.importers.IndicatorBatch;
import org.signalbox.importers.IndicatorBatch.Rejection;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.StixPatternCompiler;

/**
 * Reads MISP JSON events ({@code {"Event": {...}}}, a REST search response {@code {"response":
 * [...]}}, or an array of either) into indicators, one per attribute (object attributes included).
 *
 * <ul>
 *   <li>Attribute types map to observable types (ip-src/ip-dst and their {@code |port} forms,
 *       domain, hostname, domain|ip, url, email-src/email-dst/email, md5/sha1/sha256/sha512 and
 *       their {@code filename|} forms, ja3-fingerprint-md5, user-agent, filename); an address with
 *       a prefix becomes CIDR. Other types are rejected with their type named.
 *   <li>Attributes with {@code to_ids: false} are not for detection and are rejected as such.
 *   <li>id = {@code indicator--<attribute uuid>}, so a re-imported attribute replaces itself;
 *       version = attribute {@code timestamp} (epoch seconds); validFrom = {@code first_seen}, else
 *       the event date, else the timestamp; a deleted attribute is emitted revoked.
 *   <li>TLP from {@code tlp:*} tags, attribute tags before event tags; several give the most
 *       restrictive; none gives the default (AMBER).
 *   <li>source = event {@code Orgc.name}; labels = the other tags; context from galaxy clusters
 *       (threat actors, intrusion sets, malware and tools, ATT&CK techniques, campaigns) and the
 *       event's vulnerability attributes (CVE ids).
 * </ul>
 */
public final class MispEventReader {
  private BreadthLimits limits = BreadthLimits.DEFAULT;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ATTACK_ID = Pattern.compile("\\b(T\\d{4}(?:\\.\\d{3})?)\\b");

  private final Tlp defaultTlp;
  private final String fallbackSource;
  private final int confidence;

  /** Unmarked events are {@link Tlps#UNMARKED} (RED), the source {@code "misp"}, confidence 50. */
  public MispEventReader() {
    this(Tlps.UNMARKED, "misp", 50);
  }

  /**
   * @param defaultTlp marking of events and attributes without a {@code tlp:*} tag
   * @param fallbackSource source when the event names no organisation
   * @param confidence confidence given to every indicator (MISP has no per-attribute confidence)
   */
  public MispEventReader(Tlp defaultTlp, String fallbackSource, int confidence) {
    this.defaultTlp = Objects.requireNonNull(defaultTlp);
    this.fallbackSource = Objects.requireNonNull(fallbackSource);
    this.confidence = confidence;
  }

  public IndicatorBatch read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    }
  }

  public IndicatorBatch read(InputStream in) throws IOException {
    try {
      return read(JSON.readTree(in));
    } catch (JsonProcessingException e) {
      throw new IOException(
          "not valid JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()),
          e);
    }
  }

  public IndicatorBatch read(String json) throws IOException {
    return read(
        new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  public IndicatorBatch read(JsonNode root) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    collectEvents(root, events);
    if (events.isEmpty()) {
      throw new IOException("no MISP event found (expected {\"Event\": {...}})");
    }
    IndicatorBatch out = new IndicatorBatch(List.of(), List.of());
    for (JsonNode event : events) {
      out = out.plus(event(event));
    }
    return out;
  }

  private static void collectEvents(JsonNode n, List<JsonNode> into) {
    if (n == null) {
      return;
    }
    if (n.isArray()) {
      n.forEach(e -> collectEvents(e, into));
    } else if (n.has("Event")) {
      into.add(n.get("Event"));
    } else if (n.has("response")) {
      collectEvents(n.get("response"), into);
    } else if (n.has("Attribute") && n.has("uuid")) {
      into.add(n);
    }
  }

  private IndicatorBatch event(JsonNode event) {
    List<Indicator> indicators = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    String eventWhere =
        "event " + (event.path("uuid").isTextual() ? event.get("uuid").asText() : "?");
    // Everything that decides the marking or which attributes exist must have the right JSON type:
    // an "Attribute" that is a string would otherwise import nothing without a word, and a "Tag"
    // that is a string would leave the attributes at a wider marking than the feed gave them.
    List<JsonNode> attributes = new ArrayList<>();
    List<String> places = new ArrayList<>();
    Tlp eventTlp;
    Context eventContext = new Context();
    Set<String> eventLabels;
    Set<String> cves = new TreeSet<>();
    try {
      if (!event.isObject()) {
        throw new Rejected("Event is a JSON " + typeName(event) + ", not an object");
      }
      JsonNode attrs = array(event, "Attribute", eventWhere);
      for (int i = 0; i < attrs.size(); i++) {
        attributes.add(attrs.get(i));
        places.add(eventWhere + " Attribute[" + i + "]");
      }
      JsonNode objects = array(event, "Object", eventWhere);
      for (int i = 0; i < objects.size(); i++) {
        String objectWhere = eventWhere + " Object[" + i + "]";
        if (!objects.get(i).isObject()) {
          throw new Rejected(
              objectWhere + " is a JSON " + typeName(objects.get(i)) + ", not an object");
        }
        JsonNode inner = array(objects.get(i), "Attribute", objectWhere);
        for (int j = 0; j < inner.size(); j++) {
          attributes.add(inner.get(j));
          places.add(objectWhere + ".Attribute[" + j + "]");
        }
      }
      for (JsonNode a : attributes) {
        if (a.path("type").asText().equals("vulnerability") && a.path("value").isTextual()) {
          cves.add(a.path("value").asText().strip().toUpperCase(Locale.ROOT));
        }
      }
      JsonNode tags = tags(event, eventWhere);
      eventTlp = tlpOf(tags);
      eventLabels = labels(tags);
      eventContext.addGalaxies(array(event, "Galaxy", eventWhere), eventWhere);
      eventContext.vulnerabilities.addAll(cves);
    } catch (Rejected e) {
      return new IndicatorBatch(
          List.of(), List.of(new Rejection(eventWhere, e.getMessage() + "; event not imported")));
    }
    String source =
        event.path("Orgc").path("name").asText(event.path("Org").path("name").asText(""));
    if (source.isBlank()) {
      source = fallbackSource;
    }
    for (int i = 0; i < attributes.size(); i++) {
      JsonNode a = attributes.get(i);
      String uuid = a.path("uuid").isTextual() ? a.path("uuid").asText("") : "";
      String where = uuid.isEmpty() ? places.get(i) : uuid;
      try {
        if (!a.isObject()) {
          throw new Rejected("attribute is a JSON " + typeName(a) + ", not an object");
        }
        Indicator ind = attribute(event, a, source, eventTlp, eventContext, eventLabels, where);
        if (ind != null) {
          indicators.add(ind);
        }
      } catch (Rejected e) {
        rejected.add(new Rejection(where, e.getMessage()));
      } catch (RuntimeException e) {
        rejected.add(new Rejection(where, "could not be read: " + e));
      }
    }
    return new IndicatorBatch(indicators, rejected);
  }

  /**
   * {@code field} of {@code parent} as an array; missing or null is empty, any other type fails.
   */
  private static JsonNode array(JsonNode parent, String field, String where) throws Rejected {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return JSON.createArrayNode();
    }
    if (!n.isArray()) {
      throw new Rejected(where + " " + field + " is a JSON " + typeName(n) + ", not an array");
    }
    return n;
  }

  /** The {@code Tag} array, each element an object with a string {@code name}. */
  private static JsonNode tags(JsonNode parent, String where) throws Rejected {
    JsonNode tags = array(parent, "Tag", where);
    for (int i = 0; i < tags.size(); i++) {
      JsonNode t = tags.get(i);
      if (!t.isObject() || !t.path("name").isTextual()) {
        throw new Rejected(
            where
                + " Tag["
                + i
                + "] is not an object with a string \"name\" (the marking cannot be read)");
      }
    }
    return tags;
  }

  private static String typeName(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /**
   * A MISP flag ({@code to_ids}, {@code deleted}): JSON booleans, and {@code 0}/{@code 1} or {@code
   * "0"}/{@code "1"}/{@code "true"}/{@code "false"} as MISP instances write them; null if absent.
   * Anything else is refused, so a {@code "deleted":"1"} never stays live.
   */
  static Boolean flag(JsonNode n, String field) throws Rejected {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isIntegralNumber() && (n.asLong() == 0 || n.asLong() == 1)) {
      return n.asLong() == 1;
    }
    if (n.isTextual()) {
      switch (n.asText().strip().toLowerCase(Locale.ROOT)) {
        case "1":
        case "true":
          return true;
        case "0":
        case "false":
          return false;
        default:
          break;
      }
    }
    throw new Rejected(field + " " + n + " is not a boolean (true, false, 0 or 1)");
  }

  private Indicator attribute(
      JsonNode event,
      JsonNode a,
      String source,
      Tlp eventTlp,
      Context eventContext,
      Set<String> eventLabels,
      String where)
      throws Rejected {
    if (!a.path("type").isTextual()) {
      throw new Rejected("attribute type is " + (a.has("type") ? "not a string" : "missing"));
    }
    String type = a.path("type").asText("");
    if (type.equals("vulnerability")) {
      return null; // context for the event's other attributes, not something to match
    }
    String uuid = a.path("uuid").asText("");
    if (uuid.isEmpty()) {
      throw new Rejected("attribute has no uuid");
    }
    String id;
    try {
      id = IndicatorIds.ofUuid(uuid);
    } catch (IllegalArgumentException e) {
      throw new Rejected("attribute uuid is not an RFC 4122 UUID: " + e.getMessage());
    }
    Boolean toIds = flag(a.get("to_ids"), "to_ids");
    if (toIds != null && !toIds) {
      throw new Rejected("to_ids is false (" + type + " is context, not for detection)");
    }
    boolean deleted = Boolean.TRUE.equals(flag(a.get("deleted"), "deleted"));
    if (!a.path("value").isTextual()) {
      throw new Rejected(
          "attribute value is "
              + (a.has("value")
                  ? "a JSON " + typeName(a.get("value")) + ", not a string"
                  : "missing"));
    }
    String raw = a.path("value").asText("");
    ObservableType obsType;
    String value = raw;
    int bar = raw.indexOf('|');
    switch (type) {
      case "ip-src":
      case "ip-dst":
        obsType = ObservableType.IPV4;
        break;
      case "ip-src|port":
      case "ip-dst|port":
        obsType = ObservableType.IPV4;
        value = bar >= 0 ? raw.substring(0, bar) : raw;
        break;
      case "domain":
      case "hostname":
        obsType = ObservableType.DOMAIN;
        break;
      case "domain|ip":
      case "hostname|port":
        obsType = ObservableType.DOMAIN;
        value = bar >= 0 ? raw.substring(0, bar) : raw;
        break;
      case "url":
        obsType = ObservableType.URL;
        break;
      case "email":
      case "email-src":
      case "email-dst":
        obsType = ObservableType.EMAIL;
        break;
      case "md5":
      case "sha1":
      case "sha256":
      case "sha512":
        obsType = ObservableType.valueOf(type.toUpperCase(Locale.ROOT));
        break;
      case "filename|md5":
      case "filename|sha1":
      case "filename|sha256":
      case "filename|sha512":
        obsType = ObservableType.valueOf(type.substring(9).toUpperCase(Locale.ROOT));
        value = bar >= 0 ? raw.substring(bar + 1) : raw;
        break;
      case "ja3-fingerprint-md5":
        obsType = ObservableType.JA3;
        break;
      case "user-agent":
        obsType = ObservableType.USER_AGENT;
        break;
      case "filename":
        obsType = ObservableType.FILE_NAME;
        break;
      default:
        throw new Rejected(
            "MISP attribute type '" + type + "' is not an observable Signalbox matches");
    }
    MatchKind kind = MatchKind.EXACT;
    String canonical;
    try {
      if (obsType == ObservableType.IPV4 && value.contains("/")) {
        StixPatternCompiler.IndexEntry e =
            StixPatternCompiler.compileNetwork(ObservableType.IPV4, value, limits);
        kind = e.kind();
        obsType = e.type();
        canonical = e.value();
      } else {
        NormalizedObservable n = ObservableNormalizer.normalize(obsType, value);
        obsType = n.type();
        canonical = n.value();
      }
    } catch (InvalidObservableException e) {
      throw new Rejected("invalid " + type + " value: " + e.getMessage());
    }
    Instant version = epochSeconds(a.get("timestamp"), "attribute timestamp");
    if (version == null) {
      version = epochSeconds(event.get("timestamp"), "event timestamp");
    }
    if (version == null) {
      throw new Rejected("attribute and event have no timestamp");
    }
    Instant validFrom = instant(a.get("first_seen"));
    if (validFrom == null) {
      validFrom = eventDate(event.path("date").asText(""));
    }
    if (validFrom == null) {
      validFrom = version;
    }
    JsonNode attributeTags = tags(a, "attribute");
    Tlp attributeTlp = tlpOf(attributeTags);
    Tlp tlp =
        attributeTlp != null
            ? (eventTlp != null ? Tlps.mostRestrictive(attributeTlp, eventTlp) : attributeTlp)
            : (eventTlp != null ? eventTlp : defaultTlp);
    Context context = new Context();
    context.addAll(eventContext);
    context.addGalaxies(array(a, "Galaxy", "attribute"), "attribute");
    Set<String> labels = new TreeSet<>(eventLabels);
    labels.addAll(labels(attributeTags));
    String comment = a.path("comment").asText("");
    return Indicator.newBuilder()
        .setId(id)
        .setVersion(version)
        .setObservableType(obsType)
        .setValue(canonical)
        .setMatchKind(kind)
        .setPattern(null)
        .setValidFrom(validFrom)
        .setValidUntil(null)
        .setRevoked(deleted)
        .setConfidence(confidence)
        .setTlp(tlp)
        .setSource(source)
        .setName(comment.isBlank() ? event.path("info").asText(null) : comment)
        .setLabels(new ArrayList<>(labels))
        .setContext(context.build())
        .build();
  }

  /**
   * The most restrictive {@code tlp:*} tag, or null. A {@code tlp:} tag that names no colour we
   * know ({@code tlp:ex:chr}, a typo) is read as RED: a marking we cannot read must never make a
   * record travel further than its author meant.
   */
  private static Tlp tlpOf(JsonNode tags) {
    Tlp found = null;
    for (JsonNode tag : tags) {
      String name = tag.path("name").asText("");
      if (name.toLowerCase(Locale.ROOT).startsWith("tlp:")) {
        try {
          Tlp t = Tlps.parse(name);
          found = found == null ? t : Tlps.mostRestrictive(found, t);
        } catch (IllegalArgumentException e) {
          found = Tlp.RED;
        }
      }
    }
    return found;
  }

  private static Set<String> labels(JsonNode tags) {
    Set<String> out = new TreeSet<>();
    for (JsonNode tag : tags) {
      String name = tag.path("name").asText("");
      String lower = name.toLowerCase(Locale.ROOT);
      if (!name.isBlank() && !lower.startsWith("tlp:") && !lower.startsWith("misp-galaxy:")) {
        out.add(name);
      }
    }
    return out;
  }

  /** Latest epoch second accepted: 9999-12-31T23:59:59Z. */
  static final long MAX_EPOCH_SECOND = 253_402_300_799L;

  /** Epoch seconds as a JSON number or string of digits; null if absent or empty. */
  private static Instant epochSeconds(JsonNode n, String field) throws Rejected {
    if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
      return null;
    }
    String s = n.isTextual() || n.isIntegralNumber() ? n.asText().strip() : null;
    if (s == null || s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
      throw new Rejected(field + " " + n + " is not epoch seconds");
    }
    String digits = s.replaceFirst("^0+(?=.)", "");
    if (digits.length() > 12 || Long.parseLong(digits) > MAX_EPOCH_SECOND) {
      throw new Rejected(
          field
              + " "
              + cut(s)
              + " is out of range (epoch seconds up to "
              + MAX_EPOCH_SECOND
              + ", year 9999)");
    }
    return Instant.ofEpochSecond(Long.parseLong(digits));
  }

  private static String cut(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** An RFC 3339 time ({@code first_seen}); null if absent. */
  private static Instant instant(JsonNode n) throws Rejected {
    if (n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty())) {
      return null;
    }
    try {
      return OffsetDateTime.parse(n.asText()).toInstant();
    } catch (RuntimeException e) {
      throw new Rejected("first_seen " + cut(n.toString()) + " is not an RFC 3339 time");
    }
  }

  private static Instant eventDate(String text) {
    try {
      return text.isEmpty() ? null : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Context gathered from galaxies and vulnerability attributes. */
  private static final class Context {
    final Set<String> actors = new TreeSet<>();
    final Set<String> campaigns = new TreeSet<>();
    final Set<String> malware = new TreeSet<>();
    final Set<String> attackPatterns = new TreeSet<>();
    final Set<String> killChain = new TreeSet<>();
    final Set<String> vulnerabilities = new TreeSet<>();

    void addAll(Context o) {
      actors.addAll(o.actors);
      campaigns.addAll(o.campaigns);
      malware.addAll(o.malware);
      attackPatterns.addAll(o.attackPatterns);
      killChain.addAll(o.killChain);
      vulnerabilities.addAll(o.vulnerabilities);
    }

    void addGalaxies(JsonNode galaxies, String where) throws Rejected {
      for (JsonNode g : galaxies) {
        if (!g.isObject()) {
          throw new Rejected(
              where + " Galaxy element is a JSON " + typeName(g) + ", not an object");
        }
        String type = g.path("type").asText("");
        for (JsonNode cluster : array(g, "GalaxyCluster", where + " Galaxy")) {
          String value = cluster.path("value").asText("").strip();
          if (value.isEmpty()) {
            continue;
          }
          switch (type) {
            case "threat-actor":
            case "mitre-intrusion-set":
            case "mitre-enterprise-attack-intrusion-set":
            case "microsoft-activity-group":
              actors.add(value);
              break;
            case "mitre-campaign":
            case "campaign":
              campaigns.add(value);
              break;
            case "malpedia":
            case "mitre-malware":
            case "mitre-tool":
            case "mitre-enterprise-attack-malware":
            case "mitre-enterprise-attack-tool":
            case "ransomware":
            case "tool":
            case "rat":
            case "botnet":
            case "backdoor":
              malware.add(value);
              break;
            default:
              if (type.contains("attack-pattern")) {
                attackPatterns.add(techniqueId(cluster, value));
                for (JsonNode phase : cluster.path("meta").path("kill_chain")) {
                  killChain.add(phase.asText());
                }
              }
          }
        }
      }
    }

    private static String techniqueId(JsonNode cluster, String value) {
      for (JsonNode id : cluster.path("meta").path("external_id")) {
        if (ATTACK_ID.matcher(id.asText()).matches()) {
          return id.asText();
        }
      }
      Matcher m = ATTACK_ID.matcher(value);
      return m.find() ? m.group(1) : value;
    }

    IndicatorContext build() {
      return IndicatorContext.newBuilder()
          .setThreatActors(new ArrayList<>(actors))
          .setCampaigns(new ArrayList<>(campaigns))
          .setMalware(new ArrayList<>(malware))
          .setAttackPatterns(new ArrayList<>(attackPatterns))
          .setKillChainPhases(new ArrayList<>(killChain))
          .setVulnerabilities(new ArrayList<>(vulnerabilities))
          .build();
    }
  }

  private static final class Rejected extends Exception {
    Rejected(String message) {
      super(message, null, false, false);
    }
  }

  /** Refuses networks broader than {@code limits} (default {@link BreadthLimits#DEFAULT}). */
  public MispEventReader withLimits(BreadthLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits);
    return this;
  }
}
