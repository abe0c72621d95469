package org.signalbox.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.signalbox.cli.SignalboxCommand;
import org.signalbox.cli.kubernetes.StrimziResources;
import org.signalbox.deploy.Repository.Manifest;
import org.signalbox.jobs.sharing.MemberAcls;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.TopicPlan;
import org.signalbox.schema.Sector;
import org.signalbox.topics.SignalboxTopics;
import picocli.CommandLine;

/**
 * The Strimzi manifests say what the project's own plans say: a KafkaTopic for exactly the topics
 * of the {@link TopicPlan} of the example directory (partitions, compaction, retention), a
 * KafkaUser for exactly the principals of its {@link MemberAcls} plan with exactly its bindings
 * (read back from the YAML here, independently of the code that wrote it), the files are what
 * {@code signalbox strimzi} writes today, and the Kafka resource is one those users and topics fit.
 */
class StrimziManifestsTest {

  static final String MEMBERS = "deploy/members/example-members.yaml";
  static final Path TOPICS = Repository.kubernetes().resolve("kafka-topics.yaml");
  static final Path USERS = Repository.kubernetes().resolve("kafka-users.yaml");

  static MemberDirectory directory() throws Exception {
    return MemberDirectory.load(Repository.file(MEMBERS));
  }

  @Test
  void topicsFileIsWhatTheCommandWrites() {
    assertThat(Repository.read("deploy/kubernetes/kafka-topics.yaml"))
        .as("kafka-topics.yaml is stale: regenerate it (deploy/kubernetes/README.md)")
        .isEqualTo(command("topics", "--members", Repository.file(MEMBERS).toString()));
  }

  @Test
  void usersFileIsWhatTheCommandWrites() {
    assertThat(Repository.read("deploy/kubernetes/kafka-users.yaml"))
        .as("kafka-users.yaml is stale: regenerate it (deploy/kubernetes/README.md)")
        .isEqualTo(command("users", "--members", Repository.file(MEMBERS).toString()));
  }

  @Test
  void aKafkaTopicForEveryTopicOfThePlanWithItsPartitionsAndConfigs() throws Exception {
    // The defaults of 'signalbox topics apply', which the file was written with.
    TopicPlan plan = TopicPlan.of(directory(), 4, TopicPlan.DEFAULT_TELEMETRY_RETENTION);
    Map<String, JsonNode> manifests = new TreeMap<>();
    for (Manifest m : Repository.documents(TOPICS)) {
      assertThat(m.kind()).isEqualTo("KafkaTopic");
      String topic = m.body().at("/spec/topicName").asText(m.name());
      assertThat(manifests.put(topic, m.body())).as("topic %s twice", topic).isNull();
    }
    Map<String, TopicPlan.Topic> planned = new TreeMap<>();
    plan.topics().forEach(t -> planned.put(t.name(), t));
    assertThat(manifests.keySet()).isEqualTo(planned.keySet());
    for (TopicPlan.Topic t : plan.topics()) {
      JsonNode spec = manifests.get(t.name()).path("spec");
      assertThat(spec.path("partitions").asInt())
          .as("partitions of %s", t.name())
          .isEqualTo(t.partitions());
      Map<String, String> config = new TreeMap<>();
      spec.path("config")
          .fields()
          .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
      assertThat(config).as("config of %s", t.name()).isEqualTo(new TreeMap<>(t.configs()));
    }
    // What matters most, spelled out rather than only compared with the plan:
    assertThat(manifests.get(SignalboxTopics.INDICATORS).at("/spec/config/cleanup.policy").asText())
        .isEqualTo("compact");
    assertThat(
            manifests.get(SignalboxTopics.INDICATOR_AUDIT).at("/spec/config/retention.ms").asText())
        .isEqualTo("-1");
    for (MemberDirectory.Member m : directory().members()) {
      assertThat(
              manifests
                  .get(SignalboxTopics.telemetryTopic(m.id()))
                  .at("/spec/config/retention.ms")
                  .asText())
          .isEqualTo(String.valueOf(Duration.ofDays(7).toMillis()));
    }
  }

  @Test
  void aKafkaUserForEveryPrincipalWithExactlyTheBindingsOfSignalboxAcls() throws Exception {
    MemberDirectory directory = directory();
    Set<AclBinding> fromManifests = new HashSet<>();
    Set<String> users = new TreeSet<>();
    for (Manifest m : Repository.documents(USERS)) {
      assertThat(m.kind()).isEqualTo("KafkaUser");
      assertThat(users.add(m.name())).as("user %s twice", m.name()).isTrue();
      assertThat(m.body().at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
      assertThat(m.body().at("/spec/authorization/type").asText()).isEqualTo("simple");
      fromManifests.addAll(bindings(m.body()));
    }
    Set<String> expectedUsers = new TreeSet<>(directory.partners());
    directory.members().forEach(mem -> expectedUsers.add(mem.id()));
    // and the Signalbox services, each its own principal
    for (MemberAcls.ServiceAccount a : MemberAcls.ServiceAccount.values()) {
      expectedUsers.add(a.principal().substring(a.principal().indexOf(':') + 1));
    }
    assertThat(users).isEqualTo(expectedUsers);
    assertThat(fromManifests)
        .containsExactlyInAnyOrderElementsOf(MemberAcls.plan(directory).bindings());
  }

  @Test
  void theKafkaClusterIsKraftWithNodePoolsAndFitsTheTopicsAndUsers() {
    List<Manifest> kafkas = Repository.manifests("Kafka");
    assertThat(kafkas).hasSize(1);
    JsonNode kafka = kafkas.get(0).body();
    String cluster = kafka.at("/metadata/name").asText();

    Map<String, Integer> replicasByRole = new LinkedHashMap<>();
    for (Manifest pool : Repository.manifests("KafkaNodePool")) {
      assertThat(
              pool.body()
                  .at("/metadata/labels/" + StrimziResources.CLUSTER_LABEL.replace("/", "~1"))
                  .asText())
          .isEqualTo(cluster);
      for (JsonNode role : pool.body().at("/spec/roles")) {
        replicasByRole.merge(role.asText(), pool.body().at("/spec/replicas").asInt(), Integer::sum);
      }
    }
    // KRaft: controllers of their own, an odd number of them, and brokers.
    assertThat(replicasByRole.get("controller")).isNotNull().matches(n -> n % 2 == 1);
    int brokers = replicasByRole.getOrDefault("broker", 0);
    assertThat(brokers).isPositive();

    // The brokers run the release line of the project's Kafka clients.
    String clients = AppInfoParser.getVersion();
    String line = clients.substring(0, clients.indexOf('.', clients.indexOf('.') + 1));
    assertThat(kafka.at("/spec/kafka/version").asText()).startsWith(line + ".");
    assertThat(kafka.at("/spec/kafka/metadataVersion").asText()).startsWith(line + "-");

    // Every topic and user is of this cluster, and the cluster can hold the topics' replicas.
    List<Manifest> topicsAndUsers = new ArrayList<>(Repository.manifests("KafkaTopic"));
    topicsAndUsers.addAll(Repository.manifests("KafkaUser"));
    assertThat(topicsAndUsers)
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(m.body().at("/metadata/labels/strimzi.io~1cluster").asText())
                    .as("%s", m)
                    .isEqualTo(cluster));
    int minInsync = kafka.at("/spec/kafka/config/min.insync.replicas").asInt(1);
    for (Manifest t : Repository.manifests("KafkaTopic")) {
      int replicas = t.body().at("/spec/replicas").asInt();
      assertThat(replicas).as("replicas of %s", t).isBetween(minInsync, brokers);
    }

    // The ACLs hold only with an authorizer, and the members' logins need a listener that takes
    // them.
    assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
    Set<String> userLogins = new TreeSet<>();
    Repository.manifests("KafkaUser")
        .forEach(u -> userLogins.add(u.body().at("/spec/authentication/type").asText()));
    Set<String> listenerLogins = new TreeSet<>();
    for (JsonNode l : kafka.at("/spec/kafka/listeners")) {
      if (l.has("authentication")) {
        listenerLogins.add(l.at("/authentication/type").asText());
        assertThat(l.path("tls").asBoolean())
            .as("a login over TLS only: listener %s", l.path("name"))
            .isTrue();
      }
    }
    assertThat(listenerLogins).containsAll(userLogins);
    assertThat(kafka.at("/spec/kafka/config/auto.create.topics.enable").asText())
        .isEqualTo("false");
  }

  @Test
  void aTopicWhoseNameIsNoKubernetesNameKeepsItInTopicName() {
    assertThat(StrimziResources.topicResourceName("telemetry.rail-a"))
        .isEqualTo("telemetry.rail-a");
    String odd = "telemetry.rail_a..x";
    String name = StrimziResources.topicResourceName(odd);
    assertThat(StrimziResources.isObjectName(name)).as(name).isTrue();
    assertThat(name).isNotEqualTo(StrimziResources.topicResourceName("telemetry.rail-a..x"));
    MemberDirectory directory =
        new MemberDirectory(
            "isac-secretariat",
            Set.of(),
            List.of(new MemberDirectory.Member("rail_a", Sector.RAIL, Set.of("rail"), false, 0)));
    TopicPlan plan = TopicPlan.of(directory, 1, Duration.ofDays(1));
    List<StrimziResources.Resource> topics = StrimziResources.topics(plan, "isac", 1);
    StrimziResources.Resource telemetry =
        topics.stream()
            .filter(r -> r.body().at("/spec/topicName").asText().equals("telemetry.rail_a"))
            .findFirst()
            .orElseThrow();
    assertThat(CrdSchemas.load().validate(telemetry.body())).isEmpty();
    // A Kafka user name is the resource's name under SCRAM: no way around it, so it is refused.
    assertThatThrownBy(
            () ->
                StrimziResources.users(
                    MemberAcls.plan(directory),
                    "isac",
                    StrimziResources.Authentication.SCRAM_SHA_512))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rail_a");
  }

  /** The bindings a KafkaUser grants, read the way Strimzi's User Operator reads them. */
  static List<AclBinding> bindings(JsonNode user) {
    String principal = "User:" + user.at("/metadata/name").asText();
    List<AclBinding> out = new ArrayList<>();
    for (JsonNode rule : user.at("/spec/authorization/acls")) {
      JsonNode r = rule.path("resource");
      ResourceType type =
          switch (r.path("type").asText()) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "cluster" -> ResourceType.CLUSTER;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            default -> throw new AssertionError("resource type " + r.path("type"));
          };
      PatternType pattern =
          switch (r.path("patternType").asText("literal")) {
            case "literal" -> PatternType.LITERAL;
            case "prefix" -> PatternType.PREFIXED;
            default -> throw new AssertionError("pattern type " + r.path("patternType"));
          };
      AclPermissionType permission =
          rule.path("type").asText("allow").equals("allow")
              ? AclPermissionType.ALLOW
              : AclPermissionType.DENY;
      for (JsonNode op : rule.path("operations")) {
        AclOperation operation =
            AclOperation.fromString(
                op.asText().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        assertThat(operation).as("operation %s", op).isNotEqualTo(AclOperation.UNKNOWN);
        out.add(
            new AclBinding(
                new ResourcePattern(type, r.path("name").asText(), pattern),
                new AccessControlEntry(
                    principal, rule.path("host").asText("*"), operation, permission)));
      }
    }
    return out;
  }

  private static String command(String... args) {
    CommandLine cli = SignalboxCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] full = new String[args.length + 1];
    full[0] = "strimzi";
    System.arraycopy(args, 0, full, 1, args.length);
    assertThat(cli.execute(full)).as("exit code; stderr: %s", err).isZero();
    return out.toString();
  }
}
