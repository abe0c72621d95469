package org.signalbox.kafka;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one place every Kafka client of Signalbox gets its settings from: producers, consumers and
 * admin clients of the commands, the edge and the gateway, and the sources and sinks of the Flink
 * jobs. It holds where the brokers are and the settings of one login (security.protocol, sasl.*,
 * ssl.*: whatever {@code --kafka-config FILE} or the jobs' {@code kafka.properties.*} say), which
 * are passed through untouched, like Kafka's own tools do with {@code --command-config}.
 *
 * <p>What it adds, the same for every client: readers read {@code read_committed}, so that what the
 * jobs write inside a Kafka transaction is seen once it is committed and never when it is aborted
 * (the jobs' sinks are exactly-once); producers are idempotent with {@code acks=all}, so a retry
 * does not duplicate a record. These are set after the file's settings: they are what the project's
 * correctness rests on, not a tuning knob. A client's own settings (client id, linger, serializers)
 * are set by its caller on the copy it gets.
 *
 * <p>Serializable, because Flink functions that talk to Kafka from a TaskManager carry it; {@link
 * #toString} never prints a secret.
 */
public final class KafkaClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final TreeMap<String, String> settings;
  private final String origin;

  private KafkaClientConfig(String bootstrapServers, Map<String, String> settings, String origin) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "no Kafka bootstrap servers: give them on the command line or as bootstrap.servers in"
              + " the client config");
    }
    this.bootstrapServers = bootstrapServers.strip();
    this.settings = new TreeMap<>(settings);
    this.settings.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    this.origin = origin;
  }

  /** A client of a PLAINTEXT listener: no login, no encryption (the demo, tests, loopback). */
  public static KafkaClientConfig plaintext(String bootstrapServers) {
    return new KafkaClientConfig(bootstrapServers, Map.of(), null);
  }

  /**
   * A client with these settings (a {@code bootstrap.servers} among them is ignored: {@code
   * bootstrapServers} is where it connects).
   */
  public static KafkaClientConfig of(String bootstrapServers, Map<String, ?> settings) {
    Map<String, String> s = new LinkedHashMap<>();
    settings.forEach((k, v) -> s.put(k, String.valueOf(v)));
    return new KafkaClientConfig(bootstrapServers, s, null);
  }

  /**
   * As {@link #of(String, Map)}, naming where the settings came from (a file, {@code
   * kafka.properties.*}) for messages.
   */
  public static KafkaClientConfig of(
      String bootstrapServers, Map<String, ?> settings, String origin) {
    Map<String, String> s = new LinkedHashMap<>();
    settings.forEach((k, v) -> s.put(k, String.valueOf(v)));
    return new KafkaClientConfig(bootstrapServers, s, origin);
  }

  /**
   * A client with the settings of a properties file ({@link KafkaConfigFile#read}: refused when it
   * holds a password others can read).
   *
   * @param bootstrapServers where to connect; null for the file's {@code bootstrap.servers}
   * @param option how the user named the file, for messages, e.g. {@code --kafka-config}
   * @throws IllegalArgumentException with the reason, when the file cannot be used
   */
  public static KafkaClientConfig load(String bootstrapServers, Path file, String option) {
    Map<String, String> s = KafkaConfigFile.read(file, option);
    String bootstrap =
        bootstrapServers != null
            ? bootstrapServers
            : s.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          option
              + ": no bootstrap servers: give them on the command line or as bootstrap.servers"
              + " in "
              + file);
    }
    return new KafkaClientConfig(bootstrap, s, file.toString());
  }

  /**
   * What a command's {@code --bootstrap} and {@code --kafka-config} say.
   *
   * @param file the file of {@code option}, or null for none: then a PLAINTEXT client of {@code
   *     bootstrapServers}
   * @throws IllegalArgumentException with the reason, when the file cannot be used
   */
  public static KafkaClientConfig fromOptions(String bootstrapServers, Path file, String option) {
    return file == null ? plaintext(bootstrapServers) : load(bootstrapServers, file, option);
  }

  /** The same login at other bootstrap servers. */
  public KafkaClientConfig withBootstrapServers(String bootstrapServers) {
    return new KafkaClientConfig(bootstrapServers, settings, origin);
  }

  /** These settings added to (and overriding) this config's. */
  public KafkaClientConfig with(Map<String, String> more) {
    Map<String, String> s = new TreeMap<>(settings);
    s.putAll(more);
    return new KafkaClientConfig(bootstrapServers, s, origin);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The login's settings as given (without bootstrap.servers): secrets included, handle with care.
   */
  public Map<String, String> settings() {
    return Collections.unmodifiableMap(settings);
  }

  /** {@code security.protocol}, PLAINTEXT unless set. */
  public String securityProtocol() {
    return settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
  }

  /** The file the settings came from, or null. */
  public String origin() {
    return origin;
  }

  /**
   * What a message about a refused or unanswered connection should say about the login: the file,
   * or that there was none and the client spoke PLAINTEXT.
   */
  public String describeLogin() {
    if (origin != null) {
      return "the login of " + origin + " (security.protocol=" + securityProtocol() + ")";
    }
    if (settings.isEmpty()) {
      return "no client config (PLAINTEXT, no login)";
    }
    return "security.protocol=" + securityProtocol();
  }

  /**
   * The hint to append when a broker refused or did not answer this client: a SASL or TLS listener
   * drops a PLAINTEXT client without a reply, so "no answer" usually means a missing config.
   */
  public String connectionHint(String option) {
    if (origin == null && settings.isEmpty()) {
      return "This client used no "
          + option
          + " (PLAINTEXT, no login): if the listener at "
          + bootstrapServers
          + " asks for SASL or TLS it drops such a client without a reply; pass "
          + option
          + " FILE with security.protocol, sasl.mechanism and sasl.jaas.config (see the README:"
          + " Kafka client configuration).";
    }
    return "Check that "
        + describeLogin()
        + " matches the listener at "
        + bootstrapServers
        + " (security.protocol, sasl.mechanism, user and password).";
  }

  /** Bootstrap servers and the login: what an admin client needs. A fresh copy. */
  public Properties admin() {
    Properties p = new Properties();
    p.putAll(settings);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** As {@link #admin()}, as a map (Admin.create, RequiredTopics, SignalboxTopics). */
  public Map<String, Object> adminMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    admin().forEach((k, v) -> m.put(String.valueOf(k), v));
    return m;
  }

  /**
   * A producer of byte arrays: the login, {@code acks=all}, idempotent, with {@code clientId}. A
   * fresh copy; add the producer's own settings to it.
   */
  public Properties producer(String clientId) {
    Properties p = admin();
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (clientId != null) {
      p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    }
    return p;
  }

  /**
   * A consumer of byte arrays that reads only committed records ({@code read_committed}), with
   * {@code clientId}. A fresh copy; add the consumer's own settings (group, offsets) to it.
   */
  public Properties consumer(String clientId) {
    Properties p = admin();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED);
    if (clientId != null) {
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    }
    return p;
  }

  /** {@code isolation.level} of every reader. */
  public static final String READ_COMMITTED = "read_committed";

  /**
   * What a Flink {@code KafkaSource} is given ({@code setProperties}): bootstrap servers, the
   * login, {@code read_committed}. The source sets its own deserializers, group and offsets.
   */
  public Properties flinkSource() {
    Properties p = admin();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED);
    return p;
  }

  /**
   * What a Flink {@code KafkaSink} is given ({@code setKafkaProducerConfig}): bootstrap servers and
   * the login. The sink decides idempotence and transactions from its delivery guarantee.
   */
  public Properties flinkSink() {
    Properties p = admin();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaClientConfig c
        && c.bootstrapServers.equals(bootstrapServers)
        && c.settings.equals(settings)
        && Objects.equals(c.origin, origin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bootstrapServers, settings, origin);
  }

  /** Bootstrap servers and settings, with every secret value shown as {@code [hidden]}. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    settings.forEach((k, v) -> shown.put(k, KafkaConfigFile.isSecretKey(k) ? "[hidden]" : v));
    return "KafkaClientConfig{" + bootstrapServers + ", " + shown + "}";
  }
}
