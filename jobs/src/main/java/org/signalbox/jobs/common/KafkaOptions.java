package org.signalbox.jobs.common;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.kafka.KafkaConfigFile;

/**
 * Where every job's Kafka clients connect and how they log in: one {@link KafkaClientConfig} per
 * job, built here from the job's configuration, from which its sources, sinks and admin clients are
 * all made.
 */
public final class KafkaOptions {
  private KafkaOptions() {}

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .defaultValue("127.0.0.1:9092")
          .withDescription("Kafka bootstrap servers.");

  /**
   * A prefix map: {@code kafka.properties.security.protocol=SASL_SSL} is the client property {@code
   * security.protocol}. Flink hides the values of keys that contain {@code password} or {@code
   * jaas.config} in its logs and web UI; the values still travel with the job to every TaskManager,
   * which is why a reference ({@code ${env:NAME}}, {@code ${file:PATH:KEY}}) resolved there is the
   * better way to give a password.
   */
  public static final ConfigOption<Map<String, String>> PROPERTIES =
      ConfigOptions.key("kafka.properties")
          .mapType()
          .defaultValue(Map.of())
          .withDescription(
              "Kafka client properties for every source, sink and admin client of the job, one"
                  + " key each: kafka.properties.security.protocol=SASL_SSL,"
                  + " kafka.properties.sasl.mechanism=SCRAM-SHA-512, kafka.properties.sasl.jaas.config=...,"
                  + " kafka.properties.ssl.truststore.location=... . Override kafka.config-file."
                  + " Give a password as a reference resolved on each TaskManager"
                  + " (kafka.properties.config.providers=env,"
                  + " kafka.properties.config.providers.env.class="
                  + "org.apache.kafka.common.config.provider.EnvVarConfigProvider, then"
                  + " password=\"${env:NAME}\"), not in clear on a command line.");

  public static final ConfigOption<String> CONFIG_FILE =
      ConfigOptions.key("kafka.config-file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Kafka client properties file (as --kafka-config of the commands), read where the job"
                  + " is built; refused when it holds a password and group or others may read it"
                  + " (chmod 600). kafka.properties.* override its entries.");

  public static final List<ConfigOption<?>> ALL =
      List.of(BOOTSTRAP_SERVERS, CONFIG_FILE, PROPERTIES);

  /**
   * The job's Kafka client config: {@link #BOOTSTRAP_SERVERS}, the entries of {@link #CONFIG_FILE},
   * then {@link #PROPERTIES}.
   *
   * @throws IllegalArgumentException when the file cannot be used (missing, unreadable, a password
   *     others may read), with the reason
   */
  public static KafkaClientConfig client(ReadableConfig conf) {
    Map<String, String> settings = new LinkedHashMap<>();
    String file = conf.getOptional(CONFIG_FILE).orElse(null);
    if (file != null && !file.isBlank()) {
      settings.putAll(KafkaConfigFile.read(Path.of(file), CONFIG_FILE.key()));
    }
    Map<String, String> properties = conf.get(PROPERTIES);
    settings.putAll(properties);
    String origin =
        file != null && !file.isBlank()
            ? file + (properties.isEmpty() ? "" : " and " + PROPERTIES.key() + ".*")
            : properties.isEmpty() ? null : PROPERTIES.key() + ".*";
    String bootstrap =
        conf.getOptional(BOOTSTRAP_SERVERS)
            .orElse(settings.getOrDefault("bootstrap.servers", BOOTSTRAP_SERVERS.defaultValue()));
    return KafkaClientConfig.of(bootstrap, settings, origin);
  }

  /**
   * Refuses a password written out in {@code settings} given on a command line ({@code --set
   * kafka.properties.sasl.jaas.config=...}): every user of the machine sees a process's arguments.
   * A reference ({@code ${env:NAME}}) is fine.
   *
   * @param settings job options as given on the command line
   * @param how how the user passed them, for the message, e.g. {@code --set}
   * @throws IllegalArgumentException naming the keys (never their values) and where to put them
   */
  public static void refuseSecretsOnCommandLine(Map<String, String> settings, String how) {
    Map<String, String> kafka = new LinkedHashMap<>();
    String prefix = PROPERTIES.key() + ".";
    settings.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            kafka.put(k, v);
          }
        });
    List<String> secrets = KafkaConfigFile.secretKeys(kafka);
    if (!secrets.isEmpty()) {
      throw new IllegalArgumentException(
          how
              + " "
              + String.join(", ", secrets)
              + " puts a password on the command line, where every user of the machine can read"
              + " it in the process list. Put it in a client config file readable by you only"
              + " (--kafka-config FILE, chmod 600), or refer to an environment variable"
              + " (config.providers=env and password=\"${env:NAME}\").");
    }
  }

  /** How a user of the jobs gives the client config, for the hints of refused connections. */
  public static final String CONFIG_HINT = "kafka.config-file (or kafka.properties.*)";
}
