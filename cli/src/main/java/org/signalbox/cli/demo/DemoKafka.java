package org.signalbox.cli.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.cli.secure.SecureLocalBroker;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The demo's broker and who logs in to it. Plain: one loopback PLAINTEXT broker that every part
 * uses without a login. Secure ({@code demo --secure}): the broker of {@code signalbox broker
 * --security sasl-ssl} (SASL_SSL, SCRAM-SHA-512, the StandardAuthorizer, the ACLs of {@code
 * signalbox acls}), and every part logs in as its own principal with the client file the broker
 * wrote for it: each member writes its own telemetry and feedback, the importer the indicators, the
 * correlate and campaign jobs and the gateway as their service accounts, the console as the admin.
 */
final class DemoKafka implements AutoCloseable {

  /** Who reads the console's topics: the operator (everything, to count it). */
  static final String CONSOLE = SecureLocalBroker.ADMIN;

  private final LocalKafkaBroker plain;
  private final SecureLocalBroker secure;

  private DemoKafka(LocalKafkaBroker plain, SecureLocalBroker secure) {
    this.plain = plain;
    this.secure = secure;
  }

  static DemoKafka start(MemberDirectory directory, boolean secure, Path clientConfigDir)
      throws Exception {
    if (!secure) {
      return new DemoKafka(LocalKafkaBroker.start(new LocalKafkaBroker.Options()), null);
    }
    return new DemoKafka(
        null,
        SecureLocalBroker.start(
            directory,
            new LocalKafkaBroker.Options().readinessTimeout(Duration.ofSeconds(120)),
            clientConfigDir));
  }

  boolean secure() {
    return secure != null;
  }

  LocalKafkaBroker broker() {
    return secure != null ? secure.broker() : plain;
  }

  String bootstrapServers() {
    return secure != null ? secure.bootstrapServers() : plain.bootstrapServers();
  }

  /** The admin's client properties (topics are created with them). */
  Map<String, String> adminProperties() {
    return broker().clientProperties();
  }

  /** The client file {@code principal} logs in with; empty on the plain broker. */
  Optional<Path> configFile(String principal) {
    return secure != null ? Optional.of(secure.clientConfig(principal)) : Optional.empty();
  }

  /** The client configuration of {@code principal}. */
  KafkaClientConfig login(String principal) {
    if (secure == null) {
      return KafkaClientConfig.of(plain.bootstrapServers(), plain.clientProperties());
    }
    return KafkaClientConfig.load(
        secure.bootstrapServers(), secure.clientConfig(principal), "demo --secure");
  }

  /** Where the secure broker wrote the client files, for the console. */
  Optional<Path> clientConfigDir() {
    return secure != null ? Optional.of(secure.clientConfigDir()) : Optional.empty();
  }

  /** The secure broker's certificate fingerprint, for the console. */
  Optional<String> fingerprint() {
    return secure != null ? Optional.of(secure.fingerprint()) : Optional.empty();
  }

  /**
   * Producers of the demo's input: on the secure broker one per principal, chosen by the topic (a
   * member's {@code telemetry.<id>} and {@code feedback.<id>} with that member's login, everything
   * else with the importer's); on the plain broker one for all.
   */
  Senders senders(Consumer<String> say) {
    return new Senders(this, say);
  }

  @Override
  public void close() {
    if (secure != null) {
      secure.close();
    } else {
      plain.close();
    }
  }

  /** Sends each record as the principal that owns its topic; see {@link #senders}. */
  static final class Senders implements AutoCloseable {
    private final DemoKafka kafka;
    private final Consumer<String> say;
    private final Map<String, KafkaProducer<byte[], byte[]>> producers = new LinkedHashMap<>();
    private final Map<String, ResendingProducer> resending = new LinkedHashMap<>();

    private Senders(DemoKafka kafka, Consumer<String> say) {
      this.kafka = kafka;
      this.say = say;
    }

    static String principalOf(String topic) {
      for (String prefix :
          new String[] {SignalboxTopics.TELEMETRY_PREFIX, SignalboxTopics.FEEDBACK_PREFIX}) {
        if (topic.startsWith(prefix)) {
          return topic.substring(prefix.length());
        }
      }
      return "importer";
    }

    private synchronized ResendingProducer of(String topic) {
      String principal = kafka.secure() ? principalOf(topic) : "demo";
      return resending.computeIfAbsent(
          principal,
          p -> {
            Properties props = kafka.login(p).producer("signalbox-demo-" + p);
            props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
            producers.put(p, producer);
            return new ResendingProducer(producer, say);
          });
    }

    void send(ProducerRecord<byte[], byte[]> r) {
      of(r.topic()).send(r);
    }

    /** Flushes every producer, sending again what was not acknowledged. */
    void flush() {
      java.util.List<ResendingProducer> all;
      synchronized (this) {
        all = java.util.List.copyOf(resending.values());
      }
      all.forEach(ResendingProducer::flush);
    }

    @Override
    public synchronized void close() {
      producers.values().forEach(KafkaProducer::close);
    }
  }
}
