package org.signalbox.jobs.sharing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.signalbox.schema.DigestPeriod;
import org.signalbox.topics.SignalboxTopics;

/**
 * Every Kafka topic a member directory implies, with its partitions, cleanup policy and retention:
 * the one place that knows the topic layout as a whole. {@code signalbox topics apply}, {@code
 * signalbox broker} and the demo create topics from it; names come from {@link SignalboxTopics} and
 * {@link Audience#topic()}, the rules the jobs write by, and the audiences from {@link
 * MemberAcls#audiencesOf}, so topics, ACLs and the jobs cannot drift apart.
 *
 * <ul>
 *   <li>the core topics of {@link SignalboxTopics#core} (indicators and indicator-scores compacted,
 *       the indicator audit kept forever) and {@value SignalboxTopics#TRENDS} (kept forever: the
 *       report's only source for past periods, and small);
 *   <li>per member: {@code telemetry.<id>} (with the telemetry retention, counted from the time the
 *       edge sent a record), {@code feedback.<id>} and {@code feed.member.<id>};
 *   <li>per group: {@code feed.group.<g>}; and {@code feed.community}, {@code feed.public};
 *   <li>for each feed its {@code .digest-hourly} and {@code .digest-daily} topic.
 * </ul>
 *
 * Applying is additive: a missing topic is created, an existing one is left as it is (a difference
 * in partitions or in a configuration the plan sets is reported, never changed: partitions cannot
 * shrink and a changed cleanup policy can lose data), and a member topic the directory no longer
 * implies is listed as stale, never deleted (its data may be evidence).
 */
public final class TopicPlan {

  /** Telemetry is kept this long by default, counted from when the edge sent it. */
  public static final Duration DEFAULT_TELEMETRY_RETENTION = Duration.ofDays(7);

  /** One topic of the plan: its name, partitions, the configurations it sets, and what it is. */
  public record Topic(String name, int partitions, Map<String, String> configs, String purpose) {
    public Topic {
      configs = Map.copyOf(configs);
    }

    /** The topic to create; replication factor empty for the broker's default. */
    public NewTopic newTopic(Optional<Short> replicationFactor) {
      return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(configs);
    }
  }

  /** A topic as the broker has it: its partitions and the configurations the plan cares about. */
  public record Existing(String name, int partitions, Map<String, String> configs) {}

  /** Where an existing topic differs from the plan: what, planned and actual value. */
  public record Difference(String topic, String setting, String planned, String actual) {
    @Override
    public String toString() {
      return topic + ": " + setting + " is " + actual + ", the plan says " + planned;
    }
  }

  /** What applying the plan to a broker does, or would do. */
  public record Changes(
      List<Topic> toCreate,
      List<Topic> existing,
      List<Difference> differences,
      List<String> stale) {
    public Changes {
      toCreate = List.copyOf(toCreate);
      existing = List.copyOf(existing);
      differences = List.copyOf(differences);
      stale = List.copyOf(stale);
    }
  }

  private final List<Topic> topics;

  private TopicPlan(List<Topic> topics) {
    this.topics = List.copyOf(topics);
  }

  /**
   * The topics of a directory.
   *
   * @param directory the members, or null for the core topics only (a broker without a directory)
   * @param partitions partitions of the high-volume topics (the core topics and telemetry); the
   *     per-member and per-audience topics other than telemetry get one
   * @param telemetryRetention how long telemetry is kept, counted from the time it was sent
   */
  public static TopicPlan of(
      MemberDirectory directory, int partitions, Duration telemetryRetention) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (telemetryRetention == null || telemetryRetention.toMillis() < 1) {
      throw new IllegalArgumentException("telemetry retention must be positive");
    }
    Map<String, Topic> out = new LinkedHashMap<>();
    for (NewTopic t : SignalboxTopics.core(partitions)) {
      // NewTopic#configs() is null when none were set.
      Map<String, String> configs = t.configs() == null ? Map.of() : t.configs();
      add(out, t.name(), t.numPartitions(), configs, corePurpose(t.name()));
    }
    add(
        out,
        SignalboxTopics.TRENDS,
        1,
        Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"),
        "trends job's figures, read by the report");
    if (directory == null) {
      return new TopicPlan(new ArrayList<>(out.values()));
    }
    Set<Audience> audiences = new TreeSet<>();
    for (MemberDirectory.Member m : directory.members()) {
      add(
          out,
          SignalboxTopics.telemetryTopic(m.id()),
          partitions,
          Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(telemetryRetention.toMillis())),
          "telemetry of " + m.id());
      add(out, SignalboxTopics.feedbackTopic(m.id()), 1, Map.of(), "verdicts of " + m.id());
      audiences.addAll(MemberAcls.audiencesOf(directory, m.id()));
    }
    if (!directory.partners().isEmpty()) {
      audiences.add(Audience.COMMUNITY);
      audiences.add(Audience.PUBLIC);
    }
    for (Audience a : audiences) {
      add(out, a.topic(), 1, Map.of(), "feed of " + a);
      for (DigestPeriod p : DigestPeriod.values()) {
        add(
            out,
            SignalboxTopics.digestTopic(a.toString(), p.name()),
            1,
            Map.of(),
            p.name().toLowerCase(java.util.Locale.ROOT) + " digest of " + a);
      }
    }
    return new TopicPlan(new ArrayList<>(out.values()));
  }

  private static void add(
      Map<String, Topic> out, String name, int partitions, Map<String, String> configs, String p) {
    out.putIfAbsent(
        SignalboxTopics.validateTopicName(name), new Topic(name, partitions, configs, p));
  }

  private static String corePurpose(String name) {
    return switch (name) {
      case SignalboxTopics.INDICATORS -> "indicators, the source of truth";
      case SignalboxTopics.SIGHTINGS -> "matches of telemetry against indicators";
      case SignalboxTopics.DEAD_LETTER -> "records that could not be processed";
      case SignalboxTopics.CAMPAIGN_ALERTS -> "campaign alerts (raw, secretariat only)";
      case SignalboxTopics.INDICATOR_SCORES -> "indicators' moving confidence";
      case SignalboxTopics.INDICATOR_AUDIT -> "audit trail of indicator changes";
      default -> "core topic";
    };
  }

  /** The topics in the plan's order: core topics, then per member, then feeds. */
  public List<Topic> topics() {
    return topics;
  }

  public List<NewTopic> newTopics(Optional<Short> replicationFactor) {
    return topics.stream().map(t -> t.newTopic(replicationFactor)).toList();
  }

  /**
   * Whether a topic is of a kind the plan derives from the directory, so that one the plan does not
   * have is stale: telemetry, feedback and feed topics.
   */
  static boolean managed(String topic) {
    return topic.startsWith(SignalboxTopics.TELEMETRY_PREFIX)
        || topic.startsWith(SignalboxTopics.FEEDBACK_PREFIX)
        || topic.startsWith(SignalboxTopics.FEED_PREFIX);
  }

  /** What applying the plan to a broker holding {@code existing} (by name) would do. */
  public Changes changes(Map<String, Existing> existing) {
    List<Topic> toCreate = new ArrayList<>();
    List<Topic> present = new ArrayList<>();
    List<Difference> differences = new ArrayList<>();
    Set<String> planned = new TreeSet<>();
    for (Topic t : topics) {
      planned.add(t.name());
      Existing e = existing.get(t.name());
      if (e == null) {
        toCreate.add(t);
        continue;
      }
      present.add(t);
      if (e.partitions() != t.partitions()) {
        differences.add(
            new Difference(
                t.name(),
                "partitions",
                String.valueOf(t.partitions()),
                String.valueOf(e.partitions())));
      }
      for (Map.Entry<String, String> c : new TreeMap<>(t.configs()).entrySet()) {
        String actual = e.configs().get(c.getKey());
        if (!c.getValue().equals(actual)) {
          differences.add(
              new Difference(
                  t.name(), c.getKey(), c.getValue(), actual == null ? "unset" : actual));
        }
      }
    }
    List<String> stale = new ArrayList<>();
    for (String name : new TreeSet<>(existing.keySet())) {
      if (managed(name) && !planned.contains(name)) {
        stale.add(name);
      }
    }
    return new Changes(toCreate, present, differences, stale);
  }

  /**
   * Reads what the broker has of the plan's topics (and of topics that look like member topics),
   * creates the missing ones unless {@code dryRun}, and waits until they have leaders.
   *
   * @param clientConfig admin client settings (bootstrap servers, login)
   * @param replicationFactor of created topics; empty for the broker's default
   * @throws IllegalStateException when the broker refuses or does not answer in time
   */
  public Changes apply(
      Map<String, ?> clientConfig,
      Optional<Short> replicationFactor,
      boolean dryRun,
      Duration timeout) {
    Properties config = new Properties();
    config.putAll(clientConfig);
    String ms = String.valueOf(Math.max(1000, timeout.toMillis()));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    Changes changes;
    try (Admin admin = Admin.create(config)) {
      changes = changes(describe(admin, timeout));
    }
    if (!dryRun && !changes.toCreate().isEmpty()) {
      // Creates what is still missing (another process may have created some meanwhile) and waits
      // until every partition has a leader, so the first producer does not race the metadata.
      SignalboxTopics.ensure(
          clientConfig,
          changes.toCreate().stream().map(t -> t.newTopic(replicationFactor)).toList(),
          timeout);
    }
    return changes;
  }

  /** The broker's topics that matter to the plan, with partitions and the planned configs. */
  Map<String, Existing> describe(Admin admin, Duration timeout) {
    long wait = Math.max(1000, timeout.toMillis());
    try {
      Set<String> names = admin.listTopics().names().get(wait, TimeUnit.MILLISECONDS);
      Set<String> relevant = new TreeSet<>();
      Set<String> plannedNames = new TreeSet<>();
      topics.forEach(t -> plannedNames.add(t.name()));
      for (String n : names) {
        if (plannedNames.contains(n) || managed(n)) {
          relevant.add(n);
        }
      }
      Map<String, Existing> out = new TreeMap<>();
      if (relevant.isEmpty()) {
        return out;
      }
      Map<String, TopicDescription> descriptions =
          admin.describeTopics(relevant).allTopicNames().get(wait, TimeUnit.MILLISECONDS);
      List<ConfigResource> resources = new ArrayList<>();
      for (String n : relevant) {
        if (plannedNames.contains(n)) {
          resources.add(new ConfigResource(ConfigResource.Type.TOPIC, n));
        }
      }
      Map<ConfigResource, Config> configs =
          resources.isEmpty()
              ? Map.of()
              : admin.describeConfigs(resources).all().get(wait, TimeUnit.MILLISECONDS);
      for (String n : relevant) {
        Map<String, String> values = new TreeMap<>();
        Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, n));
        if (c != null) {
          for (ConfigEntry e : c.entries()) {
            if (e.value() != null) {
              values.put(e.name(), e.value());
            }
          }
        }
        out.put(n, new Existing(n, descriptions.get(n).partitions().size(), values));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the broker's topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the broker's topics: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no answer from the broker within " + timeout.toSeconds() + " s (listing its topics)", e);
    }
  }

  /** The plan as a table: name, partitions, configurations, purpose; one line a topic. */
  public static String table(Collection<Topic> topics) {
    int width = 5;
    for (Topic t : topics) {
      width = Math.max(width, t.name().length());
    }
    StringBuilder b = new StringBuilder();
    for (Topic t : topics) {
      b.append(
          String.format(
              "  %-" + width + "s  %3d  %-44s  %s%n",
              t.name(),
              t.partitions(),
              configText(t),
              t.purpose()));
    }
    return b.toString();
  }

  private static String configText(Topic t) {
    if (t.configs().isEmpty()) {
      return "(broker defaults)";
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(t.configs()).entrySet()) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(e.getKey()).append('=').append(e.getValue());
    }
    return b.toString();
  }
}
