package org.signalbox.edge.sanitize;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.signalbox.core.Tlps;
import org.signalbox.edge.anonymize.CidrRanges;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.Tlp;

/**
 * A member's sanitization policy, read from YAML (format in {@code edge/EDGE.md}). Unknown keys are
 * errors, so a misspelt setting can never silently fall back to a default.
 */
public final class SanitizationPolicy {
  public String id;
  public String version;

  /**
   * Marking of every event this edge sends; a policy that names none sends {@link Tlps#UNMARKED}
   * (RED: back to the member only), so sharing is always the member's explicit choice.
   */
  public Tlp tlp = Tlps.UNMARKED;

  /** Key file, relative to the policy file; the command line can override it. */
  public String keyFile;

  public Internal internal = new Internal();
  public Urls urls = new Urls();
  public Pii pii = new Pii();
  public Observables observables = new Observables();

  /** Allowlist of non-observable fields: glob (a trailing '*' matches any rest) to action. */
  public Map<String, FieldAction> attributes = new LinkedHashMap<>();

  /** Longest attribute value kept, in characters, after redaction; longer text is cut. */
  public int maxTextLength = 1024;

  public static final class Internal {
    public List<String> networks = new ArrayList<>(CidrRanges.PRIVATE_AND_LOCAL);

    /**
     * DNS suffixes of internal names; "corp.example" covers "corp.example" and "*.corp.example".
     */
    public List<String> domains = new ArrayList<>(List.of("local", "lan", "internal", "home.arpa"));

    /** Single-label names ("fileserver") exist only inside a network. */
    public boolean singleLabelNames = true;

    /** A DNS query answered with an internal address names an internal host. */
    public boolean namesResolvingInternally = true;
  }

  public static final class Urls {
    /**
     * Query parameter names removed (compared without case and separators), in addition to the
     * built-in credential and identifier patterns, which always apply (see UrlScrubber).
     */
    public List<String> dropQueryParameters =
        new ArrayList<>(
            List.of(
                "sid",
                "session",
                "sessionid",
                "session_id",
                "phpsessid",
                "jsessionid",
                "token",
                "access_token",
                "id_token",
                "auth",
                "key",
                "apikey",
                "api_key",
                "password",
                "pass",
                "pwd",
                "user",
                "userid",
                "user_id",
                "uid",
                "username",
                "email",
                "login",
                "code",
                "state",
                "signature",
                "sig"));

    public boolean dropAllQueries = false;
    public boolean dropFragments = true;
  }

  public static final class Pii {
    public boolean emails = true;
    public boolean phones = true;
    public boolean cards = true;

    /**
     * redact: every address in free text becomes [IP]; anonymize: internal ones get Crypto-PAn,
     * external stay.
     */
    public String ipAddresses = "redact";
  }

  public static final class Observables {
    /** Roles passed as observables; empty means all. */
    public List<ObservableRole> roles = new ArrayList<>();

    /** Observable fields (globs) never passed. */
    public List<String> excludeFields = new ArrayList<>();
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);

  /**
   * @throws IllegalArgumentException with the file, line and column of the fault
   */
  public static SanitizationPolicy load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  public static SanitizationPolicy read(InputStream in, String name) throws IOException {
    SanitizationPolicy p;
    try {
      p = YAML.readValue(in, SanitizationPolicy.class);
    } catch (JsonMappingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(
          "policy " + name + where + ": " + e.getOriginalMessage(), e);
    }
    if (p == null) {
      throw new IllegalArgumentException("policy " + name + " is empty");
    }
    p.validate(name);
    return p;
  }

  /** The policy used when a member gives none (see EDGE.md). */
  public static SanitizationPolicy defaultPolicy() {
    try (InputStream in =
        SanitizationPolicy.class.getResourceAsStream("/org/signalbox/edge/default-policy.yaml")) {
      return read(in, "default-policy.yaml");
    } catch (IOException e) {
      throw new IllegalStateException("default policy missing from the class path", e);
    }
  }

  void validate(String name) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("policy " + name + " has no 'id'");
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("policy " + name + " has no 'version'");
    }
    try {
      CidrRanges.parse(internal.networks);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "policy " + name + ", internal.networks: " + e.getMessage());
    }
    for (String d : internal.domains) {
      if (d.isBlank() || d.contains(" ")) {
        throw new IllegalArgumentException(
            "policy " + name + ", internal.domains: bad entry '" + d + "'");
      }
    }
    String ip = pii.ipAddresses.toLowerCase(Locale.ROOT);
    if (!ip.equals("redact") && !ip.equals("anonymize")) {
      throw new IllegalArgumentException(
          "policy "
              + name
              + ", pii.ipAddresses: '"
              + pii.ipAddresses
              + "' is not redact or anonymize");
    }
    for (String glob : attributes.keySet()) {
      if (!validGlob(glob)) {
        throw new IllegalArgumentException(
            "policy "
                + name
                + ", attributes: '"
                + glob
                + "' may have one '*', at its start or end");
      }
      if (attributes.get(glob) == null) {
        throw new IllegalArgumentException(
            "policy " + name + ", attributes: '" + glob + "' has no action");
      }
    }
    if (maxTextLength < 16) {
      throw new IllegalArgumentException("policy " + name + ", maxTextLength below 16");
    }
  }

  /**
   * The action for a field, or null when the allowlist does not name it. An exact name wins over a
   * glob; among globs the longest wins.
   */
  public FieldAction actionFor(String field) {
    FieldAction exact = attributes.get(field);
    if (exact != null) {
      return exact;
    }
    FieldAction best = null;
    int bestLen = -1;
    for (Map.Entry<String, FieldAction> e : attributes.entrySet()) {
      String g = e.getKey();
      if (g.length() > bestLen && g.indexOf('*') >= 0 && globMatches(g, field)) {
        best = e.getValue();
        bestLen = g.length();
      }
    }
    return best;
  }

  /** True when the allowlist names {@code field} itself, not through a glob. */
  public boolean namesExactly(String field) {
    return attributes.containsKey(field);
  }

  static boolean validGlob(String g) {
    int star = g.indexOf('*');
    return !g.isEmpty()
        && (star < 0 || (g.lastIndexOf('*') == star && (star == 0 || star == g.length() - 1)));
  }

  static boolean globMatches(String g, String field) {
    if (g.endsWith("*")) {
      return field.startsWith(g.substring(0, g.length() - 1));
    }
    if (g.startsWith("*")) {
      return field.endsWith(g.substring(1));
    }
    return field.equals(g);
  }

  static boolean globMatches(List<String> globs, String field) {
    for (String g : globs) {
      if (globMatches(g, field)) {
        return true;
      }
    }
    return false;
  }
}
