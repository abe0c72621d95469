package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.secure.SecureLocalBroker;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.TopicPlan;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * The secure local broker ({@code signalbox broker --security sasl-ssl}) enforces what it sets up:
 * each member, with its generated client file, writes its own telemetry and reads its own feed; it
 * is refused another member's telemetry, another member's feed and another member's consumer group;
 * a client without credentials gets nothing, on the client listener and on the controller's.
 */
class SecureBrokerITCase {

  static final String RAIL = RunningItForRealITCase.RAIL;
  static final String AIRLINE = RunningItForRealITCase.AIRLINE;

  @Test
  void membersAreConfinedToTheirOwnTopicsAndGroupsAndStrangersGetNothing(@TempDir Path dir)
      throws Exception {
    Path members = Files.writeString(dir.resolve("members.yaml"), RunningItForRealITCase.MEMBERS);
    MemberDirectory directory = MemberDirectory.load(members);
    Path clients = dir.resolve("clients");
    try (SecureLocalBroker secure =
        SecureLocalBroker.start(
            directory,
            new LocalKafkaBroker.Options().readinessTimeout(Duration.ofSeconds(120)),
            clients)) {
      TopicPlan.of(directory, 1, Duration.ofDays(7))
          .apply(
              secure.broker().clientProperties(), Optional.empty(), false, Duration.ofSeconds(60));

      // One owner-only file per principal, each usable as --kafka-config; no password printed.
      for (String user : List.of(RAIL, AIRLINE, "correlate", "gateway", "admin")) {
        Path file = secure.clientConfig(user);
        assertThat(Files.getPosixFilePermissions(file))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file))
            .contains("security.protocol=SASL_SSL")
            .contains("sasl.mechanism=SCRAM-SHA-512")
            .contains("username=\"" + user + "\"")
            .contains("ssl.truststore.type=PEM");
      }
      Path serverProperties = secure.broker().dataDir().resolve("server.properties");
      assertThat(Files.getPosixFilePermissions(serverProperties))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));

      // Its own telemetry: written. Another member's: refused by the authorizer.
      produce(secure, RAIL, "telemetry." + RAIL, "event-1");
      assertThat(causes(() -> produce(secure, RAIL, "telemetry." + AIRLINE, "forged")))
          .anyMatch(TopicAuthorizationException.class::isInstance)
          .anyMatch(e -> String.valueOf(e.getMessage()).contains("Not authorized"));

      // The campaign job's account writes the feeds; each member reads its own, not another's.
      produce(secure, "campaigns", "feed.member." + RAIL, "own-1");
      assertThat(consume(secure, RAIL, RAIL + ".soc", "feed.member." + RAIL))
          .containsExactly("own-1");
      assertThat(causes(() -> consume(secure, RAIL, RAIL + ".peek", "feed.member." + AIRLINE)))
          .anyMatch(TopicAuthorizationException.class::isInstance);
      // Committing offsets in another member's group: refused.
      assertThat(causes(() -> commit(secure, RAIL, AIRLINE + ".soc", "feed.member." + RAIL)))
          .anyMatch(GroupAuthorizationException.class::isInstance)
          .anyMatch(e -> String.valueOf(e.getMessage()).contains("Not authorized"));
      // The gateway reads every feed, but may write nothing at all: with WRITE on no topic, its
      // (idempotent) producer is refused before any topic is looked at.
      assertThat(consume(secure, "gateway", null, "feed.member." + RAIL)).containsExactly("own-1");
      assertThat(causes(() -> produce(secure, "gateway", "feed.member." + RAIL, "forged")))
          .anyMatch(
              e ->
                  e instanceof TopicAuthorizationException
                      || e instanceof org.apache.kafka.common.errors.ClusterAuthorizationException);

      // No credentials: the SASL_SSL listener lets nothing through, and nor does the controller's.
      assertThat(causes(() -> describeCluster(secure.bootstrapServers(), Map.of(), false)))
          .isNotEmpty();
      String controller = controllerAddress(serverProperties);
      assertThat(causes(() -> describeCluster(controller, Map.of(), true))).isNotEmpty();
      // Even with the trust store, TLS without a login gets nothing on either.
      Map<String, String> tlsOnly =
          Map.of(
              "security.protocol", "SSL",
              "ssl.truststore.type", "PEM",
              "ssl.truststore.location", secure.trustStore().toString());
      assertThat(causes(() -> describeCluster(secure.bootstrapServers(), tlsOnly, false)))
          .isNotEmpty();
      assertThat(causes(() -> describeCluster(controller, tlsOnly, true))).isNotEmpty();
    }
  }

  private static Properties login(SecureLocalBroker secure, String user) {
    Properties p = new Properties();
    p.putAll(secure.clientProperties(user));
    return p;
  }

  private static void produce(SecureLocalBroker secure, String user, String topic, String value)
      throws Exception {
    Properties p = login(secure, user);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Reads the topic's one partition from the start (assigned; committed in the group if any). */
  private static List<String> consume(
      SecureLocalBroker secure, String user, String group, String topic) {
    Properties p = login(secure, user);
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
      }
      if (group != null) {
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(consumer.position(tp))));
      }
    }
    return values;
  }

  private static void commit(SecureLocalBroker secure, String user, String group, String topic) {
    Properties p = login(secure, user);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(0)));
    }
  }

  private static void describeCluster(
      String address, Map<String, String> settings, boolean controller) throws Exception {
    Properties p = new Properties();
    p.put(
        controller
            ? AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG
            : AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        address);
    p.putAll(settings);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
    try (Admin admin = Admin.create(p)) {
      admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
    }
  }

  private static String controllerAddress(Path serverProperties) throws Exception {
    Properties server = new Properties();
    try (var in = Files.newInputStream(serverProperties)) {
      server.load(in);
    }
    // controller.quorum.voters=1@127.0.0.1:PORT
    return server.getProperty("controller.quorum.voters").split("@", 2)[1];
  }

  interface Call {
    void run() throws Exception;
  }

  /** The exception a call threw and its causes; empty if it succeeded. */
  private static List<Throwable> causes(Call call) {
    List<Throwable> out = new ArrayList<>();
    try {
      call.run();
    } catch (Throwable t) {
      for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
        out.add(c);
      }
    }
    return out;
  }
}
