package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * One client configuration for every client, on the local broker in its SASL/PLAIN mode (a listener
 * that takes no client without a login): commands log in through {@code --kafka-config FILE}
 * (topics apply, sanitize, indicators import, sightings export), the correlate job through {@code
 * kafka.properties.*} with its password in a file resolved by Kafka's FileConfigProvider (so the
 * job's configuration never holds it); a file with a password others may read is refused with the
 * {@code chmod} that fixes it; a command without a config, or with a wrong password, is refused
 * with a message that says why; a password on the command line ({@code --set}) is refused.
 */
class KafkaClientConfigSaslITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final String RAIL = RunningItForRealITCase.RAIL;

  static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  static LocalKafkaBroker.Options saslBroker() {
    return new LocalKafkaBroker.Options()
        .listenerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
        .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
        .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
        .brokerProperty(
            "listener.name.sasl_plaintext.plain.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"admin\" password=\"admin-secret\""
                + " user_admin=\"admin-secret\""
                + " user_"
                + RAIL
                + "=\"rail-secret\""
                + " user_correlate=\"correlate-secret\";")
        .clientProperty(SaslConfigs.SASL_MECHANISM, "PLAIN")
        .clientProperty(SaslConfigs.SASL_JAAS_CONFIG, jaas("admin", "admin-secret"));
  }

  static Path clientConfig(Path dir, String name, String user, String password) throws Exception {
    return Files.writeString(
        dir.resolve(name),
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
            + jaas(user, password)
            + "\n");
  }

  static void ownerOnly(Path file) throws Exception {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void everyClientLogsInFromTheOneConfigAndWithoutItIsRefusedSayingWhy(@TempDir Path dir)
      throws Exception {
    Path members = Files.writeString(dir.resolve("members.yaml"), RunningItForRealITCase.MEMBERS);
    Path admin = clientConfig(dir, "admin.properties", "admin", "admin-secret");
    Path rail = clientConfig(dir, "rail.properties", RAIL, "rail-secret");
    Path wrong = clientConfig(dir, "wrong.properties", RAIL, "not-the-password");
    Files.setPosixFilePermissions(admin, PosixFilePermissions.fromString("rw-r--r--"));
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(saslBroker())) {
      String bootstrap = broker.bootstrapServers();

      // A password in a file others can read: refused before any connection, the fix named.
      EdgeCommandsTest.Result open =
          EdgeCommandsTest.run(
              "",
              "topics",
              "apply",
              "--members",
              members.toString(),
              "--bootstrap",
              bootstrap,
              "--kafka-config",
              admin.toString());
      assertThat(open.exit()).isEqualTo(2);
      assertThat(open.err())
          .contains("holds a password (sasl.jaas.config)")
          .contains("chmod 600 " + admin)
          .doesNotContain("admin-secret");
      ownerOnly(admin);
      ownerOnly(rail);
      ownerOnly(wrong);

      // The admin creates the topics (Kafka's tools' spelling of the option works too).
      EdgeCommandsTest.Result topics =
          EdgeCommandsTest.run(
              "",
              "topics",
              "apply",
              "--members",
              members.toString(),
              "--bootstrap",
              bootstrap,
              "--command-config",
              admin.toString(),
              "--partitions",
              "1");
      assertThat(topics.exit()).as(topics.err()).isZero();
      assertThat(topics.out()).contains("+ telemetry." + RAIL);

      // The member's edge writes its telemetry as itself.
      Path policy =
          Files.writeString(
              dir.resolve("policy.yaml"),
              "id: rail-edge\nversion: \"2026-12-1\"\ntlp: AMBER\nkeyFile: rail.keys.yaml\n");
      Path log = Files.writeString(dir.resolve("dns.log"), RunningItForRealITCase.RAIL_LOG);
      EdgeCommandsTest.Result edge =
          EdgeCommandsTest.run(
              "",
              "sanitize",
              "--format",
              "zeek-json",
              "--member",
              RAIL,
              "--sector",
              "rail",
              "--policy",
              policy.toString(),
              "--in",
              log.toString(),
              "--kafka",
              bootstrap,
              "--kafka-config",
              rail.toString());
      assertThat(edge.exit()).as(edge.err()).isZero();
      assertThat(edge.out() + edge.err()).contains("events out: 4 ");

      Path bundle =
          Files.writeString(
              dir.resolve("indicators.json"),
              "{\"type\":\"bundle\",\"id\":\"bundle--6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\","
                  + "\"objects\":["
                  + RunningItForRealITCase.indicator(
                      RunningItForRealITCase.CAMPAIGN,
                      "TARMAC PANDA C2",
                      "[domain-name:value = 'update.tarmac-panda.example']",
                      RunningItForRealITCase.GREEN)
                  + ","
                  + RunningItForRealITCase.indicator(
                      RunningItForRealITCase.RAIL_ONLY,
                      "signal-relay infrastructure",
                      "[domain-name:value LIKE '%.signal-relay.example']",
                      RunningItForRealITCase.AMBER)
                  + "]}");
      EdgeCommandsTest.Result imported =
          EdgeCommandsTest.run(
              "",
              "indicators",
              "import",
              bundle.toString(),
              "--format",
              "stix",
              "--source",
              "isac-secretariat",
              "--kafka",
              bootstrap,
              "--kafka-config",
              admin.toString());
      assertThat(imported.exit()).as(imported.err()).isZero();
      assertThat(imported.out() + imported.err()).contains("imported 2,");

      // The correlate job, as its main gets it: kafka.properties.*, the password in a file that
      // Kafka's FileConfigProvider reads in each client's own process.
      Path secret =
          Files.writeString(dir.resolve("correlate.secret"), "password=correlate-secret\n");
      ownerOnly(secret);
      Configuration conf = new Configuration();
      conf.set(PipelineOptions.GENERIC_TYPES, false);
      conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
      conf.set(CorrelateOptions.MEMBERS, members.toString());
      conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
      conf.set(CorrelateOptions.CHECKPOINT_INTERVAL, java.time.Duration.ofSeconds(1));
      conf.setString("kafka.properties.security.protocol", "SASL_PLAINTEXT");
      conf.setString("kafka.properties.sasl.mechanism", "PLAIN");
      conf.setString("kafka.properties.config.providers", "file");
      conf.setString(
          "kafka.properties.config.providers.file.class",
          "org.apache.kafka.common.config.provider.FileConfigProvider");
      conf.setString(
          "kafka.properties.sasl.jaas.config",
          jaas("correlate", "${file:" + secret + ":password}"));
      assertThat(conf.toMap().toString()).doesNotContain("correlate-secret");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
      CorrelateJob.configure(env, conf);
      env.setParallelism(1);
      CorrelateKafka.attach(env, conf, true);
      env.execute("correlate over SASL");

      // The member's export reads the sightings (read_committed) as itself.
      Path out = dir.resolve("sightings.json");
      EdgeCommandsTest.Result export =
          EdgeCommandsTest.run(
              "",
              "sightings",
              "export",
              "--stix",
              "--kafka",
              bootstrap,
              "--kafka-config",
              rail.toString(),
              "--audience",
              "member:" + RAIL,
              "--members",
              members.toString(),
              "--out",
              out.toString());
      assertThat(export.exit()).as(export.err()).isZero();
      int exported = 0;
      for (var o : RunningItForRealITCase.JSON.readTree(out.toFile()).get("objects")) {
        exported += o.get("type").asText().equals("sighting") ? 1 : 0;
      }
      assertThat(exported)
          .as("the campaign's domain and the rail operator's suffix match (%s)", export.err())
          .isEqualTo(2);

      // No config: the SASL listener drops a PLAINTEXT client without a word; the command says why.
      EdgeCommandsTest.Result plain =
          EdgeCommandsTest.run(
              "",
              "correlate",
              "--bounded",
              "--bootstrap",
              bootstrap,
              "--members",
              members.toString());
      assertThat(plain.exit()).isEqualTo(1);
      assertThat(plain.err())
          .contains("no answer from " + bootstrap)
          .contains("no --kafka-config (PLAINTEXT, no login)")
          .contains("asks for SASL or TLS it drops such a client")
          .contains("pass --kafka-config FILE");

      // A wrong password: the broker's refusal, and what to check.
      EdgeCommandsTest.Result refused =
          EdgeCommandsTest.run(
              "",
              "sightings",
              "export",
              "--stix",
              "--kafka",
              bootstrap,
              "--kafka-config",
              wrong.toString(),
              "--timeout",
              "20s",
              "--out",
              dir.resolve("none.json").toString());
      assertThat(refused.exit()).isEqualTo(2);
      assertThat(refused.err())
          .contains("Authentication failed")
          .contains("Check that the login of " + wrong)
          .doesNotContain("not-the-password");

      // A password on the command line is refused before anything starts.
      EdgeCommandsTest.Result onCommandLine =
          EdgeCommandsTest.run(
              "",
              "correlate",
              "--bootstrap",
              bootstrap,
              "--set",
              "kafka.properties.sasl.jaas.config=" + jaas("correlate", "correlate-secret"));
      assertThat(onCommandLine.exit()).isEqualTo(2);
      assertThat(onCommandLine.err())
          .contains("kafka.properties.sasl.jaas.config puts a password on the command line")
          .doesNotContain("correlate-secret");
    }
  }
}
