package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.jobs.sharing.MemberAcls;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * {@code signalbox acls} against a real KRaft broker with SASL/PLAIN and the StandardAuthorizer,
 * proved with clients logged in as the members: each writes only its own telemetry and feedback
 * topics, reads only its audiences' feeds with its own consumer groups, and loses its grants when
 * it leaves the directory.
 */
class MemberAclsITCase {

  private static final String ADMIN = "admin";
  private static final String ADMIN_PASSWORD = "admin-secret";
  private static final String RAIL_A = "rail-a";
  private static final String AIR_B = "air-b";
  private static final Map<String, String> PASSWORDS =
      Map.of(ADMIN, ADMIN_PASSWORD, RAIL_A, "rail-a-secret", AIR_B, "air-b-secret");

  /** Short, so that a denial the test does not expect fails in seconds, not minutes. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void membersWriteOnlyTheirOwnTopicsReadOnlyTheirFeedsAndLoseAccessWhenDropped() throws Exception {
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(saslBrokerWithAuthorizer())) {
      List<NewTopic> topics = new ArrayList<>();
      for (String m : List.of(RAIL_A, AIR_B)) {
        topics.add(new NewTopic(SignalboxTopics.telemetryTopic(m), 1, (short) 1));
        topics.add(new NewTopic(SignalboxTopics.feedbackTopic(m), 1, (short) 1));
        topics.add(SignalboxTopics.feed("member:" + m, 1));
      }
      for (String audience : List.of("group:rail", "group:aviation", "community", "public")) {
        topics.add(SignalboxTopics.feed(audience, 1));
      }
      SignalboxTopics.ensure(broker.clientProperties(), topics, Duration.ofSeconds(30));
      // What the sharing router would have written, as the admin (a super user).
      produce(broker, ADMIN, "feed.member.rail-a", "own-1", "own-2");
      produce(broker, ADMIN, "feed.group.rail", "group-1");
      produce(broker, ADMIN, "feed.member.air-b", "secret-of-air-b");

      // The authorizer denies what no ACL allows: without the command, rail-a writes nothing.
      assertThat(causes(() -> produce(broker, RAIL_A, "telemetry.rail-a", "too-early")))
          .anyMatch(TopicAuthorizationException.class::isInstance);

      Path members = dir.resolve("members.yaml");
      Files.writeString(
          members,
          """
          secretariat: isac-office
          members:
            - id: rail-a
              sector: rail
              groups: [rail]
            - id: air-b
              sector: aviation
              groups: [aviation]
          """);
      Path commandConfig = dir.resolve("admin.properties");
      Files.writeString(
          commandConfig,
          "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
              + jaas(ADMIN)
              + "\n");
      // It holds the admin's password: readable by its owner only, or the command refuses it.
      Files.setPosixFilePermissions(
          commandConfig, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      List<AclBinding> plan = MemberAcls.plan(MemberDirectory.load(members)).bindings();
      // Per member: telemetry and feedback (2 x WRITE, DESCRIBE), own feed, group, community and
      // public with two digests each (4 x 3 x READ, DESCRIBE), one group prefix.
      // The service accounts' grants come with every plan.
      int services =
          java.util.Arrays.stream(MemberAcls.ServiceAccount.values())
              .mapToInt(a -> a.bindings().size())
              .sum();
      assertThat(plan).hasSize(2 * (4 + 4 * 3 * 2 + 1) + services);

      try (Admin admin = Admin.create(adminConfig(broker))) {
        Run dry = acls(broker, members, commandConfig, "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out())
            .contains("2 members and 0 partners")
            .containsPattern("User:rail-a +TOPIC +LITERAL +telemetry\\.rail-a +WRITE, DESCRIBE")
            .contains("+ User:air-b GROUP PREFIXED air-b. READ")
            .contains("would add " + (58 + services) + ", would remove 0, unchanged 0.");
        assertThat(acls(admin)).as("a dry run changes nothing").isEmpty();

        Run first = acls(broker, members, commandConfig);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("added " + (58 + services) + ", removed 0, unchanged 0.");
        awaitAcls(admin, held -> held.equals(new HashSet<>(plan)));

        Run again = acls(broker, members, commandConfig);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("added 0, removed 0, unchanged " + (58 + services) + ".");

        // Writes: its own telemetry and feedback, nothing of air-b's, not even its own feed.
        produce(broker, RAIL_A, "telemetry.rail-a", "event-1");
        produce(broker, RAIL_A, "feedback.rail-a", "verdict-1");
        assertThat(causes(() -> produce(broker, RAIL_A, "telemetry.air-b", "forged")))
            .anyMatch(TopicAuthorizationException.class::isInstance);
        assertThat(causes(() -> produce(broker, RAIL_A, "feed.member.rail-a", "self-served")))
            .anyMatch(TopicAuthorizationException.class::isInstance);

        // Reads: its own feed and its group's, with a group id of its own.
        assertThat(consume(broker, RAIL_A, "rail-a.test", List.of("feed.member.rail-a"), 2))
            .containsExactlyInAnyOrder("own-1", "own-2");
        assertThat(consume(broker, RAIL_A, "rail-a.group-feed", List.of("feed.group.rail"), 1))
            .containsExactly("group-1");
        assertThat(
                causes(
                    () -> consume(broker, RAIL_A, "rail-a.peek", List.of("feed.member.air-b"), 1)))
            .anyMatch(TopicAuthorizationException.class::isInstance);
        assertThat(
                causes(() -> consume(broker, RAIL_A, "soc-team", List.of("feed.member.rail-a"), 1)))
            .as("a group id that does not start with 'rail-a.'")
            .anyMatch(GroupAuthorizationException.class::isInstance);
        assertThat(
                causes(() -> consume(broker, RAIL_A, "air-b.x", List.of("feed.member.rail-a"), 1)))
            .as("another member's group")
            .anyMatch(GroupAuthorizationException.class::isInstance);

        produce(broker, AIR_B, "telemetry.air-b", "air-event-1");

        // air-b leaves the directory: its grants go, rail-a's stay.
        Files.writeString(
            members,
            """
            secretariat: isac-office
            members:
              - id: rail-a
                sector: rail
                groups: [rail]
            """);
        Run dropped = acls(broker, members, commandConfig);
        assertThat(dropped.exit()).as(dropped.err()).isZero();
        assertThat(dropped.out())
            .contains("- User:air-b TOPIC LITERAL telemetry.air-b WRITE")
            .contains("added 0, removed 29, unchanged " + (29 + services) + ".");
        awaitAcls(
            admin,
            held ->
                held.size() == 29 + services
                    && held.stream().noneMatch(b -> b.entry().principal().equals("User:air-b")));
        assertThat(causes(() -> produce(broker, AIR_B, "telemetry.air-b", "air-event-2")))
            .anyMatch(TopicAuthorizationException.class::isInstance);
        produce(broker, RAIL_A, "telemetry.rail-a", "event-2");
      }
    }
  }

  @Test
  void aBrokerWithoutAnAuthorizerIsExplainedNotApplied() throws Exception {
    Path members = dir.resolve("members.yaml");
    Files.writeString(
        members, "secretariat: isac-office\nmembers:\n  - id: rail-a\n    sector: rail\n");
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
      Run r =
          run(
              "acls",
              "--members",
              members.toString(),
              "--bootstrap",
              broker.bootstrapServers(),
              "--timeout",
              "15");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err())
          .contains("has no authorizer")
          .contains(
              "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static LocalKafkaBroker.Options saslBrokerWithAuthorizer() {
    StringBuilder users = new StringBuilder();
    PASSWORDS.forEach(
        (user, password) ->
            users.append(" user_").append(user).append("=\"").append(password).append('"'));
    return new LocalKafkaBroker.Options()
        .listenerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
        .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
        .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
        // The broker's own login (inter-broker) and the users it accepts.
        .brokerProperty(
            "listener.name.sasl_plaintext.plain.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                + " password=\""
                + ADMIN_PASSWORD
                + "\""
                + users
                + ";")
        .brokerProperty(
            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
        // ANONYMOUS: the broker half of this node talking to its controller half over the
        // PLAINTEXT controller listener.
        .brokerProperty("super.users", "User:admin;User:ANONYMOUS")
        .clientProperty(SaslConfigs.SASL_MECHANISM, "PLAIN")
        .clientProperty(SaslConfigs.SASL_JAAS_CONFIG, jaas(ADMIN));
  }

  private static String jaas(String user) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + PASSWORDS.get(user)
        + "\";";
  }

  private static Properties client(LocalKafkaBroker broker, String user) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
    p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
    p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user));
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(
        CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
        String.valueOf(CLIENT_TIMEOUT.toMillis()));
    return p;
  }

  private static Properties adminConfig(LocalKafkaBroker broker) {
    Properties p = new Properties();
    p.putAll(broker.clientProperties());
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(
        CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
        String.valueOf(CLIENT_TIMEOUT.toMillis()));
    return p;
  }

  private static void produce(LocalKafkaBroker broker, String user, String topic, String... values)
      throws Exception {
    Properties p = client(broker, user);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(CLIENT_TIMEOUT.toMillis()));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(CLIENT_TIMEOUT.toMillis()));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, v, v)).get(15, TimeUnit.SECONDS);
      }
    }
  }

  /** Polls until {@code count} records arrived; a denial surfaces as the poll's exception. */
  private static List<String> consume(
      LocalKafkaBroker broker, String user, String group, List<String> topics, int count) {
    Properties p = client(broker, user);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(topics);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (values.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
      consumer.commitSync();
    }
    assertThat(values).as("records of %s read by %s in %s", topics, user, group).hasSize(count);
    return values;
  }

  /** The exception an action throws and its causes; empty if it does not throw. */
  private static List<Throwable> causes(ThrowingAction action) {
    List<Throwable> out = new ArrayList<>();
    try {
      action.run();
    } catch (Throwable t) {
      for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
        out.add(c);
      }
    }
    return out;
  }

  @FunctionalInterface
  private interface ThrowingAction {
    void run() throws Exception;
  }

  private static Set<AclBinding> acls(Admin admin) throws Exception {
    return new HashSet<>(
        admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS));
  }

  /**
   * The controller commits an ACL change before the broker's authorizer replays it; the broker
   * answers DescribeAcls from that authorizer, so once it shows the change, clients see it too.
   */
  private static void awaitAcls(Admin admin, Predicate<Collection<AclBinding>> ready)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Set<AclBinding> held = acls(admin);
    while (!ready.test(held)) {
      assertThat(System.nanoTime() < deadline)
          .as("the broker's authorizer holds the expected ACLs; it holds %s", held)
          .isTrue();
      Thread.sleep(100);
      held = acls(admin);
    }
  }

  private Run acls(LocalKafkaBroker broker, Path members, Path commandConfig, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "acls",
                "--members",
                members.toString(),
                "--bootstrap",
                broker.bootstrapServers(),
                "--command-config",
                commandConfig.toString(),
                "--timeout",
                "15"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = SignalboxCommand.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    System.out.print(out);
    System.err.print(err);
    return new Run(exit, out.toString(), err.toString());
  }
}
