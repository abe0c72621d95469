package org.signalbox.jobs.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.signalbox.schema.DigestPeriod;
import org.signalbox.topics.SignalboxTopics;

/**
 * The Kafka ACLs that make the sharing model hold at the broker, derived from the member directory.
 *
 * <p>The jobs trust topics as proof of identity: telemetry read from {@code telemetry.<m>} and a
 * verdict read from {@code feedback.<m>} are member m's because only m can write there; and the
 * router's guarantee that a record reaches only its audiences holds only if nobody but that
 * audience can read the feed. So each member principal {@code User:<prefix><member id>} gets:
 *
 * <ul>
 *   <li>WRITE and DESCRIBE on its own telemetry and feedback topics (LITERAL);
 *   <li>READ and DESCRIBE on the feed of each audience it belongs to (its own {@code
 *       feed.member.<id>}, {@code feed.group.<g>} of its groups, {@code feed.community}, {@code
 *       feed.public}) and on their hourly and daily digest topics (LITERAL);
 *   <li>READ on consumer groups whose id starts with {@code <member id>.} (PREFIXED): its consumers
 *       must use such group ids, and cannot join, reset or read another member's groups.
 * </ul>
 *
 * <p>Partners the directory names read the community and public feeds (and digests) the same way,
 * with their own group prefix. The jobs, the gateway, the importer and the secretariat log in as
 * the {@link ServiceAccount service accounts}, each granted what its code reads and writes with the
 * default topic names, consumer groups and transactional ids, and nothing else. Nothing else is
 * granted to anyone: no wildcard, no cluster operation, no CREATE except the feed topics the
 * campaign job makes when a new audience first gets a record; DESCRIBE is implied by READ and WRITE
 * in Kafka's authorizer but is listed, as {@code kafka-acls --producer/--consumer} do, so the
 * bindings say what a client does.
 *
 * <p>Topic names come from the routers' own naming ({@link Audience#topic()}, {@link
 * SignalboxTopics#digestTopic}, {@link SignalboxTopics#telemetryTopic}, {@link
 * SignalboxTopics#feedbackTopic}) and audiences from {@link MemberDirectory#readersOf}, the rule
 * the trends job counts readers by, so the ACLs cannot drift from what the jobs write.
 */
public final class MemberAcls {

  /** Principals are {@code User:<member id>} unless a prefix is given. */
  public static final String DEFAULT_PRINCIPAL_PREFIX = "";

  /** Bindings sorted by principal, resource type, pattern type, resource name, operation. */
  public static final Comparator<AclBinding> ORDER =
      Comparator.comparing((AclBinding b) -> b.entry().principal())
          .thenComparing(b -> b.pattern().resourceType())
          .thenComparing(b -> b.pattern().patternType())
          .thenComparing(b -> b.pattern().name())
          .thenComparing(b -> b.entry().operation())
          .thenComparing(b -> b.entry().permissionType())
          .thenComparing(b -> b.entry().host());

  private static final String ANY_HOST = "*";

  /**
   * The principals the Signalbox services log in as, {@code User:<name>} (never prefixed), and what
   * each may do. Topic names, consumer group ids and transactional id prefixes are the defaults of
   * the jobs' options ({@code correlate.group-id}, which is also the transactional id prefix of the
   * job's exactly-once sinks, and so on) and of the commands: a deployment that renames them must
   * grant the renamed resources itself. Consumer groups and transactional ids are PREFIXED because
   * each source and sink adds its own suffix ({@code signalbox-correlate} and {@code
   * signalbox-correlate-indicators}; {@code signalbox-correlate-sightings-0-12}).
   */
  public enum ServiceAccount {
    /**
     * The correlate job: reads every member's telemetry and the indicators; writes sightings, dead
     * letters and the indicator audit, in transactions.
     */
    CORRELATE("correlate", "signalbox-correlate"),
    /**
     * The campaign job: reads sightings and every member's feedback; writes indicator scores,
     * campaign alerts, dead letters and the feeds, and creates a feed topic when its audience first
     * gets a record (FeedTopicProvisioner).
     */
    CAMPAIGNS("campaigns", "signalbox-campaigns"),
    /** The trends job: reads sightings, indicators, campaign alerts and feedback; writes trends. */
    TRENDS("trends", "signalbox-trends"),
    /**
     * The TAXII gateway: reads every feed and digest (it serves each member only its own, after its
     * own login) and the indicators. Partitions are assigned, so it needs no consumer group.
     */
    GATEWAY("gateway", null),
    /** {@code signalbox indicators import}: writes the indicators topic, nothing else. */
    IMPORTER("importer", null),
    /**
     * The ISAC office: reads the trends and the raw campaign alerts ({@code signalbox report
     * --kafka}), with consumer groups {@code secretariat.*} if it uses any.
     */
    SECRETARIAT("secretariat", null);

    private final String user;
    private final String jobGroup;

    ServiceAccount(String user, String jobGroup) {
      this.user = user;
      this.jobGroup = jobGroup;
    }

    /** The Kafka user name, e.g. {@code correlate}. */
    public String user() {
      return user;
    }

    /** The principal, e.g. {@code User:correlate}. */
    public String principal() {
      return MemberAcls.principal("", user);
    }

    /** What this account may do, in {@link #ORDER}. */
    public List<AclBinding> bindings() {
      Set<AclBinding> out = new TreeSet<>(ORDER);
      String p = principal();
      switch (this) {
        case CORRELATE -> {
          readPrefixed(out, p, SignalboxTopics.TELEMETRY_PREFIX);
          read(out, p, SignalboxTopics.INDICATORS);
          write(
              out,
              p,
              SignalboxTopics.SIGHTINGS,
              SignalboxTopics.DEAD_LETTER,
              SignalboxTopics.INDICATOR_AUDIT);
        }
        case CAMPAIGNS -> {
          read(out, p, SignalboxTopics.SIGHTINGS);
          readPrefixed(out, p, SignalboxTopics.FEEDBACK_PREFIX);
          write(
              out,
              p,
              SignalboxTopics.INDICATOR_SCORES,
              SignalboxTopics.CAMPAIGN_ALERTS,
              SignalboxTopics.DEAD_LETTER);
          for (AclOperation op :
              List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
            out.add(
                binding(
                    p, ResourceType.TOPIC, SignalboxTopics.FEED_PREFIX, PatternType.PREFIXED, op));
          }
        }
        case TRENDS -> {
          read(
              out,
              p,
              SignalboxTopics.SIGHTINGS,
              SignalboxTopics.INDICATORS,
              SignalboxTopics.CAMPAIGN_ALERTS);
          readPrefixed(out, p, SignalboxTopics.FEEDBACK_PREFIX);
          write(out, p, SignalboxTopics.TRENDS, SignalboxTopics.DEAD_LETTER);
        }
        case GATEWAY -> {
          readPrefixed(out, p, SignalboxTopics.FEED_PREFIX);
          read(out, p, SignalboxTopics.INDICATORS);
        }
        case IMPORTER -> write(out, p, SignalboxTopics.INDICATORS);
        case SECRETARIAT -> {
          read(out, p, SignalboxTopics.TRENDS, SignalboxTopics.CAMPAIGN_ALERTS);
          out.add(groupBinding(p, user));
        }
      }
      if (jobGroup != null) {
        // The job's sources commit offsets in groups named after its group id; its exactly-once
        // sinks use the same id as their transactional id prefix (KafkaSinkOptions).
        out.add(binding(p, ResourceType.GROUP, jobGroup, PatternType.PREFIXED, AclOperation.READ));
        for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
          out.add(binding(p, ResourceType.TRANSACTIONAL_ID, jobGroup, PatternType.PREFIXED, op));
        }
      }
      return new ArrayList<>(out);
    }

    /** The account with this user name, if any. */
    public static java.util.Optional<ServiceAccount> ofUser(String user) {
      for (ServiceAccount a : values()) {
        if (a.user.equals(user)) {
          return java.util.Optional.of(a);
        }
      }
      return java.util.Optional.empty();
    }

    private static void read(Set<AclBinding> out, String principal, String... topics) {
      for (String t : topics) {
        out.add(topicBinding(principal, t, AclOperation.READ));
        out.add(topicBinding(principal, t, AclOperation.DESCRIBE));
      }
    }

    private static void readPrefixed(Set<AclBinding> out, String principal, String prefix) {
      for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
        out.add(binding(principal, ResourceType.TOPIC, prefix, PatternType.PREFIXED, op));
      }
    }

    private static void write(Set<AclBinding> out, String principal, String... topics) {
      for (String t : topics) {
        out.add(topicBinding(principal, t, AclOperation.WRITE));
        out.add(topicBinding(principal, t, AclOperation.DESCRIBE));
      }
    }
  }

  private final String principalPrefix;
  private final List<AclBinding> bindings;

  private MemberAcls(String principalPrefix, List<AclBinding> bindings) {
    this.principalPrefix = principalPrefix;
    this.bindings = List.copyOf(bindings);
  }

  /** The plan for a directory with principals {@code User:<member id>}. */
  public static MemberAcls plan(MemberDirectory directory) {
    return plan(directory, DEFAULT_PRINCIPAL_PREFIX);
  }

  /**
   * The plan for a directory.
   *
   * @param principalPrefix put before each member or partner id to make its principal name, e.g.
   *     {@code member-} for {@code User:member-rail-a}; empty for {@code User:rail-a}
   */
  public static MemberAcls plan(MemberDirectory directory, String principalPrefix) {
    if (principalPrefix == null
        || principalPrefix.chars().anyMatch(c -> Character.isWhitespace(c) || c == ':')) {
      throw new IllegalArgumentException(
          "principal prefix must not contain white space or ':': '" + principalPrefix + "'");
    }
    Set<AclBinding> out = new TreeSet<>(ORDER);
    Set<String> services = new TreeSet<>();
    for (ServiceAccount a : ServiceAccount.values()) {
      services.add(a.principal());
      out.addAll(a.bindings());
    }
    List<String> ids = new ArrayList<>();
    directory.members().forEach(m -> ids.add(m.id()));
    ids.addAll(directory.partners());
    for (String id : ids) {
      if (services.contains(principal(principalPrefix, id))) {
        throw new IllegalArgumentException(
            "member or partner '"
                + id
                + "' would log in as "
                + principal(principalPrefix, id)
                + ", the principal of a Signalbox service account; rename it or use a principal"
                + " prefix (--principal-prefix)");
      }
    }
    for (MemberDirectory.Member m : directory.members()) {
      String principal = principal(principalPrefix, m.id());
      for (String topic :
          List.of(SignalboxTopics.telemetryTopic(m.id()), SignalboxTopics.feedbackTopic(m.id()))) {
        out.add(topicBinding(principal, topic, AclOperation.WRITE));
        out.add(topicBinding(principal, topic, AclOperation.DESCRIBE));
      }
      for (Audience a : audiencesOf(directory, m.id())) {
        addReader(out, principal, a);
      }
      out.add(groupBinding(principal, m.id()));
    }
    // The community is all members and the partners the ISAC names; public is anyone. Partners
    // are not members (readersOf leaves them out so counts stay member counts), so they are
    // listed here rather than derived.
    for (String partner : directory.partners()) {
      String principal = principal(principalPrefix, partner);
      addReader(out, principal, Audience.COMMUNITY);
      addReader(out, principal, Audience.PUBLIC);
      out.add(groupBinding(principal, partner));
    }
    return new MemberAcls(principalPrefix, new ArrayList<>(out));
  }

  /** The audiences whose feeds a member reads, by the directory's own reader rule; sorted. */
  static Set<Audience> audiencesOf(MemberDirectory directory, String memberId) {
    Set<Audience> candidates = new TreeSet<>();
    candidates.add(Audience.member(memberId));
    directory.groups().forEach(g -> candidates.add(Audience.group(g)));
    candidates.add(Audience.COMMUNITY);
    candidates.add(Audience.PUBLIC);
    Set<Audience> out = new TreeSet<>();
    for (Audience a : candidates) {
      if (directory.readersOf(Set.of(a)).contains(memberId)) {
        out.add(a);
      }
    }
    return out;
  }

  /** A feed and its digests, as the sharing router and the digest builder name them. */
  private static void addReader(Set<AclBinding> out, String principal, Audience audience) {
    List<String> topics = new ArrayList<>();
    topics.add(audience.topic());
    for (DigestPeriod p : DigestPeriod.values()) {
      topics.add(SignalboxTopics.digestTopic(audience.toString(), p.name()));
    }
    for (String topic : topics) {
      out.add(topicBinding(principal, topic, AclOperation.READ));
      out.add(topicBinding(principal, topic, AclOperation.DESCRIBE));
    }
  }

  private static AclBinding topicBinding(String principal, String topic, AclOperation op) {
    return binding(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, op);
  }

  private static AclBinding binding(
      String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, ANY_HOST, op, AclPermissionType.ALLOW));
  }

  private static AclBinding groupBinding(String principal, String id) {
    return new AclBinding(
        new ResourcePattern(ResourceType.GROUP, consumerGroupPrefix(id), PatternType.PREFIXED),
        new AccessControlEntry(principal, ANY_HOST, AclOperation.READ, AclPermissionType.ALLOW));
  }

  private static String principal(String prefix, String id) {
    return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, prefix + id).toString();
  }

  /**
   * The start every consumer group id of a member or partner must have, e.g. {@code rail-a.} (so
   * {@code rail-a.soc-feed} is rail-a's, and a member {@code rail-ab} cannot use it).
   */
  public static String consumerGroupPrefix(String id) {
    return id + ".";
  }

  /** The principal of a member or partner id, e.g. {@code User:rail-a}. */
  public String principal(String id) {
    return principal(principalPrefix, id);
  }

  public String principalPrefix() {
    return principalPrefix;
  }

  /** Every binding of the plan, in {@link #ORDER}, without duplicates. */
  public List<AclBinding> bindings() {
    return bindings;
  }

  /**
   * Whether a binding is of a kind this plan manages, so that one not in the plan is stale and may
   * be removed: an ALLOW for any host, to a {@code User:} principal of the prefix whose rest is a
   * valid member id (not the wildcard {@code User:*}), that is either WRITE or DESCRIBE on a
   * LITERAL telemetry or feedback topic, READ or DESCRIBE on a LITERAL feed topic, or READ on the
   * PREFIXED consumer groups of that same id. Anything else (DENY rules, other principals, other
   * topics) is left alone. Every ALLOW (any host) of a {@link ServiceAccount} is managed: the plan
   * lists all that such an account may do.
   *
   * <p>With the default empty prefix every {@code User:} principal is of the prefix: a service
   * account that holds LITERAL grants of these shapes (say, a gateway reading {@code
   * feed.member.x}) would be taken for a member. Give such accounts PREFIXED grants, or run with a
   * principal prefix.
   */
  public boolean manages(AclBinding binding) {
    AccessControlEntry e = binding.entry();
    if (e.permissionType() != AclPermissionType.ALLOW || !ANY_HOST.equals(e.host())) {
      return false;
    }
    if (e.principal() != null
        && java.util.Arrays.stream(ServiceAccount.values())
            .anyMatch(a -> a.principal().equals(e.principal()))) {
      // The plan owns the service accounts outright: any grant it does not list is removed.
      return true;
    }
    String userPrefix = KafkaPrincipal.USER_TYPE + ":" + principalPrefix;
    if (e.principal() == null || !e.principal().startsWith(userPrefix)) {
      return false;
    }
    String id = e.principal().substring(userPrefix.length());
    if (!MemberDirectory.isValidId(id)) {
      return false;
    }
    ResourcePattern r = binding.pattern();
    AclOperation op = e.operation();
    if (r.resourceType() == ResourceType.TOPIC && r.patternType() == PatternType.LITERAL) {
      String t = r.name();
      if (t.startsWith(SignalboxTopics.TELEMETRY_PREFIX)
          || t.startsWith(SignalboxTopics.FEEDBACK_PREFIX)) {
        return op == AclOperation.WRITE || op == AclOperation.DESCRIBE;
      }
      if (t.startsWith(SignalboxTopics.FEED_PREFIX)) {
        return op == AclOperation.READ || op == AclOperation.DESCRIBE;
      }
      return false;
    }
    return r.resourceType() == ResourceType.GROUP
        && r.patternType() == PatternType.PREFIXED
        && r.name().equals(consumerGroupPrefix(id))
        && op == AclOperation.READ;
  }

  /** What applying the plan to a broker's bindings does. Each list in {@link #ORDER}. */
  public record Changes(
      List<AclBinding> toAdd, List<AclBinding> toRemove, List<AclBinding> unchanged) {}

  /**
   * Compares the plan with the bindings a broker holds: plan bindings it lacks are to be added,
   * bindings it holds that {@link #manages this plan manages} but the plan no longer has (a member
   * dropped from the directory, a group it left) are to be removed.
   */
  public Changes changes(Collection<AclBinding> existing) {
    Set<AclBinding> held = new TreeSet<>(ORDER);
    held.addAll(existing);
    Set<AclBinding> planned = new TreeSet<>(ORDER);
    planned.addAll(bindings);
    List<AclBinding> add = new ArrayList<>();
    List<AclBinding> unchanged = new ArrayList<>();
    for (AclBinding b : planned) {
      (held.contains(b) ? unchanged : add).add(b);
    }
    List<AclBinding> remove = new ArrayList<>();
    for (AclBinding b : held) {
      if (!planned.contains(b) && manages(b)) {
        remove.add(b);
      }
    }
    return new Changes(add, remove, unchanged);
  }

  /**
   * Bindings as a table, one row per principal and resource with its operations:
   *
   * <pre>
   * PRINCIPAL    RESOURCE  PATTERN   NAME              OPERATIONS
   * User:rail-a  TOPIC     LITERAL   telemetry.rail-a  WRITE, DESCRIBE
   * User:rail-a  GROUP     PREFIXED  rail-a.           READ
   * </pre>
   */
  public static String table(Collection<AclBinding> bindings) {
    List<AclBinding> sorted = new ArrayList<>(bindings);
    sorted.sort(ORDER);
    Map<List<String>, List<String>> rows = new LinkedHashMap<>();
    for (AclBinding b : sorted) {
      AccessControlEntry e = b.entry();
      List<String> key =
          List.of(
              e.principal(),
              b.pattern().resourceType().name(),
              b.pattern().patternType().name(),
              b.pattern().name(),
              e.permissionType() == AclPermissionType.ALLOW ? "" : e.permissionType().name(),
              ANY_HOST.equals(e.host()) ? "" : e.host());
      rows.computeIfAbsent(key, k -> new ArrayList<>()).add(e.operation().name());
    }
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"PRINCIPAL", "RESOURCE", "PATTERN", "NAME", "OPERATIONS"});
    for (Map.Entry<List<String>, List<String>> row : rows.entrySet()) {
      List<String> k = row.getKey();
      // Only bindings this command did not write (a DENY, one host) carry these qualifiers.
      String qualifier =
          (k.get(4).isEmpty() ? "" : " " + k.get(4)) + (k.get(5).isEmpty() ? "" : " @" + k.get(5));
      lines.add(
          new String[] {
            k.get(0), k.get(1), k.get(2), k.get(3), String.join(", ", row.getValue()) + qualifier
          });
    }
    int[] width = new int[5];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        out.append(i == l.length - 1 ? l[i] : String.format("%-" + (width[i] + 2) + "s", l[i]));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** One binding on one line, e.g. {@code User:rail-a TOPIC LITERAL telemetry.rail-a WRITE}. */
  public static String line(AclBinding b) {
    AccessControlEntry e = b.entry();
    return e.principal()
        + " "
        + b.pattern().resourceType()
        + " "
        + b.pattern().patternType()
        + " "
        + b.pattern().name()
        + " "
        + e.operation()
        + (e.permissionType() == AclPermissionType.ALLOW ? "" : " " + e.permissionType())
        + (ANY_HOST.equals(e.host()) ? "" : " @" + e.host());
  }
}
