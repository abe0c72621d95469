package org.signalbox.cli;

import java.nio.file.Path;
import org.signalbox.kafka.KafkaClientConfig;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}, the same on every command that talks to Kafka: the login of every
 * producer, consumer and admin client the command builds, and of the job's sources and sinks.
 */
final class KafkaConfigOption {
  static final String NAME = "--kafka-config";

  static final String DESCRIPTION =
      "Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config,"
          + " ssl.truststore.*, ssl.keystore.*), passed to every Kafka client of the command, as"
          + " Kafka's tools take them with --command-config. Passwords belong in this file (or in"
          + " environment variables it refers to with config.providers=env and ${env:NAME}), never"
          + " on the command line; a file holding one is refused unless only its owner may read it"
          + " (chmod 600). Without it: PLAINTEXT, no login.";

  @Option(names = NAME, paramLabel = "FILE", description = DESCRIPTION)
  Path file;

  /**
   * The client config of {@code bootstrap} with this option's file.
   *
   * @param bootstrap the command's bootstrap servers; null to take the file's bootstrap.servers
   * @throws IllegalArgumentException when the file cannot be used (with the reason and the fix)
   */
  KafkaClientConfig client(String bootstrap) {
    return KafkaClientConfig.fromOptions(bootstrap, file, NAME);
  }
}
