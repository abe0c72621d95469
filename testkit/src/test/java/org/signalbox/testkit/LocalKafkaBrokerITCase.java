package org.signalbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.topics.SignalboxTopics;

class LocalKafkaBrokerITCase {

  @Test
  void startsCreatesTopicsCarriesRecordsAndStopsCleanly() throws Exception {
    LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    ProcessHandle child = ProcessHandle.of(broker.pid()).orElseThrow();
    Path dataDir = broker.dataDir();
    try {
      System.out.printf("Broker started in %d ms%n", broker.startupTime().toMillis());
      assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(child.isAlive()).isTrue();
      assertThat(Files.readString(broker.brokerLog()))
          .as("the logging binding works: the broker's own INFO lines reach broker.log")
          .contains("Kafka Server started");

      List<NewTopic> topics = new ArrayList<>(SignalboxTopics.core(2));
      topics.add(SignalboxTopics.telemetry("rail-operator-1", 2));
      topics.add(SignalboxTopics.telemetry("airport_2", 1));
      SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(30));
      // Idempotent: a second call finds them all and creates nothing.
      SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(30));

      try (Admin admin = Admin.create(clientConfig(broker))) {
        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
            .containsAll(topics.stream().map(NewTopic::name).collect(Collectors.toSet()));
        ConfigResource indicators =
            new ConfigResource(ConfigResource.Type.TOPIC, SignalboxTopics.INDICATORS);
        Config config =
            admin
                .describeConfigs(Set.of(indicators))
                .all()
                .get(10, TimeUnit.SECONDS)
                .get(indicators);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
            .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
      }

      String topic = SignalboxTopics.telemetryTopic("rail-operator-1");
      Properties producerConfig = clientConfig(broker);
      producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
        for (int i = 0; i < 5; i++) {
          producer
              .send(new ProducerRecord<>(topic, "key-" + i, "event-" + i))
              .get(10, TimeUnit.SECONDS);
        }
      }

      Properties consumerConfig = clientConfig(broker);
      consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "broker-itcase");
      consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (values.size() < 5 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
            values.add(record.value());
          }
        }
        consumer.commitSync();
      }
      assertThat(values)
          .containsExactlyInAnyOrder("event-0", "event-1", "event-2", "event-3", "event-4");
    } finally {
      broker.close();
    }

    assertThat(child.isAlive()).isFalse();
    assertThat(broker.isAlive()).isFalse();
    assertThat(dataDir).doesNotExist();
    broker.close(); // idempotent
  }

  @Test
  void keptDataDirectorySurvivesARestart(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("kafka");
    try (LocalKafkaBroker broker =
        LocalKafkaBroker.start(new LocalKafkaBroker.Options().dataDir(dataDir))) {
      SignalboxTopics.ensure(
          broker.bootstrapServers(),
          List.of(SignalboxTopics.indicators(1)),
          Duration.ofSeconds(30));
    }
    assertThat(dataDir.resolve("broker.log")).exists();
    // Same storage, new ports: the static voter set lets the controller move.
    try (LocalKafkaBroker broker =
        LocalKafkaBroker.start(new LocalKafkaBroker.Options().dataDir(dataDir))) {
      try (Admin admin = Admin.create(clientConfig(broker))) {
        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
            .contains(SignalboxTopics.INDICATORS);
      }
    }
    assertThat(dataDir).isDirectory();
  }

  @Test
  void failedStartReportsTheLogTailAndLeavesNoProcess(@TempDir Path dir) throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("a-regular-file"), "not a log directory");
    Path dataDir = dir.resolve("kafka");
    Set<Long> childrenBefore = childPids();

    assertThatThrownBy(
            () ->
                LocalKafkaBroker.start(
                    new LocalKafkaBroker.Options()
                        .dataDir(dataDir)
                        .brokerProperty("log.dirs", notADirectory.toString())))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("Last ")
        .hasMessageContaining("broker.log")
        .hasMessageContaining(notADirectory.toString())
        .hasMessageContaining("Next: ")
        .satisfies(
            e ->
                assertThat(((BrokerStartException) e).brokerLog())
                    .isEqualTo(dataDir.resolve("broker.log")));

    assertThat(childPids()).as("no child process left running").isSubsetOf(childrenBefore);
  }

  /**
   * A SASL listener: the readiness check logs in with the client properties, which {@link
   * LocalKafkaBroker#clientProperties()} hands on; a wrong password fails the start at once with
   * the reason instead of waiting out the readiness timeout.
   */
  @Test
  void saslListenerTakesTheClientLoginAndRefusesAWrongOne(@TempDir Path dir) throws Exception {
    String jaasModule = "org.apache.kafka.common.security.plain.PlainLoginModule required";
    try (LocalKafkaBroker broker =
        LocalKafkaBroker.start(
            saslOptions()
                .clientProperty(
                    "sasl.jaas.config",
                    jaasModule + " username=\"admin\" password=\"admin-secret\";"))) {
      assertThat(broker.clientProperties())
          .containsEntry("security.protocol", "SASL_PLAINTEXT")
          .containsEntry("sasl.mechanism", "PLAIN")
          .containsEntry("bootstrap.servers", broker.bootstrapServers());
      SignalboxTopics.ensure(
          broker.clientProperties(),
          List.of(SignalboxTopics.telemetry("rail-a", 1)),
          Duration.ofSeconds(30));
      try (Admin admin = Admin.create(Map.<String, Object>copyOf(broker.clientProperties()))) {
        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
            .contains("telemetry.rail-a");
      }
    }

    Set<Long> childrenBefore = childPids();
    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                LocalKafkaBroker.start(
                    saslOptions()
                        .dataDir(dir.resolve("kafka"))
                        .clientProperty(
                            "sasl.jaas.config",
                            jaasModule + " username=\"admin\" password=\"wrong\";")))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("refused the readiness check's login")
        .hasMessageContaining("Next: ");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("failed without waiting out the readiness timeout")
        .isLessThan(Duration.ofSeconds(55));
    assertThat(childPids()).as("no child process left running").isSubsetOf(childrenBefore);
  }

  private static LocalKafkaBroker.Options saslOptions() {
    return new LocalKafkaBroker.Options()
        .readinessTimeout(Duration.ofSeconds(60))
        .listenerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
        .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
        .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
        .brokerProperty(
            "listener.name.sasl_plaintext.plain.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\";")
        .clientProperty("sasl.mechanism", "PLAIN");
  }

  /**
   * A parent killed with SIGKILL runs no shutdown hook; the broker must still go, because the pipe
   * to its stdin closes (see BrokerChildMain).
   */
  @Test
  void brokerDoesNotOutliveAKilledParent() throws Exception {
    Process parent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BrokerParent.class.getName())
            .redirectErrorStream(true)
            .start();
    ProcessHandle broker = null;
    Path dataDir = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("BROKER ")) {
          String[] parts = line.split(" ", 3);
          broker = ProcessHandle.of(Long.parseLong(parts[1])).orElseThrow();
          dataDir = Path.of(parts[2]);
          break;
        }
      }
      assertThat(broker).as("the parent started a broker").isNotNull();
      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      broker.onExit().get(60, TimeUnit.SECONDS);
      assertThat(broker.isAlive()).isFalse();
    } finally {
      parent.destroyForcibly();
      if (broker != null) {
        broker.destroyForcibly();
      }
      if (dataDir != null) {
        LocalKafkaBroker.deleteRecursively(dataDir); // the killed parent could not
      }
    }
  }

  /** Main of the parent JVM in {@link #brokerDoesNotOutliveAKilledParent}. */
  public static final class BrokerParent {
    public static void main(String[] args) throws Exception {
      LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
      System.out.println("BROKER " + broker.pid() + " " + broker.dataDir());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static Set<Long> childPids() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  private static Properties clientConfig(LocalKafkaBroker broker) {
    Properties config = new Properties();
    config.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    return config;
  }
}
