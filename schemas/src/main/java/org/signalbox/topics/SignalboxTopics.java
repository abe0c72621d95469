package org.signalbox.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka topic layout of Signalbox, and creation of its topics.
 *
 * <ul>
 *   <li>{@value #INDICATORS}: the community's indicators, keyed by indicator id, compacted. It is
 *       the source of truth: the correlate job's indicator state can always be rebuilt from it, so
 *       it must keep the latest record of every key rather than expire by age.
 *   <li>{@code telemetry.<member>}: one member's sanitized telemetry; one topic per member so ACLs
 *       and quotas can be set per member.
 *   <li>{@value #SIGHTINGS}: matches of telemetry against indicators.
 *   <li>{@value #CAMPAIGN_ALERTS}: one indicator, actor or TTP seen at several members.
 *   <li>{@code feed.member.<id>}, {@code feed.group.<name>}, {@value #COMMUNITY_FEED}, {@value
 *       #PUBLIC_FEED}: what one audience may see, after TLP routing and pseudonymisation (written
 *       by the sharing router, served by the TAXII gateway; {@link #feedTopic(String)} is the one
 *       naming rule both use).
 *   <li>{@code feedback.<member>}: one member's verdicts (false / true positive) on indicators; the
 *       topic names the member, so a verdict claiming another member is a forgery.
 *   <li>{@value #INDICATOR_SCORES}: each indicator's moving confidence, keyed by indicator id,
 *       compacted, so that a source can read the latest score of each of its indicators.
 *   <li>{@value #DEAD_LETTER}: records that could not be processed, with the reason.
 *   <li>{@value #INDICATOR_AUDIT}: changes to indicators applied although they did not come from
 *       the indicator's original source (the secretariat's, Kafka tombstones), for the secretariat.
 *       Kept without a time limit: an audit trail that expires is not one.
 *   <li>{@value #TRENDS}: the trends job's hourly, daily and weekly figures, read by the report.
 * </ul>
 *
 * <p>Which of these topics a member directory implies, with partitions, compaction and retention,
 * is {@code org.signalbox.jobs.sharing.TopicPlan} ({@code signalbox topics apply}).
 */
public final class SignalboxTopics {

  private static final Logger LOG = LoggerFactory.getLogger(SignalboxTopics.class);

  public static final String INDICATORS = "indicators";
  public static final String SIGHTINGS = "sightings";
  public static final String DEAD_LETTER = "deadletter";
  public static final String CAMPAIGN_ALERTS = "campaign-alerts";
  public static final String FEEDBACK_PREFIX = "feedback.";
  public static final String INDICATOR_SCORES = "indicator-scores";
  public static final String INDICATOR_AUDIT = "indicator-audit";
  public static final String TRENDS = "trends";

  public static final String TELEMETRY_PREFIX = "telemetry.";
  public static final String FEED_PREFIX = "feed.";
  public static final String MEMBER_FEED_PREFIX = FEED_PREFIX + "member.";
  public static final String GROUP_FEED_PREFIX = FEED_PREFIX + "group.";
  public static final String COMMUNITY_FEED = FEED_PREFIX + "community";
  public static final String PUBLIC_FEED = FEED_PREFIX + "public";

  /** Kafka's limit on a topic name's length. */
  public static final int MAX_TOPIC_NAME_LENGTH = 249;

  private SignalboxTopics() {}

  /**
   * The feedback topic of one member, e.g. {@code feedback.rail-operator-7}: per member, like
   * telemetry, so that a literal write ACL ({@code signalbox acls}) proves who sent a verdict.
   */
  public static String feedbackTopic(String member) {
    return prefixed(FEEDBACK_PREFIX, "member", member);
  }

  /** The telemetry topic of one member, e.g. {@code telemetry.rail-operator-7}. */
  public static String telemetryTopic(String member) {
    return prefixed(TELEMETRY_PREFIX, "member", member);
  }

  /**
   * The feed topic of one audience, named as the sharing router names it ({@code
   * org.signalbox.jobs.sharing.Audience#topic()} delegates here) and the gateway reads it:
   *
   * <ul>
   *   <li>{@code member:<id>} → {@code feed.member.<id>}, one member's own feed;
   *   <li>{@code group:<name>} → {@code feed.group.<name>}, a sharing group such as {@code rail};
   *   <li>{@code community} → {@value #COMMUNITY_FEED}, {@code public} → {@value #PUBLIC_FEED};
   *   <li>any other name without a kind → {@code feed.<name>}, a feed written by something other
   *       than the router (e.g. {@code feed.tlp-green-rail}).
   * </ul>
   *
   * @throws IllegalArgumentException for an unknown kind, or a name that cannot be part of a topic
   *     name (with the offending character and its position in the name)
   */
  public static String feedTopic(String audience) {
    if (audience == null || audience.isEmpty()) {
      throw new IllegalArgumentException("audience name is empty");
    }
    int colon = audience.indexOf(':');
    if (colon < 0) {
      return prefixed(FEED_PREFIX, "audience", audience);
    }
    String kind = audience.substring(0, colon);
    String name = audience.substring(colon + 1);
    switch (kind) {
      case "member":
        return memberFeedTopic(name);
      case "group":
        return groupFeedTopic(name);
      default:
        throw new IllegalArgumentException(
            "audience \""
                + audience
                + "\" has an unknown kind '"
                + kind
                + "'; expected member:<id>, group:<name>, community or public");
    }
  }

  /**
   * An audience's digest topic: its feed topic with {@code .digest-hourly} or {@code .digest-daily}
   * appended, e.g. {@code feed.member.m-rail-01.digest-daily}.
   *
   * @param period "hourly" or "daily" (any case)
   */
  public static String digestTopic(String audience, String period) {
    String p = period.toLowerCase(java.util.Locale.ROOT);
    if (!p.equals("hourly") && !p.equals("daily")) {
      throw new IllegalArgumentException(
          "digest period '" + period + "' is neither hourly nor daily");
    }
    return validateTopicName(feedTopic(audience) + ".digest-" + p);
  }

  /** One member's own feed, e.g. {@code feed.member.m-rail-01}. */
  public static String memberFeedTopic(String member) {
    return prefixed(MEMBER_FEED_PREFIX, "member", notADigestName("member", member));
  }

  /** A sharing group's feed, e.g. {@code feed.group.rail}. */
  public static String groupFeedTopic(String group) {
    return prefixed(GROUP_FEED_PREFIX, "group", notADigestName("group", group));
  }

  /**
   * Checks a name against Kafka's rules for topic names (ASCII letters, digits, '.', '_', '-', at
   * most 249 characters, not "." or "..").
   *
   * @throws IllegalArgumentException naming the first illegal character and its position
   */
  public static String validateTopicName(String topic) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic name is empty");
    }
    if (topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("topic name cannot be \"" + topic + "\"");
    }
    if (topic.length() > MAX_TOPIC_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "topic name is "
              + topic.length()
              + " characters long, Kafka allows at most "
              + MAX_TOPIC_NAME_LENGTH
              + ": "
              + topic.substring(0, 40)
              + "...");
    }
    for (int i = 0; i < topic.length(); i++) {
      if (!isLegal(topic.charAt(i))) {
        throw new IllegalArgumentException(
            "topic name \""
                + topic
                + "\" has an illegal character "
                + describe(topic.charAt(i))
                + " at position "
                + (i + 1)
                + "; only ASCII letters, digits, '.', '_' and '-' are allowed");
      }
    }
    return topic;
  }

  /** Member "x.digest-daily" would own the topic of member x's daily digest. */
  private static String notADigestName(String what, String name) {
    if (name != null && (name.endsWith(".digest-hourly") || name.endsWith(".digest-daily"))) {
      throw new IllegalArgumentException(
          what + " name \"" + name + "\" ends like a digest topic; pick another name");
    }
    return name;
  }

  private static String prefixed(String prefix, String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " name is empty");
    }
    int max = MAX_TOPIC_NAME_LENGTH - prefix.length();
    if (name.length() > max) {
      throw new IllegalArgumentException(
          what + " name is " + name.length() + " characters long, at most " + max + " fit a topic");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isLegal(name.charAt(i))) {
        throw new IllegalArgumentException(
            what
                + " name \""
                + name
                + "\" has an illegal character "
                + describe(name.charAt(i))
                + " at position "
                + (i + 1)
                + "; only ASCII letters, digits, '.', '_' and '-' are allowed in topic names");
      }
    }
    return prefix + name;
  }

  private static boolean isLegal(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static String describe(char c) {
    return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  /** The compacted indicators topic. */
  public static NewTopic indicators(int partitions) {
    return new NewTopic(INDICATORS, partitions, (short) 1)
        .configs(
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                // An update may be compacted away as soon as a newer one for its key exists.
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                "0"));
  }

  /** The compacted indicator-scores changelog. */
  public static NewTopic indicatorScores(int partitions) {
    return new NewTopic(INDICATOR_SCORES, partitions, (short) 1)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  /** The indicator audit trail, kept forever (it is small: one record per audited change). */
  public static NewTopic indicatorAudit(int partitions) {
    return new NewTopic(INDICATOR_AUDIT, partitions, (short) 1)
        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
  }

  /** One member's telemetry topic. */
  public static NewTopic telemetry(String member, int partitions) {
    return new NewTopic(telemetryTopic(member), partitions, (short) 1);
  }

  /** One audience's feed topic, named by {@link #feedTopic(String)}. */
  public static NewTopic feed(String audience, int partitions) {
    return new NewTopic(feedTopic(audience), partitions, (short) 1);
  }

  /**
   * Indicators, sightings, dead letters, campaign alerts, indicator scores and the indicator audit
   * trail, with replication factor 1 (the local single-node broker).
   */
  public static List<NewTopic> core(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    return List.of(
        indicators(partitions),
        new NewTopic(SIGHTINGS, partitions, (short) 1),
        new NewTopic(DEAD_LETTER, partitions, (short) 1),
        new NewTopic(CAMPAIGN_ALERTS, partitions, (short) 1),
        indicatorScores(partitions),
        indicatorAudit(partitions));
  }

  /**
   * Creates those of the topics that do not exist yet and waits until the metadata shows every one
   * of them with a leader for each partition. Existing topics are left as they are.
   *
   * @throws IllegalStateException if a topic cannot be created or is not visible in time
   */
  public static void ensure(
      String bootstrapServers, Collection<NewTopic> topics, Duration timeout) {
    ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics, timeout);
  }

  /**
   * As {@link #ensure(String, Collection, Duration)}, with the admin client's settings (bootstrap
   * servers, and the login of a broker that asks for one, e.g. {@code
   * LocalKafkaBroker#clientProperties()}).
   */
  public static void ensure(
      Map<String, ?> clientConfig, Collection<NewTopic> topics, Duration timeout) {
    String bootstrapServers =
        String.valueOf(clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    Map<String, NewTopic> byName = new LinkedHashMap<>();
    for (NewTopic topic : topics) {
      byName.put(validateTopicName(topic.name()), topic);
    }
    if (byName.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Properties config = new Properties();
    config.putAll(clientConfig);
    config.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        String.valueOf(Math.max(1000, timeout.toMillis())));
    try (Admin admin = Admin.create(config)) {
      Set<String> existing =
          admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic topic : byName.values()) {
        if (!existing.contains(topic.name())) {
          missing.add(topic);
        }
      }
      if (!missing.isEmpty()) {
        CreateTopicsResult result = admin.createTopics(missing);
        for (Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> created :
            result.values().entrySet()) {
          try {
            created.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            LOG.info("Created topic {}", created.getKey());
          } catch (ExecutionException e) {
            // Someone else (another job starting at the same time) created it first: fine.
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw new IllegalStateException(
                  "cannot create topic " + created.getKey() + ": " + e.getCause().getMessage(),
                  e.getCause());
            }
          }
        }
      }
      awaitMetadata(admin, byName.keySet(), deadline, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot list the topics of " + bootstrapServers + " within " + timeout + ": " + e, e);
    }
  }

  /** Topic creation returns once the controller committed it; brokers learn of it a bit later. */
  private static void awaitMetadata(Admin admin, Set<String> names, long deadline, Duration timeout)
      throws InterruptedException {
    String lastProblem = "";
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin
                .describeTopics(names)
                .allTopicNames()
                .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        List<String> leaderless = new ArrayList<>();
        for (TopicDescription description : descriptions.values()) {
          for (TopicPartitionInfo partition : description.partitions()) {
            if (partition.leader() == null || partition.leader().isEmpty()) {
              leaderless.add(description.name() + "-" + partition.partition());
            }
          }
        }
        if (leaderless.isEmpty()) {
          return;
        }
        lastProblem = "partitions without a leader: " + leaderless;
      } catch (ExecutionException e) {
        lastProblem = String.valueOf(e.getCause());
      } catch (TimeoutException e) {
        lastProblem = "describeTopics timed out";
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "topics " + names + " not ready within " + timeout + ": " + lastProblem);
      }
      Thread.sleep(100);
    }
  }

  private static long remainingMs(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }
}
