package org.signalbox.cli;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.signalbox.kafka.KafkaClientConfig;

/**
 * The admin client settings of a command that changes the broker ({@code acls}, {@code topics
 * apply}): the login of {@code --kafka-config} (also spelled {@code --command-config}, like Kafka's
 * own tools), read by the one client factory ({@link KafkaClientConfig}), the bootstrap servers and
 * the time to wait for answers.
 */
final class CommandConfig {
  private CommandConfig() {}

  /** The option's names: the project's, and Kafka's tools' spelling of the same. */
  static final String NAMES = "--kafka-config";

  /**
   * @param file the properties file, or null for none (PLAINTEXT)
   * @throws IllegalArgumentException when the file is missing, unreadable, or holds a password
   *     others can read
   */
  static Properties admin(Path file, String bootstrap, long timeoutSeconds) {
    Properties config = KafkaClientConfig.fromOptions(bootstrap, file, NAMES).admin();
    String ms = String.valueOf(TimeUnit.SECONDS.toMillis(timeoutSeconds));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    return config;
  }
}
