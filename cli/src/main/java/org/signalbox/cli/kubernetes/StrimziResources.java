package org.signalbox.cli.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.signalbox.jobs.sharing.MemberAcls;
import org.signalbox.jobs.sharing.TopicPlan;

/**
 * The member directory's topics and ACLs as Strimzi custom resources ({@code kafka.strimzi.io/v1},
 * the only version Strimzi 1.x serves): a {@code KafkaTopic} for every topic of the {@link
 * TopicPlan} ({@code signalbox topics apply}) and a {@code KafkaUser} for every principal of the
 * {@link MemberAcls} plan ({@code signalbox acls}), with exactly the plan's bindings as its {@code
 * simple} authorization. Both come from the same code as the commands, so a cluster run by Strimzi
 * and one run with {@code topics apply} and {@code acls} cannot drift apart.
 *
 * <p>A topic whose name is not a valid Kubernetes object name (an upper-case letter or {@code _} in
 * a member id, two dots in a row) keeps its name in {@code spec.topicName} and gets a resource name
 * made from it plus a hash, so two topics never share a resource. A principal must be a valid
 * object name as it is: Strimzi makes the Kafka user name from the resource name.
 */
public final class StrimziResources {

  /** The API version of every resource written here. */
  public static final String API_VERSION = "kafka.strimzi.io/v1";

  /** The label that ties a topic or user to its Kafka cluster resource. */
  public static final String CLUSTER_LABEL = "strimzi.io/cluster";

  /** How a member logs in; Strimzi's User Operator creates the secret (password or certificate). */
  public enum Authentication {
    /** SASL SCRAM-SHA-512: principal {@code User:<resource name>}. */
    SCRAM_SHA_512("scram-sha-512"),
    /** Mutual TLS: principal {@code User:CN=<resource name>}. */
    TLS("tls");

    private final String type;

    Authentication(String type) {
      this.type = type;
    }

    /** The value of {@code spec.authentication.type}. */
    public String type() {
      return type;
    }
  }

  /** A resource and the comment line written above it. */
  public record Resource(String comment, ObjectNode body) {}

  // RFC 1123 subdomain, as Kubernetes checks metadata.name of these resources.
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_NAME = 253;
  // Strimzi puts a TLS user's name into the certificate's CN, which X.509 limits to 64 characters.
  private static final int MAX_TLS_NAME = 64;

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              // "0" and "-1" stay strings, as the plan has them, not YAML numbers
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StrimziResources() {}

  /**
   * One {@code KafkaTopic} per topic of the plan, in the plan's order.
   *
   * @param cluster the name of the {@code Kafka} resource the topics belong to
   * @param replicas replicas of every partition
   */
  public static List<Resource> topics(TopicPlan plan, String cluster, int replicas) {
    requireName("cluster", cluster);
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be at least 1: " + replicas);
    }
    List<Resource> out = new ArrayList<>();
    Map<String, String> seen = new TreeMap<>();
    for (TopicPlan.Topic t : plan.topics()) {
      String name = topicResourceName(t.name());
      String clash = seen.put(name, t.name());
      if (clash != null) {
        throw new IllegalStateException(
            "topics " + clash + " and " + t.name() + " map to one resource name " + name);
      }
      ObjectNode topic = resource("KafkaTopic", name, cluster);
      ObjectNode spec = topic.putObject("spec");
      if (!name.equals(t.name())) {
        spec.put("topicName", t.name());
      }
      spec.put("partitions", t.partitions());
      spec.put("replicas", replicas);
      if (!t.configs().isEmpty()) {
        ObjectNode config = spec.putObject("config");
        new TreeMap<>(t.configs()).forEach(config::put);
      }
      out.add(new Resource(t.name() + ": " + t.purpose(), topic));
    }
    return out;
  }

  /**
   * One {@code KafkaUser} per principal of the ACL plan, holding that principal's bindings.
   *
   * @param cluster the name of the {@code Kafka} resource the users belong to
   * @throws IllegalArgumentException when a principal's name cannot be a Kubernetes object name, or
   *     a binding is not an ALLOW of a {@code User:} principal (the plan has no other kind)
   */
  public static List<Resource> users(
      MemberAcls acls, String cluster, Authentication authentication) {
    requireName("cluster", cluster);
    String userPrefix = KafkaPrincipal.USER_TYPE + ":";
    // principal -> (resource type, pattern type, name) -> operations, all in MemberAcls.ORDER
    Map<String, Map<List<String>, List<String>>> byPrincipal = new LinkedHashMap<>();
    for (AclBinding b : acls.bindings()) {
      String principal = b.entry().principal();
      if (!principal.startsWith(userPrefix)
          || b.entry().permissionType() != AclPermissionType.ALLOW) {
        throw new IllegalArgumentException("not a User: ALLOW binding: " + MemberAcls.line(b));
      }
      List<String> key =
          List.of(
              resourceType(b.pattern().resourceType()),
              patternType(b.pattern().patternType()),
              b.pattern().name(),
              b.entry().host());
      byPrincipal
          .computeIfAbsent(principal.substring(userPrefix.length()), p -> new LinkedHashMap<>())
          .computeIfAbsent(key, k -> new ArrayList<>())
          .add(operation(b.entry().operation()));
    }
    List<Resource> out = new ArrayList<>();
    for (Map.Entry<String, Map<List<String>, List<String>>> p : byPrincipal.entrySet()) {
      String name = p.getKey();
      requireName("Kafka user", name);
      if (authentication == Authentication.TLS && name.length() > MAX_TLS_NAME) {
        throw new IllegalArgumentException(
            "Kafka user "
                + name
                + " is longer than the "
                + MAX_TLS_NAME
                + " characters a TLS certificate's CN can hold; use --authentication"
                + " scram-sha-512 or a shorter principal prefix");
      }
      ObjectNode user = resource("KafkaUser", name, cluster);
      ObjectNode spec = user.putObject("spec");
      spec.putObject("authentication").put("type", authentication.type());
      ObjectNode authorization = spec.putObject("authorization");
      authorization.put("type", "simple");
      ArrayNode rules = authorization.putArray("acls");
      for (Map.Entry<List<String>, List<String>> r : p.getValue().entrySet()) {
        ObjectNode rule = rules.addObject();
        ObjectNode resource = rule.putObject("resource");
        resource.put("type", r.getKey().get(0));
        resource.put("name", r.getKey().get(2));
        resource.put("patternType", r.getKey().get(1));
        ArrayNode ops = rule.putArray("operations");
        r.getValue().forEach(ops::add);
        rule.put("host", r.getKey().get(3));
        rule.put("type", "allow");
      }
      out.add(new Resource(KafkaPrincipal.USER_TYPE + ":" + name, user));
    }
    return out;
  }

  /**
   * The resources as one multi-document YAML stream, each under its comment line.
   *
   * @param header comment lines put at the top (without {@code #})
   */
  public static String yaml(List<String> header, List<Resource> resources) {
    StringBuilder out = new StringBuilder();
    header.forEach(h -> out.append(h.isEmpty() ? "#" : "# " + h).append('\n'));
    for (Resource r : resources) {
      out.append("---\n# ").append(r.comment()).append('\n');
      try {
        out.append(YAML.writeValueAsString(r.body()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write " + r.comment(), e);
      }
    }
    return out.toString();
  }

  /**
   * The resource name of a topic: the topic's own name when it is a valid Kubernetes object name,
   * else a valid name made from it with a hash of the real name appended.
   */
  public static String topicResourceName(String topic) {
    if (isObjectName(topic)) {
      return topic;
    }
    String base =
        topic
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9.-]", "-")
            .replaceAll("\\.{2,}", ".")
            .replaceAll("-?\\.-?", ".")
            .replaceAll("^[^a-z0-9]+", "")
            .replaceAll("[^a-z0-9]+$", "");
    String hash = sha1(topic).substring(0, 10);
    int room = MAX_NAME - hash.length() - 1;
    if (base.length() > room) {
      base = base.substring(0, room).replaceAll("[^a-z0-9]+$", "");
    }
    return base.isEmpty() ? "topic-" + hash : base + "-" + hash;
  }

  /** Whether a name is a valid {@code metadata.name} of a Strimzi resource. */
  public static boolean isObjectName(String name) {
    return name != null && name.length() <= MAX_NAME && DNS_SUBDOMAIN.matcher(name).matches();
  }

  private static void requireName(String what, String name) {
    if (!isObjectName(name)) {
      throw new IllegalArgumentException(
          what
              + " name '"
              + name
              + "' is not a valid Kubernetes object name (lower-case letters, digits, '-' and"
              + " '.', starting and ending with a letter or digit, at most "
              + MAX_NAME
              + " characters)");
    }
  }

  private static ObjectNode resource(String kind, String name, String cluster) {
    ObjectNode r = NODES.objectNode();
    r.put("apiVersion", API_VERSION);
    r.put("kind", kind);
    ObjectNode metadata = r.putObject("metadata");
    metadata.put("name", name);
    ObjectNode labels = metadata.putObject("labels");
    labels.put(CLUSTER_LABEL, cluster);
    labels.put("app.kubernetes.io/part-of", "signalbox");
    return r;
  }

  /** Strimzi's names: {@code topic}, {@code group}, {@code cluster}, {@code transactionalId}. */
  private static String resourceType(ResourceType type) {
    return switch (type) {
      case TOPIC -> "topic";
      case GROUP -> "group";
      case CLUSTER -> "cluster";
      case TRANSACTIONAL_ID -> "transactionalId";
      default -> throw new IllegalArgumentException("no Strimzi resource type for " + type);
    };
  }

  private static String patternType(PatternType type) {
    return switch (type) {
      case LITERAL -> "literal";
      case PREFIXED -> "prefix";
      default -> throw new IllegalArgumentException("no Strimzi pattern type for " + type);
    };
  }

  /** Kafka's {@code DESCRIBE_CONFIGS} is Strimzi's {@code DescribeConfigs}. */
  private static String operation(AclOperation op) {
    if (op == AclOperation.ANY || op == AclOperation.UNKNOWN) {
      throw new IllegalArgumentException("no Strimzi operation for " + op);
    }
    StringBuilder b = new StringBuilder();
    for (String part : op.name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
