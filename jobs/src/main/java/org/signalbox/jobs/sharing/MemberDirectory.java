package org.signalbox.jobs.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.signalbox.schema.Sector;

/**
 * Who the ISAC's members are: the one place that says which member ids exist, their sector, the
 * sharing groups they belong to, whether they opted in to being named in shared output, and how
 * many records a day their team can absorb. Loaded from a YAML file ({@link #toYaml()} writes one;
 * the demo's is deploy/members/example-members.yaml):
 *
 * <pre>
 * secretariat: isac-secretariat      # indicator source name of the ISAC office
 * partners: [national-cert]          # organisations the ISAC names into the community
 * members:
 *   - id: rail-operator-a
 *     sector: rail
 *     groups: [rail, high-speed]
 *     attribution: false             # opt-in to be named instead of pseudonymised
 *     dailyCapacity: 200             # records a day the team can absorb (optional)
 * </pre>
 *
 * Immutable and serializable, so Flink functions carry it into their tasks.
 */
public final class MemberDirectory implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Member ids are topic suffixes ({@code telemetry.<id>}, {@code feed.member.<id>}). */
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private static final Set<String> TOP_KEYS = Set.of("secretariat", "partners", "members");
  private static final Set<String> MEMBER_KEYS =
      Set.of("id", "sector", "groups", "attribution", "dailyCapacity");

  /** One member organisation. {@code dailyCapacity} is 0 when not declared. */
  public record Member(
      String id, Sector sector, Set<String> groups, boolean attribution, long dailyCapacity)
      implements Serializable {
    public Member {
      groups = Collections.unmodifiableSet(new TreeSet<>(groups));
    }

    public OptionalLong capacity() {
      return dailyCapacity > 0 ? OptionalLong.of(dailyCapacity) : OptionalLong.empty();
    }
  }

  private final String secretariat;
  private final Set<String> partners;
  private final Map<String, Member> members;

  public MemberDirectory(String secretariat, Set<String> partners, List<Member> members) {
    this.secretariat = secretariat;
    this.partners = Collections.unmodifiableSet(new TreeSet<>(partners));
    Map<String, Member> byId = new LinkedHashMap<>();
    for (Member m : members) {
      if (byId.put(m.id(), m) != null) {
        throw new IllegalArgumentException("member " + m.id() + " is listed twice");
      }
    }
    this.members = Collections.unmodifiableMap(byId);
  }

  /** Whether a name could be a member, partner or group id of a directory file. */
  public static boolean isValidId(String name) {
    return name != null && ID.matcher(name).matches();
  }

  /** The indicator source name of the secretariat (allowed to change anyone's indicators). */
  public String secretariat() {
    return secretariat;
  }

  /**
   * The secretariat's indicator source name for a job or service that was also given an explicit
   * setting of it: the directory's {@code secretariat} entry is the one place it is named, so a
   * setting may repeat it but not contradict it (two names would let a source the directory does
   * not know as the secretariat change anyone's indicators, or refuse the real one's changes).
   *
   * @param explicit the setting, or null when it was not set
   * @param setting its name, for the message
   * @throws IllegalArgumentException when the setting disagrees with the directory, saying both
   */
  public String secretariatSource(String explicit, String setting) {
    if (explicit != null && !explicit.equals(secretariat)) {
      throw new IllegalArgumentException(
          setting
              + " is '"
              + explicit
              + "' but the member directory names the secretariat '"
              + secretariat
              + "'; the directory's 'secretariat' entry is the secretariat's source name: remove "
              + setting
              + " or make it agree");
    }
    return secretariat;
  }

  public Set<String> partners() {
    return partners;
  }

  public boolean contains(String memberId) {
    return memberId != null && members.containsKey(memberId);
  }

  public Optional<Member> member(String memberId) {
    return Optional.ofNullable(memberId == null ? null : members.get(memberId));
  }

  /** Members in the order of the file. */
  public List<Member> members() {
    return List.copyOf(members.values());
  }

  /** Whether the member opted in to be named in shared output. Unknown ids never are. */
  public boolean attributed(String memberId) {
    Member m = memberId == null ? null : members.get(memberId);
    return m != null && m.attribution();
  }

  /** Members of a sharing group, sorted. */
  public Set<String> membersOf(String group) {
    Set<String> out = new TreeSet<>();
    for (Member m : members.values()) {
      if (m.groups().contains(group)) {
        out.add(m.id());
      }
    }
    return out;
  }

  /**
   * The members a record sent to these feeds reaches: a member feed its member, a group feed the
   * group's members, the community and public feeds every member (partners are not members and are
   * not counted). Members the directory does not list are left out. Sorted.
   */
  public Set<String> readersOf(Set<Audience> audiences) {
    Set<String> out = new TreeSet<>();
    for (Audience a : audiences) {
      switch (a.kind()) {
        case MEMBER -> {
          if (members.containsKey(a.name())) {
            out.add(a.name());
          }
        }
        case GROUP -> out.addAll(membersOf(a.name()));
        case COMMUNITY, PUBLIC -> out.addAll(members.keySet());
      }
    }
    return out;
  }

  /** Every group any member belongs to, sorted. */
  public Set<String> groups() {
    Set<String> out = new TreeSet<>();
    members.values().forEach(m -> out.addAll(m.groups()));
    return out;
  }

  /**
   * The directory as a YAML file in the format {@link #load} reads, with a comment per field, so
   * that a written directory (the demo's) is an example people can copy and edit. Names YAML would
   * read as something else (yes, no, null, numbers) are quoted.
   */
  public String toYaml() {
    StringBuilder y = new StringBuilder();
    y.append("# Signalbox member directory: who the ISAC's members are.\n");
    y.append(
        "# Read by the campaign job (sharing.members, signalbox campaigns --members FILE) and\n");
    y.append("# by signalbox pseudonyms resolve. A member id is the suffix of its topics\n");
    y.append("# (telemetry.<id>, feedback.<id>, feed.member.<id>).\n");
    y.append("secretariat: ")
        .append(scalar(secretariat))
        .append("   # indicator source name of the ISAC office\n");
    y.append("partners: ")
        .append(flowList(partners))
        .append("   # organisations the ISAC names into the community\n");
    if (members.isEmpty()) {
      y.append("members: []\n");
      return y.toString();
    }
    y.append("members:\n");
    boolean first = true;
    for (Member m : members.values()) {
      // The first entry explains its fields; the rest stay short enough to scan.
      y.append("  - id: ").append(scalar(m.id())).append('\n');
      y.append("    sector: ").append(m.sector().name().toLowerCase(java.util.Locale.ROOT));
      y.append(first ? "   # rail, aviation, airport, logistics, maritime, road, ...\n" : "\n");
      y.append("    groups: ").append(flowList(m.groups()));
      y.append(first ? "   # sharing groups, each with a feed: feed.group.<name>\n" : "\n");
      y.append("    attribution: ").append(m.attribution());
      y.append(
          first
              ? "   # true: named in shared output; false: a pseudonym outside its own feed\n"
              : "\n");
      if (m.dailyCapacity() > 0) {
        y.append("    dailyCapacity: ").append(m.dailyCapacity());
        y.append(first ? "   # records a day its team can absorb (optional)\n" : "\n");
      }
      first = false;
    }
    return y.toString();
  }

  /** Writes {@link #toYaml()} to a file, replacing it. */
  public void write(Path file) throws IOException {
    Files.writeString(file, toYaml());
  }

  private static final Pattern PLAIN = Pattern.compile("[a-z][a-z0-9._-]*");
  private static final Set<String> YAML_WORDS =
      Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf");

  private static String scalar(String name) {
    return PLAIN.matcher(name).matches() && !YAML_WORDS.contains(name) ? name : "'" + name + "'";
  }

  private static String flowList(Set<String> names) {
    StringBuilder b = new StringBuilder("[");
    for (String n : names) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(scalar(n));
    }
    return b.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberDirectory d
        && d.secretariat.equals(secretariat)
        && d.partners.equals(partners)
        && d.members().equals(members());
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(secretariat, partners, members);
  }

  /**
   * Reads a directory file.
   *
   * @throws IllegalArgumentException naming the file and the place of the fault ({@code
   *     members[2].sector: ...}) when the file is not a valid directory
   */
  public static MemberDirectory load(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + ": not valid YAML at line " + e.getLocation().getLineNr() + ": " + e.getMessage(),
          e);
    }
    try {
      return parse(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The directory a YAML tree describes; faults are reported with their place. */
  public static MemberDirectory parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "expected a mapping with 'secretariat', 'partners' and 'members'");
    }
    unknownKeys(root, TOP_KEYS, "");
    String secretariat = text(root, "secretariat", "secretariat", "secretariat");
    Set<String> partners = new TreeSet<>();
    JsonNode p = root.path("partners");
    if (!p.isMissingNode() && !p.isNull()) {
      if (!p.isArray()) {
        throw new IllegalArgumentException("partners: expected a list of organisation names");
      }
      for (int i = 0; i < p.size(); i++) {
        partners.add(id(p.get(i), "partners[" + i + "]"));
      }
    }
    JsonNode list = root.path("members");
    if (!list.isArray()) {
      throw new IllegalArgumentException("members: expected a list of members");
    }
    List<Member> members = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "members[" + i + "]";
      JsonNode n = list.get(i);
      if (!n.isObject()) {
        throw new IllegalArgumentException(at + ": expected a mapping with id and sector");
      }
      unknownKeys(n, MEMBER_KEYS, at + ".");
      String id = id(n.get("id"), at + ".id");
      if (!seen.add(id)) {
        throw new IllegalArgumentException(at + ".id: member " + id + " is listed twice");
      }
      Sector sector = sector(n.get("sector"), at + ".sector");
      Set<String> groups = new TreeSet<>();
      JsonNode g = n.path("groups");
      if (!g.isMissingNode() && !g.isNull()) {
        if (!g.isArray()) {
          throw new IllegalArgumentException(at + ".groups: expected a list of group names");
        }
        for (int j = 0; j < g.size(); j++) {
          groups.add(id(g.get(j), at + ".groups[" + j + "]"));
        }
      }
      JsonNode a = n.path("attribution");
      if (!a.isMissingNode() && !a.isBoolean()) {
        throw new IllegalArgumentException(at + ".attribution: expected true or false");
      }
      JsonNode c = n.path("dailyCapacity");
      long capacity = 0;
      if (!c.isMissingNode() && !c.isNull()) {
        if (!c.canConvertToLong() || !c.isIntegralNumber() || c.asLong() <= 0) {
          throw new IllegalArgumentException(
              at + ".dailyCapacity: expected a positive whole number of records a day");
        }
        capacity = c.asLong();
      }
      members.add(new Member(id, sector, groups, a.asBoolean(false), capacity));
    }
    return new MemberDirectory(secretariat, partners, members);
  }

  private static void unknownKeys(JsonNode n, Set<String> allowed, String at) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(
            at + k + ": unknown key (expected one of " + new TreeSet<>(allowed) + ")");
      }
    }
  }

  private static String text(JsonNode root, String key, String at, String fallback) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    return id(n, at);
  }

  private static String id(JsonNode n, String at) {
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException(at + ": expected a name");
    }
    String s = n.asText();
    if (!ID.matcher(s).matches()) {
      throw new IllegalArgumentException(
          at
              + ": '"
              + s
              + "' is not a valid name (lower-case letters, digits, '.', '_', '-'; at most 100)");
    }
    return s;
  }

  private static Sector sector(JsonNode n, String at) {
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException(
          at + ": expected one of " + Arrays.toString(Sector.values()).toLowerCase());
    }
    try {
      return Sector.valueOf(n.asText().trim().toUpperCase().replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          at
              + ": unknown sector '"
              + n.asText()
              + "', expected one of "
              + Arrays.toString(Sector.values()).toLowerCase());
    }
  }
}
