package org.signalbox.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.signalbox.kafka.KafkaClientConfig;

/**
 * Checks, before a producer or a job starts, that the topics it writes to (and reads from) exist.
 *
 * <p>Why: Signalbox's brokers do not create topics on demand (the topic layout, with its compaction
 * and retention, is created by {@code signalbox topics apply}). A Kafka producer asked to write to
 * a missing topic does not fail: it waits {@code max.block.ms} (60 s) for metadata on every send
 * and then reports {@code Topic x not present in metadata}; a Flink job fails after that and
 * restarts for ever. Asking the broker once up front turns that into one message that names the
 * topic and the command that creates it.
 */
public final class RequiredTopics {

  /** The command that creates the topics, as an operator types it. */
  public static final String CREATE_COMMAND =
      "signalbox topics apply --members FILE --bootstrap HOST:PORT";

  /** How long a topic that is not there yet is looked up again before it counts as missing. */
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private RequiredTopics() {}

  /** Some topics a program needs are not there (or not visible to its login). */
  public static final class MissingTopicsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final List<String> missing;

    MissingTopicsException(String message, List<String> missing) {
      super(message);
      this.missing = List.copyOf(missing);
    }

    /** The topics that do not exist, in the order they were asked for. */
    public List<String> missing() {
      return missing;
    }
  }

  /**
   * Asks the broker whether each topic exists.
   *
   * @param clientConfig admin client settings: bootstrap servers and, for a secured broker, the
   *     login (a member's login needs DESCRIBE on its topics, which {@code signalbox acls} grants)
   * @param who what needs the topics, for the message, e.g. {@code "sanitize --kafka"}
   * @throws MissingTopicsException naming every missing topic and {@link #CREATE_COMMAND}, or that
   *     the login may not see a topic, or that the broker did not answer in time
   */
  public static void require(
      Map<String, ?> clientConfig, Collection<String> topics, String who, Duration timeout) {
    List<String> names = new ArrayList<>(new LinkedHashSet<>(topics));
    if (names.isEmpty()) {
      return;
    }
    Object bootstrap = clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    Properties config = new Properties();
    config.putAll(clientConfig);
    String ms = String.valueOf(Math.max(1000, timeout.toMillis()));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    List<String> missing = new ArrayList<>();
    List<String> forbidden = new ArrayList<>();
    try (Admin admin = Admin.create(config)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      // A topic created a moment ago may not be in every broker's metadata yet: look the missing
      // ones up again for a few seconds before calling them missing.
      long settle = System.nanoTime() + Math.min(timeout.toNanos(), SETTLE.toNanos());
      List<String> ask = names;
      while (true) {
        missing.clear();
        lookUp(admin, ask, who, bootstrap, timeout, deadline, missing, forbidden);
        if (missing.isEmpty() || System.nanoTime() >= settle) {
          break;
        }
        ask = List.copyOf(missing);
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(who + ": interrupted while looking up topics", e);
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingTopicsException(
          who
              + ": "
              + (missing.size() == 1 ? "topic " : "topics ")
              + String.join(", ", missing)
              + (missing.size() == 1 ? " does" : " do")
              + " not exist on "
              + bootstrap
              + ", and the broker does not create topics on demand. The ISAC creates every"
              + " topic of the member directory with: "
              + CREATE_COMMAND,
          missing);
    }
    if (!forbidden.isEmpty()) {
      throw new MissingTopicsException(
          who
              + ": not authorized: the broker's ACLs do not let this login use "
              + String.join(", ", forbidden)
              + " on "
              + bootstrap
              + " (TopicAuthorizationException, no DESCRIBE). A member may write only its own"
              + " telemetry.<id> and feedback.<id> topics; the ISAC grants them with: signalbox"
              + " acls --members FILE --bootstrap HOST:PORT",
          forbidden);
    }
  }

  /**
   * For a command that starts a producer or a job on {@code bootstrap}: why it cannot start (a
   * missing or hidden topic, or no answer within 30 s, as {@link #require} says it), or empty.
   */
  public static java.util.Optional<String> problem(
      String bootstrap, Collection<String> topics, String who) {
    return problem(KafkaClientConfig.plaintext(bootstrap), topics, who, "--kafka-config");
  }

  /**
   * As {@link #problem(String, Collection, String)} for a client with a login. When the broker
   * refuses the login or does not answer, the message adds what to check ({@link
   * KafkaClientConfig#connectionHint}): a SASL or TLS listener drops a client without one silently.
   *
   * @param configOption how the user gives the client config, for the hint, e.g. {@code
   *     --kafka-config}
   */
  public static java.util.Optional<String> problem(
      KafkaClientConfig client, Collection<String> topics, String who, String configOption) {
    try {
      require(client, topics, who, Duration.ofSeconds(30), configOption);
      return java.util.Optional.empty();
    } catch (IllegalStateException e) {
      return java.util.Optional.of(e.getMessage());
    }
  }

  /**
   * As {@link #require(Map, Collection, String, Duration)} with the admin settings of {@code
   * client}; a refused login or no answer says what to check.
   */
  public static void require(
      KafkaClientConfig client,
      Collection<String> topics,
      String who,
      Duration timeout,
      String configOption) {
    try {
      require(client.adminMap(), topics, who, timeout);
    } catch (MissingTopicsException e) {
      throw e;
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          e.getMessage() + ". " + client.connectionHint(configOption), e);
    }
  }

  private static void lookUp(
      Admin admin,
      List<String> names,
      String who,
      Object bootstrap,
      Duration timeout,
      long deadline,
      List<String> missing,
      List<String> forbidden) {
    Map<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> answers =
        admin.describeTopics(names).topicNameValues();
    for (String name : names) {
      try {
        answers
            .get(name)
            .get(
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          missing.add(name);
        } else if (e.getCause() instanceof TopicAuthorizationException) {
          forbidden.add(name);
        } else if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
          throw noAnswer(who, bootstrap, timeout);
        } else if (e.getCause() instanceof AuthenticationException) {
          throw new IllegalStateException(
              who
                  + ": the broker at "
                  + bootstrap
                  + " refused the login: "
                  + e.getCause().getMessage(),
              e.getCause());
        } else {
          throw new IllegalStateException(
              who + ": cannot look up topic " + name + " on " + bootstrap + ": " + e.getCause(),
              e.getCause());
        }
      } catch (TimeoutException e) {
        throw noAnswer(who, bootstrap, timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(who + ": interrupted while looking up topics", e);
      }
    }
  }

  private static IllegalStateException noAnswer(String who, Object bootstrap, Duration timeout) {
    return new IllegalStateException(
        who
            + ": no answer from "
            + bootstrap
            + " within "
            + timeout.toSeconds()
            + " s while looking up its topics; check the bootstrap address and the client's"
            + " security settings");
  }
}
