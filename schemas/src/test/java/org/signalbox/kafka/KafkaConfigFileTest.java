package org.signalbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConfigFileTest {

  private static final String PLAIN_JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"rail-a\""
          + " password=\"rail-a-secret\";";

  @TempDir Path dir;

  @BeforeEach
  void posixOnly() {
    assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
  }

  private Path write(String name, String text, String mode) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void aPasswordInAFileOthersCanReadIsRefusedWithTheChmodThatFixesIt() throws Exception {
    Path file =
        write(
            "rail-a.properties",
            "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
                + PLAIN_JAAS
                + "\n",
            "rw-r--r--");

    assertThatThrownBy(() -> KafkaConfigFile.read(file, "--kafka-config"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-config: " + file)
        .hasMessageContaining("holds a password (sasl.jaas.config)")
        .hasMessageContaining("can be read by its group and others (mode rw-r--r--)")
        .hasMessageContaining("chmod 600 " + file)
        // The refusal must not be the leak: no secret in the message.
        .hasMessageNotContaining("rail-a-secret");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(KafkaConfigFile.read(file, "--kafka-config"))
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.jaas.config", PLAIN_JAAS);
  }

  @Test
  void groupReadableOrWritableIsAsBadAsWorldReadable() throws Exception {
    Path groupRead = write("g.properties", "ssl.keystore.password=changeit\n", "rw-r-----");
    assertThatThrownBy(() -> KafkaConfigFile.read(groupRead, "--kafka-config"))
        .hasMessageContaining("holds a password (ssl.keystore.password)")
        .hasMessageContaining("can be read by its group (mode rw-r-----)");
    Path othersWrite = write("o.properties", "ssl.key.password=changeit\n", "rw-----w-");
    assertThatThrownBy(() -> KafkaConfigFile.read(othersWrite, "kafka.config-file"))
        .hasMessageStartingWith("kafka.config-file: ")
        .hasMessageContaining("can be changed by others");
  }

  @Test
  void aFileWithoutSecretsMayBeShared() throws Exception {
    // A truststore location is not a secret, nor is the protocol or the mechanism.
    Path file =
        write(
            "shared.properties",
            "security.protocol=SSL\nssl.truststore.location=/etc/signalbox/truststore.p12\n"
                + "ssl.truststore.type=PKCS12\n",
            "rw-r--r--");
    assertThat(KafkaConfigFile.read(file, "--kafka-config"))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.location", "/etc/signalbox/truststore.p12");
  }

  @Test
  void passwordsReferencedFromTheEnvironmentAreNoSecretOfTheFile() throws Exception {
    Path file =
        write(
            "env.properties",
            "config.providers=env\n"
                + "config.providers.env.class="
                + KafkaConfigFile.ENV_PROVIDER
                + "\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"rail-a\" password=\"${env:RAIL_A_KAFKA_PASSWORD}\";\n"
                + "ssl.truststore.password=${env:TRUSTSTORE_PASSWORD}\n",
            "rw-r--r--");
    Map<String, String> env =
        Map.of("RAIL_A_KAFKA_PASSWORD", "s3cret", "TRUSTSTORE_PASSWORD", "changeit");
    assertThat(KafkaConfigFile.read(file, "--kafka-config", env::get))
        .containsEntry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}");

    // A reference to a variable that is not set is named now, not at the first failed login.
    assertThatThrownBy(
            () ->
                KafkaConfigFile.read(
                    file, "--kafka-config", Map.of("TRUSTSTORE_PASSWORD", "x")::get))
        .hasMessageContaining("environment variable that is not set: RAIL_A_KAFKA_PASSWORD");
  }

  @Test
  void whatCountsAsASecret() {
    assertThat(KafkaConfigFile.holdsSecret("sasl.jaas.config", PLAIN_JAAS)).isTrue();
    assertThat(
            KafkaConfigFile.holdsSecret(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"a\" password=\"${file:/run/secrets/kafka.properties:pw}\";"))
        .isFalse();
    assertThat(
            KafkaConfigFile.holdsSecret(
                "sasl.jaas.config",
                "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true"
                    + " keyTab=\"/etc/kafka.keytab\" principal=\"signalbox@ISAC\";"))
        .as("a Kerberos login names its keytab, it does not hold the key")
        .isFalse();
    assertThat(
            KafkaConfigFile.holdsSecret(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
                    + " clientId=\"signalbox\" clientSecret=abc123;"))
        .isTrue();
    assertThat(KafkaConfigFile.holdsSecret("ssl.truststore.password", "changeit")).isTrue();
    assertThat(KafkaConfigFile.holdsSecret("ssl.truststore.password", "${env:X}")).isFalse();
    assertThat(
            KafkaConfigFile.holdsSecret("sasl.oauthbearer.client.credentials.client.secret", "abc"))
        .isTrue();
    assertThat(KafkaConfigFile.holdsSecret("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"))
        .isTrue();
    assertThat(KafkaConfigFile.holdsSecret("ssl.truststore.location", "/x")).isFalse();
    assertThat(
            KafkaConfigFile.secretKeys(
                Map.of(
                    "security.protocol", "SASL_SSL",
                    "ssl.key.password", "k",
                    "sasl.jaas.config", PLAIN_JAAS)))
        .isEqualTo(List.of("sasl.jaas.config", "ssl.key.password"));
  }

  @Test
  void aMissingOrMalformedFileIsNamed() throws Exception {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> KafkaConfigFile.read(missing, "--kafka-config"))
        .hasMessage("--kafka-config: no such file: " + missing);
    Path bad = write("bad.properties", "sasl.jaas.config=\\u00zz\n", "rw-------");
    assertThatThrownBy(() -> KafkaConfigFile.read(bad, "--kafka-config"))
        .hasMessageContaining("cannot read " + bad + " as Kafka client properties");
  }
}
