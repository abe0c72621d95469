package org.signalbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {

  private static final Map<String, String> SASL =
      Map.of(
          "security.protocol", "SASL_PLAINTEXT",
          "sasl.mechanism", "PLAIN",
          "sasl.jaas.config",
              "org.apache.kafka.common.security.plain.PlainLoginModule required"
                  + " username=\"correlate\" password=\"correlate-secret\";");

  @TempDir Path dir;

  @Test
  void everyKindOfClientGetsTheSameLogin() {
    KafkaClientConfig c = KafkaClientConfig.of("127.0.0.1:9093", SASL);
    for (Properties p :
        new Properties[] {
          c.admin(), c.producer("p"), c.consumer("c"), c.flinkSource(), c.flinkSink()
        }) {
      assertThat(p)
          .containsEntry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9093")
          .containsEntry("security.protocol", "SASL_PLAINTEXT")
          .containsEntry("sasl.mechanism", "PLAIN")
          .containsEntry("sasl.jaas.config", SASL.get("sasl.jaas.config"));
    }
  }

  @Test
  void readersReadCommittedAndProducersAreIdempotentWhateverTheFileSays() {
    KafkaClientConfig c =
        KafkaClientConfig.of(
            "b:9092",
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"));
    assertThat(c.consumer("x")).containsEntry("isolation.level", "read_committed");
    assertThat(c.flinkSource()).containsEntry("isolation.level", "read_committed");
    assertThat(c.producer("x"))
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("client.id", "x");
  }

  @Test
  void theCommandLinesBootstrapWinsOverTheFilesAndTheFilesIsUsedWithoutOne() throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "bootstrap.servers=kafka-1:9093\nsecurity.protocol=SSL\n");
    assertThat(KafkaClientConfig.load(null, file, "--kafka-config").bootstrapServers())
        .isEqualTo("kafka-1:9093");
    KafkaClientConfig explicit = KafkaClientConfig.load("127.0.0.1:1", file, "--kafka-config");
    assertThat(explicit.bootstrapServers()).isEqualTo("127.0.0.1:1");
    assertThat(explicit.admin()).containsEntry("bootstrap.servers", "127.0.0.1:1");
    assertThat(explicit.settings()).doesNotContainKey("bootstrap.servers");
    assertThat(explicit.origin()).isEqualTo(file.toString());

    Path none = dir.resolve("none.properties");
    Files.writeString(none, "security.protocol=SSL\n");
    assertThatThrownBy(() -> KafkaClientConfig.load(null, none, "--kafka-config"))
        .hasMessageContaining("no bootstrap servers");
  }

  @Test
  void noFileMeansPlaintextAndTheHintSaysWhatToPass() {
    KafkaClientConfig c = KafkaClientConfig.fromOptions("127.0.0.1:9", null, "--kafka-config");
    assertThat(c.settings()).isEmpty();
    assertThat(c.securityProtocol()).isEqualTo("PLAINTEXT");
    assertThat(c.connectionHint("--kafka-config"))
        .contains("no --kafka-config (PLAINTEXT, no login)")
        .contains("pass --kafka-config FILE with security.protocol");
  }

  @Test
  void aRefusedFileIsRefusedThroughTheFactoryToo() throws Exception {
    Path file = dir.resolve("open.properties");
    Files.writeString(file, "sasl.jaas.config=" + SASL.get("sasl.jaas.config") + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
    assertThatThrownBy(() -> KafkaClientConfig.fromOptions("b:1", file, "--kafka-config"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void toStringHidesSecretsAndTheConfigTravelsToTaskManagers() throws Exception {
    KafkaClientConfig c = KafkaClientConfig.of("b:9092", SASL);
    assertThat(c.toString()).contains("SASL_PLAINTEXT").doesNotContain("correlate-secret");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(c);
    }
  }
}
