package org.signalbox.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The admin client settings of a command that changes the broker ({@code acls}, {@code topics
 * apply}): the file of {@code --command-config} (security.protocol, sasl.*, ssl.*, passed through
 * untouched, like Kafka's own tools), the bootstrap servers and the time to wait for answers.
 */
final class CommandConfig {
  private CommandConfig() {}

  /**
   * @param file the properties file, or null for none (PLAINTEXT)
   * @throws IllegalArgumentException when the file is missing or unreadable
   */
  static Properties admin(Path file, String bootstrap, long timeoutSeconds) {
    Properties config = new Properties();
    if (file != null) {
      try (InputStream in = Files.newInputStream(file)) {
        config.load(in);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--command-config: no such file: " + file);
      } catch (IOException e) {
        throw new IllegalArgumentException("--command-config: cannot read " + file + ": " + e);
      }
    }
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    String ms = String.valueOf(TimeUnit.SECONDS.toMillis(timeoutSeconds));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    return config;
  }
}
