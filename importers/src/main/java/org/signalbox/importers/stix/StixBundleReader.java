package org.signalbox.importers.stix;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.signalbox.core.IndicatorIds;
import org.signalbox.core.Tlps;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.TlpMarkingDefinitions;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.PatternMatcher;
import org.signalbox.stix.match.StixPatternCompiler;
import org.signalbox.stix.match.StixPatternCompiler.IndexEntry;
import org.signalbox.stix.pattern.InvalidPatternException;
import org.signalbox.stix.pattern.StixPattern;

/**
 * Reads STIX 2.1 content (a bundle, a TAXII envelope {@code {"objects": [...]}}, an array of
 * objects or one object) into {@link Indicator}s with their context.
 *
 * <pre>{@code
 * StixBundleReader.Result r = new StixBundleReader().read(Path.of("bundle.json"));
 * r.indicators();  // one per valid indicator object (newest version of each id)
 * r.rejected();    // object id + reason, for every indicator that could not be used
 * }</pre>
 *
 * <ul>
 *   <li>Index kind: see {@link StixPatternCompiler}; every indicator keeps its pattern text. A
 *       pattern of several comparisons (e.g. an OR of equalities) stays one PATTERN indicator under
 *       its STIX id, so a later version or a revocation replaces it whole.
 *   <li>version = {@code modified} (fallback {@code created}) in epoch millis; validFrom = {@code
 *       valid_from} (fallback {@code created}); validUntil = {@code valid_until}.
 *   <li>confidence = {@code confidence}, or {@link #defaultConfidence} (50, the schema default and
 *       the middle of the STIX scale: unknown is neither trusted nor dismissed) when absent.
 *   <li>TLP from the standard TLP 1.0/2.0 marking-definition ids, or from a TLP marking definition
 *       in the bundle; several markings give the most restrictive. Context taken from an object
 *       marked more restrictively raises the indicator's TLP to that marking (a derived record
 *       takes the most restrictive marking of its inputs). Unmarked: {@link #defaultTlp} (AMBER,
 *       failing closed).
 *   <li>source = name of the {@code created_by_ref} identity if in the bundle, else that id, else
 *       {@link #fallbackSource}.
 *   <li>labels = {@code labels} and {@code indicator_types}.
 *   <li>context: objects related to the indicator by any relationship (indicates, based-on, ...)
 *       and, one hop further, the actors, intrusion sets, campaigns, attack patterns and
 *       vulnerabilities related to those objects (e.g. indicator indicates malware, campaign uses
 *       malware). Malware is taken only from the first hop, so a campaign's whole arsenal is not
 *       copied onto each of its indicators. Attack patterns as ATT&CK ids (fallback CAPEC id, then
 *       name); vulnerabilities as CVE ids (fallback name); kill-chain phases of the indicator and
 *       of the related attack patterns as {@code kill_chain_name:phase_name}.
 * </ul>
 */
public final class StixBundleReader {

  /**
   * Why an object could not become an indicator, and where it is: {@code line L, column C} of the
   * object in the text read, or {@code object #n} when the input came already parsed.
   */
  public record Rejection(String objectId, String reason, String where) {
    public Rejection(String objectId, String reason) {
      this(objectId, reason, null);
    }

    /** The object id (cut to 100 printable characters) and its place, for messages. */
    public String place() {
      String id = printable(objectId);
      return where == null ? id : id + " (" + where + ")";
    }
  }

  /**
   * What a bundle gave: usable indicators and rejected objects, both in bundle order; {@code lines}
   * holds, for each indicator, the line its object starts on (0 when read from a tree).
   */
  public record Result(List<Indicator> indicators, List<Rejection> rejected, List<Long> lines) {
    public Result(List<Indicator> indicators, List<Rejection> rejected) {
      this(indicators, rejected, java.util.Collections.nCopies(indicators.size(), 0L));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ATTACK_ID = Pattern.compile("T\\d{4}(\\.\\d{3})?");
  private static final Set<String> ATTACK_SOURCES =
      Set.of("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack");

  private final Tlp defaultTlp;
  private final String fallbackSource;
  private final int defaultConfidence;
  private BreadthLimits limits = BreadthLimits.DEFAULT;

  /**
   * Unmarked objects are {@link Tlps#UNMARKED} (RED), unknown producers are {@code "stix"},
   * confidence 50.
   */
  public StixBundleReader() {
    this(Tlps.UNMARKED, "stix", 50);
  }

  /**
   * @param defaultTlp marking of indicators that carry no TLP marking
   * @param fallbackSource source of indicators without {@code created_by_ref} (e.g. feed name)
   * @param defaultConfidence confidence of indicators without {@code confidence}, 0 to 100
   */
  public StixBundleReader(Tlp defaultTlp, String fallbackSource, int defaultConfidence) {
    if (defaultConfidence < 0 || defaultConfidence > 100) {
      throw new IllegalArgumentException("defaultConfidence must be 0..100");
    }
    this.defaultTlp = Objects.requireNonNull(defaultTlp);
    this.fallbackSource = Objects.requireNonNull(fallbackSource);
    this.defaultConfidence = defaultConfidence;
  }

  /** Refuses indicators broader than {@code limits} (default {@link BreadthLimits#DEFAULT}). */
  public StixBundleReader withLimits(BreadthLimits limits) {
    this.limits = Objects.requireNonNull(limits);
    return this;
  }

  /** Reads a file. @throws IOException if it cannot be read or is not STIX JSON at all */
  public Result read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    }
  }

  /** Reads a stream (not closed). @throws IOException if it is not STIX JSON at all */
  public Result read(InputStream in) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      return read(LocatedObjects.read(JSON, p));
    } catch (JsonProcessingException e) {
      throw new IOException("not valid JSON: " + e.getOriginalMessage() + locationOf(e), e);
    }
  }

  /** Reads JSON text. @throws IOException if it is not STIX JSON at all */
  public Result read(String json) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(json)) {
      return read(LocatedObjects.read(JSON, p));
    } catch (JsonProcessingException e) {
      throw new IOException("not valid JSON: " + e.getOriginalMessage() + locationOf(e), e);
    }
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private Result read(LocatedObjects located) throws IOException {
    checkShape(located.root);
    return new BundleIndex(located.objects).indicators();
  }

  /** Reads an already parsed bundle, envelope, array or object (places are object numbers). */
  public Result read(JsonNode root) throws IOException {
    checkShape(root);
    List<JsonNode> nodes = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(nodes::add);
    } else if (root.path("objects").isArray()) {
      root.path("objects").forEach(nodes::add);
    } else {
      nodes.add(root);
    }
    List<LocatedObjects.Located> objects = new ArrayList<>();
    nodes.forEach(n -> objects.add(new LocatedObjects.Located(n, null, null)));
    return new BundleIndex(objects).indicators();
  }

  private static void checkShape(JsonNode root) throws IOException {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new IOException("empty input: expected a STIX bundle");
    }
    if (!root.isArray()
        && !(root.isObject() && root.path("objects").isArray())
        && !(root.isObject() && root.has("type"))) {
      throw new IOException(
          "expected a STIX bundle, a TAXII envelope with \"objects\", or a STIX object");
    }
  }

  /** The bundle's objects by id, and its relationships, for resolving context. */
  private final class BundleIndex {
    private final Map<String, JsonNode> byId = new LinkedHashMap<>();
    private final Map<String, List<String>> neighbours = new HashMap<>();
    private final List<Rejection> rejected = new ArrayList<>();
    private final List<String> indicatorIds = new ArrayList<>();
    private final Map<JsonNode, Place> places = new IdentityHashMap<>();

    BundleIndex(List<LocatedObjects.Located> objects) {
      int position = 0;
      for (LocatedObjects.Located l : objects) {
        position++;
        JsonNode o = l.node() == null ? NullNode.getInstance() : l.node();
        String where = l.at() != null ? l.at().toString() : "object #" + position;
        String id = o.path("id").asText("");
        String type = o.path("type").asText("");
        if (!o.isObject() || id.isEmpty() || type.isEmpty()) {
          if (type.equals("indicator") || id.startsWith("indicator--")) {
            rejected.add(
                new Rejection(
                    id.isEmpty() ? "object #" + position : id,
                    "object has no id or no type",
                    where));
          }
          continue;
        }
        places.put(o, new Place(where, l.at(), l.patternAt()));
        JsonNode previous = byId.get(id);
        // Several versions of one object may share a bundle: the newest wins.
        if (previous == null) {
          byId.put(id, o);
          if (type.equals("indicator")) {
            indicatorIds.add(id);
          }
        } else if (versionText(o).compareTo(versionText(previous)) > 0) {
          byId.put(id, o);
        }
      }
      for (JsonNode o : byId.values()) {
        if (o.path("type").asText().equals("relationship")) {
          String s = o.path("source_ref").asText("");
          String t = o.path("target_ref").asText("");
          if (!s.isEmpty() && !t.isEmpty()) {
            neighbours.computeIfAbsent(s, k -> new ArrayList<>()).add(t);
            neighbours.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
          }
        }
      }
    }

    Result indicators() {
      List<Indicator> out = new ArrayList<>();
      List<Long> lines = new ArrayList<>();
      for (String id : indicatorIds) {
        JsonNode o = byId.get(id);
        Place place = places.get(o);
        try {
          out.add(indicator(o, place));
          lines.add(place.at == null ? 0L : place.at.line());
        } catch (RejectedObject e) {
          rejected.add(new Rejection(id, e.getMessage(), place.where));
        } catch (RuntimeException e) {
          rejected.add(new Rejection(id, "could not be read: " + e, place.where));
        }
      }
      return new Result(out, rejected, lines);
    }

    private Indicator indicator(JsonNode o, Place place) throws RejectedObject {
      String rawId = o.path("id").asText();
      String id;
      try {
        id = IndicatorIds.canonical(rawId);
      } catch (IllegalArgumentException e) {
        throw new RejectedObject(e.getMessage());
      }
      String patternType = o.path("pattern_type").asText("stix");
      if (!patternType.equals("stix")) {
        throw new RejectedObject("pattern_type '" + patternType + "' is not supported (only stix)");
      }
      JsonNode patternNode = o.get("pattern");
      if (patternNode == null || !patternNode.isTextual()) {
        throw new RejectedObject("indicator has no pattern");
      }
      StixPattern pattern;
      try {
        pattern = StixPattern.parse(patternNode.asText());
      } catch (InvalidPatternException e) {
        throw new RejectedObject(
            "invalid pattern: "
                + e.getMessage()
                + (place.patternAt == null
                    ? ""
                    : " (the pattern string starts at " + place.patternAt + ")"));
      }
      IndexEntry entry;
      try {
        entry = StixPatternCompiler.compile(pattern, limits);
      } catch (InvalidObservableException e) {
        throw new RejectedObject("invalid value in pattern: " + e.getMessage());
      }
      if (entry.kind() == MatchKind.PATTERN) {
        // What no matcher could run usefully is refused here, with the reason.
        String never = PatternMatcher.unmatchable(pattern, limits).orElse(null);
        if (never != null) {
          throw new RejectedObject("pattern cannot be matched: " + never);
        }
      }
      Instant created = timestamp(o, "created", false);
      Instant modified = timestamp(o, "modified", false);
      Instant version = modified != null ? modified : created;
      if (version == null) {
        throw new RejectedObject("indicator has neither modified nor created");
      }
      Instant validFrom = timestamp(o, "valid_from", false);
      if (validFrom == null) {
        validFrom = created != null ? created : version;
      }
      Instant validUntil = timestamp(o, "valid_until", false);
      if (validUntil != null && !validUntil.isAfter(validFrom)) {
        throw new RejectedObject(
            "valid_until " + validUntil + " is not later than valid_from " + validFrom);
      }
      int confidence = defaultConfidence;
      JsonNode c = o.get("confidence");
      if (c != null && !c.isNull()) {
        if (!c.isIntegralNumber() || c.asInt() < 0 || c.asInt() > 100) {
          throw new RejectedObject("confidence " + c + " is not an integer from 0 to 100");
        }
        confidence = c.asInt();
      }
      JsonNode revoked = o.path("revoked");
      Optional<Tlp> own = tlpOf(o);
      Tlp tlp = own.orElse(defaultTlp);
      ContextBuilder context = new ContextBuilder();
      addKillChain(o, context.killChainPhases);
      for (JsonNode related : contextObjects(rawId)) {
        context.add(related);
        Optional<Tlp> marking = tlpOf(related);
        if (marking.isPresent()) {
          tlp = Tlps.mostRestrictive(tlp, marking.get());
        }
      }
      Set<String> labels = new TreeSet<>();
      o.path("labels").forEach(l -> labels.add(l.asText()));
      o.path("indicator_types").forEach(l -> labels.add(l.asText()));
      return Indicator.newBuilder()
          .setId(id)
          .setVersion(version)
          .setObservableType(entry.type())
          .setValue(entry.value())
          .setMatchKind(entry.kind())
          .setPattern(pattern.text())
          .setValidFrom(validFrom)
          .setValidUntil(validUntil)
          .setRevoked(revoked.isBoolean() && revoked.asBoolean())
          .setConfidence(confidence)
          .setTlp(tlp)
          .setSource(source(o))
          .setName(o.hasNonNull("name") ? o.get("name").asText() : null)
          .setLabels(new ArrayList<>(labels))
          .setContext(context.build())
          .build();
    }

    /** First hop: everything related; second hop: actors, campaigns, techniques, CVEs. */
    private List<JsonNode> contextObjects(String indicatorId) {
      Map<String, JsonNode> found = new LinkedHashMap<>();
      for (String first : neighbours.getOrDefault(indicatorId, List.of())) {
        JsonNode n = byId.get(first);
        if (n == null || !ContextBuilder.isContext(n)) {
          continue;
        }
        found.putIfAbsent(first, n);
        for (String second : neighbours.getOrDefault(first, List.of())) {
          JsonNode m = byId.get(second);
          if (m != null && ContextBuilder.isSecondHopContext(m)) {
            found.putIfAbsent(second, m);
          }
        }
      }
      return new ArrayList<>(found.values());
    }

    private String source(JsonNode o) {
      String ref = o.path("created_by_ref").asText("");
      if (ref.isEmpty()) {
        return fallbackSource;
      }
      JsonNode identity = byId.get(ref);
      if (identity != null && identity.hasNonNull("name")) {
        return identity.get("name").asText();
      }
      return ref;
    }

    /** The most restrictive TLP among the object's markings, if any is a TLP marking. */
    private Optional<Tlp> tlpOf(JsonNode o) {
      Tlp found = null;
      for (JsonNode ref : o.path("object_marking_refs")) {
        Optional<Tlp> t = TlpMarkingDefinitions.tlpOf(ref.asText());
        if (t.isEmpty()) {
          t = tlpOfDefinition(byId.get(ref.asText()));
        }
        if (t.isPresent()) {
          found = found == null ? t.get() : Tlps.mostRestrictive(found, t.get());
        }
      }
      return Optional.ofNullable(found);
    }

    /** A non-standard-id marking definition that says it is TLP, in 2.1 or extension form. */
    private Optional<Tlp> tlpOfDefinition(JsonNode def) {
      if (def == null || !def.path("type").asText().equals("marking-definition")) {
        return Optional.empty();
      }
      try {
        if (def.path("definition_type").asText().equals("tlp")
            && def.path("definition").hasNonNull("tlp")) {
          return Optional.of(Tlps.parse(def.path("definition").path("tlp").asText()));
        }
        for (JsonNode ext : def.path("extensions")) {
          if (ext.hasNonNull("tlp_2_0")) {
            return Optional.of(Tlps.parse(ext.get("tlp_2_0").asText()));
          }
        }
        String name = def.path("name").asText("");
        if (name.regionMatches(true, 0, "TLP:", 0, 4)) {
          return Optional.of(Tlps.parse(name));
        }
      } catch (IllegalArgumentException e) {
        // An unknown colour is no TLP marking we can honour; the default then applies.
      }
      return Optional.empty();
    }
  }

  /** Where an object is: for messages, and the positions it was read at (null from a tree). */
  private record Place(
      String where, LocatedObjects.Position at, LocatedObjects.Position patternAt) {}

  /** Text fit for a message line: control characters replaced, at most 100 characters. */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > 100 ? b + "..." : b.toString();
  }

  /** Collects context values, sorted and without duplicates. */
  private static final class ContextBuilder {
    final Set<String> actors = new TreeSet<>();
    final Set<String> campaigns = new TreeSet<>();
    final Set<String> malware = new TreeSet<>();
    final Set<String> attackPatterns = new TreeSet<>();
    final Set<String> killChainPhases = new TreeSet<>();
    final Set<String> vulnerabilities = new TreeSet<>();

    static boolean isContext(JsonNode o) {
      switch (o.path("type").asText()) {
        case "threat-actor":
        case "intrusion-set":
        case "campaign":
        case "malware":
        case "attack-pattern":
        case "vulnerability":
          return true;
        default:
          return false;
      }
    }

    static boolean isSecondHopContext(JsonNode o) {
      return isContext(o) && !o.path("type").asText().equals("malware");
    }

    void add(JsonNode o) {
      String name = o.path("name").asText("");
      switch (o.path("type").asText()) {
        case "threat-actor":
        case "intrusion-set":
          addIfPresent(actors, name);
          break;
        case "campaign":
          addIfPresent(campaigns, name);
          break;
        case "malware":
          addIfPresent(malware, name);
          break;
        case "attack-pattern":
          addIfPresent(attackPatterns, attackPatternId(o, name));
          addKillChain(o, killChainPhases);
          break;
        case "vulnerability":
          addIfPresent(vulnerabilities, cveId(o, name));
          break;
        default:
          break;
      }
    }

    private static String attackPatternId(JsonNode o, String name) {
      String capec = null;
      for (JsonNode ref : o.path("external_references")) {
        String source = ref.path("source_name").asText("");
        String external = ref.path("external_id").asText("");
        if (ATTACK_SOURCES.contains(source) && ATTACK_ID.matcher(external).matches()) {
          return external;
        }
        if (source.equals("capec") && !external.isEmpty() && capec == null) {
          capec = external;
        }
      }
      return capec != null ? capec : name;
    }

    private static String cveId(JsonNode o, String name) {
      for (JsonNode ref : o.path("external_references")) {
        String external = ref.path("external_id").asText("");
        if (ref.path("source_name").asText("").equals("cve") && !external.isEmpty()) {
          return external;
        }
      }
      return name;
    }

    private static void addIfPresent(Set<String> set, String value) {
      if (value != null && !value.isBlank()) {
        set.add(value.strip());
      }
    }

    IndicatorContext build() {
      return IndicatorContext.newBuilder()
          .setThreatActors(new ArrayList<>(actors))
          .setCampaigns(new ArrayList<>(campaigns))
          .setMalware(new ArrayList<>(malware))
          .setAttackPatterns(new ArrayList<>(attackPatterns))
          .setKillChainPhases(new ArrayList<>(killChainPhases))
          .setVulnerabilities(new ArrayList<>(vulnerabilities))
          .build();
    }
  }

  private static void addKillChain(JsonNode o, Set<String> into) {
    for (JsonNode p : o.path("kill_chain_phases")) {
      String chain = p.path("kill_chain_name").asText("");
      String phase = p.path("phase_name").asText("");
      if (!chain.isEmpty() && !phase.isEmpty()) {
        into.add(chain + ":" + phase);
      }
    }
  }

  private static String versionText(JsonNode o) {
    // RFC 3339 UTC timestamps of one producer compare correctly as text, which avoids failing
    // here on a malformed one (that is reported when the indicator itself is read).
    return o.path("modified").asText(o.path("created").asText(""));
  }

  private static Instant timestamp(JsonNode o, String field, boolean required)
      throws RejectedObject {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new RejectedObject("missing " + field);
      }
      return null;
    }
    String text = n.asText();
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new RejectedObject(field + " '" + text + "' is not an RFC 3339 timestamp");
    }
  }

  /** Internal signal that one object is unusable; becomes a {@link Rejection}. */
  private static final class RejectedObject extends Exception {
    RejectedObject(String message) {
      super(message, null, false, false);
    }
  }
}
