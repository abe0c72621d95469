package org.signalbox.jobs.correlate;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.common.KafkaSinkOptions;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.support.EventTimeBounds;
import org.signalbox.stix.match.BreadthLimits;

/**
 * Configuration of the correlate job. The command line's help and the README's table are generated
 * from {@link #ALL}, so a new option is documented where it is declared.
 */
public final class CorrelateOptions {
  private CorrelateOptions() {}

  /** The key every job shares: {@link KafkaOptions#BOOTSTRAP_SERVERS}. */
  public static final ConfigOption<String> BOOTSTRAP_SERVERS = KafkaOptions.BOOTSTRAP_SERVERS;

  public static final ConfigOption<String> TELEMETRY_TOPICS =
      ConfigOptions.key("correlate.telemetry-topic-pattern")
          .stringType()
          .defaultValue("telemetry\\..+")
          .withDescription(
              "Regular expression (Java syntax, trusted operator configuration) of the telemetry"
                  + " topics; new matching topics are picked up while running.");

  public static final ConfigOption<String> INDICATORS_TOPIC =
      ConfigOptions.key("correlate.indicators-topic")
          .stringType()
          .defaultValue("indicators")
          .withDescription(
              "Compacted topic of indicators keyed by id; always read from the start.");

  public static final ConfigOption<String> SIGHTINGS_TOPIC =
      ConfigOptions.key("correlate.sightings-topic")
          .stringType()
          .defaultValue("sightings")
          .withDescription("Topic the sightings are written to, keyed by indicator id.");

  public static final ConfigOption<String> DEAD_LETTER_TOPIC =
      ConfigOptions.key("correlate.dead-letter-topic")
          .stringType()
          .defaultValue("deadletter")
          .withDescription("Topic for records that could not be used, with reason and origin.");

  public static final ConfigOption<String> INDICATOR_AUDIT_TOPIC =
      ConfigOptions.key("correlate.indicator-audit-topic")
          .stringType()
          .defaultValue("indicator-audit")
          .withDescription(
              "Topic of IndicatorAudit records, keyed by indicator id: every change applied to an"
                  + " indicator that did not come from its original source (the secretariat's"
                  + " changes, Kafka tombstones).");

  public static final ConfigOption<String> SECRETARIAT_SOURCE =
      ConfigOptions.key("correlate.secretariat-source")
          .stringType()
          .defaultValue(org.signalbox.core.IndicatorOwnership.DEFAULT_SECRETARIAT_SOURCE)
          .withDescription(
              "Indicator source name of the secretariat, the one source allowed to update, revoke"
                  + " or re-validate another source's indicator; its changes are applied and"
                  + " audited. A change from any other source than the indicator's original one is"
                  + " a dead letter (not-original-source). With sharing.members it is the member"
                  + " directory's 'secretariat' entry, and setting it to anything else is refused"
                  + " at start.");

  /**
   * The member directory, the key shared with the campaign and trends jobs, so one configuration
   * serves all three.
   */
  public static final ConfigOption<String> MEMBERS =
      ConfigOptions.key("sharing.members")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Path of the member directory (YAML, as the campaign job's). Optional here: when"
                  + " given, correlate.secretariat-source is read from its 'secretariat' entry.");

  public static final ConfigOption<String> MEMBER_TOPIC_PREFIX =
      ConfigOptions.key("correlate.telemetry-member-topic-prefix")
          .stringType()
          .defaultValue("telemetry.")
          .withDescription(
              "Telemetry read from a topic named by this prefix and a member id (telemetry.rail-a)"
                  + " must name that member in its member field (the topic's write ACL proves the"
                  + " sender); anything else is a dead letter (forged-member). Topics without the"
                  + " prefix are not checked; empty: no check (file input).");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("correlate.group-id")
          .stringType()
          .defaultValue("signalbox-correlate")
          .withDescription(
              "Kafka consumer group of the telemetry source (offsets are committed on checkpoints).");

  public static final ConfigOption<Duration> EXPIRY_GRACE =
      ConfigOptions.key("correlate.indicator-expiry-grace")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "How long an indicator stays in state after valid_until, so late telemetry from"
                  + " inside its validity still matches.");

  public static final ConfigOption<Duration> TOMBSTONE_RETENTION =
      ConfigOptions.key("correlate.tombstone-retention")
          .durationType()
          .defaultValue(Duration.ofDays(7))
          .withDescription(
              "How long a revoked indicator's withdrawal mark is kept, during which older versions"
                  + " arriving late are still ignored.");

  public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
      ConfigOptions.key("correlate.max-future-skew")
          .durationType()
          .defaultValue(EventTimeBounds.DEFAULT_MAX_FUTURE_SKEW)
          .withDescription(
              "Event times and indicator versions further than this in the future are dead letters.");

  public static final ConfigOption<Integer> MIN_IPV4_PREFIX =
      ConfigOptions.key("correlate.min-ipv4-prefix")
          .intType()
          .defaultValue(BreadthLimits.DEFAULT.minIpv4Prefix())
          .withDescription(
              "CIDR indicators with a shorter IPv4 prefix are dead letters (too-broad): a /1 covers"
                  + " half of all addresses.");

  public static final ConfigOption<Integer> MIN_IPV6_PREFIX =
      ConfigOptions.key("correlate.min-ipv6-prefix")
          .intType()
          .defaultValue(BreadthLimits.DEFAULT.minIpv6Prefix())
          .withDescription(
              "CIDR indicators with a shorter IPv6 prefix are dead letters (too-broad).");

  public static final ConfigOption<Integer> MIN_SUFFIX_LABELS =
      ConfigOptions.key("correlate.min-suffix-labels")
          .intType()
          .defaultValue(BreadthLimits.DEFAULT.minSuffixLabels())
          .withDescription(
              "Domain-suffix indicators whose parent has fewer labels, or is a public suffix"
                  + " (*.com, *.co.uk), are dead letters (too-broad).");

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      ConfigOptions.key("correlate.telemetry-out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withDescription("Bound on how late telemetry may arrive relative to Kafka timestamps.");

  public static final ConfigOption<Duration> INDICATOR_IDLE_TIMEOUT =
      ConfigOptions.key("correlate.indicator-idle-timeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withDescription(
              "An indicator partition with no records for this long counts as loaded (covers empty"
                  + " partitions and compacted-away tails).");

  public static final ConfigOption<Boolean> BOOTSTRAP_GATE =
      ConfigOptions.key("correlate.bootstrap-gate")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Hold telemetry back until the indicators topic has been read to the end offsets it"
                  + " had at start-up, so a restart with a backlog misses nothing.");

  public static final ConfigOption<Boolean> EXACT_PREFILTER =
      ConfigOptions.key("correlate.exact-prefilter")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Drop telemetry values that no live exact indicator has before they are shuffled to"
                  + " the exact index, with a counting Bloom filter in every subtask that extracts"
                  + " them. It fails open: while it is incomplete (bootstrap, restore) it passes"
                  + " everything. Streaming execution only (not the BATCH run of signalbox match).");

  public static final ConfigOption<Long> EXACT_PREFILTER_CAPACITY =
      ConfigOptions.key("correlate.exact-prefilter-capacity")
          .longType()
          .defaultValue(2_000_000L)
          .withDescription(
              "Live exact indicator values the prefilter is sized for: 6 bytes each per subtask,"
                  + " about 1% false positives at capacity, more beyond (never a lost sighting)."
                  + " A restored filter keeps the size it was checkpointed with.");

  public static final ConfigOption<Duration> RETRO_WINDOW =
      ConfigOptions.key("correlate.retro-window")
          .durationType()
          .defaultValue(Duration.ofDays(30))
          .withDescription(
              "Retro-hunt (issue 17): how long the exact index keeps, per canonical value, which"
                  + " members saw it and when (day buckets; the retention is this, rounded up to"
                  + " the end of a UTC day), so that an exact indicator that becomes live later"
                  + " yields one retro sighting per member. 0 turns the retro-hunt off. It needs"
                  + " every probe at the exact index, so while it is on correlate.exact-prefilter"
                  + " is not used. Streaming execution only.");

  public static final ConfigOption<Integer> RETRO_MAX_MEMBERS =
      ConfigOptions.key("correlate.retro-max-members")
          .intType()
          .defaultValue(64)
          .withDescription(
              "Most members the retro history keeps per value; events of further members are not"
                  + " recorded (counter retroHistoryEventsOmitted) and the value's retro sightings"
                  + " say historyTruncated.");

  public static final ConfigOption<Boolean> RETRO_RANGES =
      ConfigOptions.key("correlate.retro-ranges")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "With the retro-hunt on, CIDR and domain-suffix indicators retro-hunt too: the range"
                  + " index keeps its own history of IP and domain values (a second copy of theirs)"
                  + " and scans it when a range indicator becomes live.");

  public static final ConfigOption<String> WARNINGLISTS =
      ConfigOptions.key("correlate.warninglists")
          .stringType()
          .defaultValue("")
          .withDescription(
              "Directory of MISP warninglists (list.json files, searched recursively). Indicators"
                  + " whose value is on a list are known benign: they are not indexed and go to the"
                  + " dead-letter topic with stage 'suppress' and the list names. Empty: none.");

  public static final ConfigOption<Boolean> SEQUENCES =
      ConfigOptions.key("correlate.sequences")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Match STIX patterns that span observations (observation AND, OR, FOLLOWEDBY,"
                  + " WITHIN, REPEATS, START/STOP) in event time, per member (see"
                  + " correlate.sequence-scope). Off: such patterns are stored and counted in"
                  + " indicatorPatternsUnsupported, as before.");

  public static final ConfigOption<String> SEQUENCE_SCOPE =
      ConfigOptions.key("correlate.sequence-scope")
          .stringType()
          .defaultValue("member")
          .withDescription(
              "Whose events one match of a sequence pattern may combine: 'member' (one member's"
                  + " own behaviour) or 'sector' (the events of all members of one sector).");

  public static final ConfigOption<Duration> SEQUENCE_MAX_WINDOW =
      ConfigOptions.key("correlate.sequence-max-window")
          .durationType()
          .defaultValue(Duration.ofHours(24))
          .withDescription(
              "Longest span of one match of a sequence pattern: a pattern without WITHIN, or"
                  + " with a longer one, is matched as if under WITHIN this long"
                  + " (sequenceWindowsCapped counts them), so that partial matches are bounded.");

  public static final ConfigOption<Duration> SEQUENCE_ALLOWED_LATENESS =
      ConfigOptions.key("correlate.sequence-allowed-lateness")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "Events behind the watermark by at most this much still complete sequence matches"
                  + " (sequenceLateEvents); later ones are counted in sequenceEventsTooLate and not"
                  + " matched. Buffered observations are kept this much longer than their window.");

  public static final ConfigOption<Integer> SEQUENCE_MAX_BUFFERED =
      ConfigOptions.key("correlate.sequence-max-buffered")
          .intType()
          .defaultValue(1000)
          .withDescription(
              "Most observations one scope holds for one sequence pattern while it waits for the"
                  + " rest of a match; past it the oldest is evicted and counted in"
                  + " sequenceBufferOverflows.");

  /** True for {@link #SEQUENCE_SCOPE} 'sector', false for 'member'; anything else is refused. */
  public static boolean sequenceSectorScope(ReadableConfig conf) {
    String scope = conf.get(SEQUENCE_SCOPE);
    switch (scope) {
      case "member":
        return false;
      case "sector":
        return true;
      default:
        throw new IllegalArgumentException(
            SEQUENCE_SCOPE.key() + " must be 'member' or 'sector', not '" + scope + "'");
    }
  }

  /**
   * The sinks' delivery guarantee, transactional id prefix and transaction timeout: {@code
   * correlate.delivery-guarantee}, {@code correlate.transactional-id-prefix}, {@code
   * correlate.transaction-timeout}.
   */
  public static final KafkaSinkOptions SINKS = KafkaSinkOptions.forJob("correlate", GROUP_ID.key());

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("correlate.checkpoint-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Checkpoint interval (state in RocksDB, Kafka offsets, sink flushes) of every job."
                  + " With exactly-once sinks it is also when output becomes visible: sightings are"
                  + " committed when the checkpoint after them completes.");

  /**
   * The secretariat's source name the job runs with: the member directory's 'secretariat' when
   * {@link #MEMBERS} names one ({@link MemberDirectory#secretariatSource}), else {@link
   * #SECRETARIAT_SOURCE}.
   *
   * @throws IllegalArgumentException when the directory cannot be read, or an explicit {@link
   *     #SECRETARIAT_SOURCE} disagrees with it (with the reason)
   */
  public static String secretariatSource(ReadableConfig conf) {
    String file = conf.getOptional(MEMBERS).orElse(null);
    if (file == null || file.isBlank()) {
      return conf.get(SECRETARIAT_SOURCE);
    }
    MemberDirectory directory;
    try {
      directory = MemberDirectory.load(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(MEMBERS.key() + ": no such file: " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          MEMBERS.key() + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    return directory.secretariatSource(
        conf.getOptional(SECRETARIAT_SOURCE).orElse(null), SECRETARIAT_SOURCE.key());
  }

  /** The description of an option as plain text, for --help and the README. */
  public static String describe(ConfigOption<?> option) {
    return new org.apache.flink.configuration.description.HtmlFormatter()
        .format(option.description())
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
  }

  public static final List<ConfigOption<?>> ALL = all();

  private static List<ConfigOption<?>> all() {
    List<ConfigOption<?>> all =
        new java.util.ArrayList<>(
            List.of(BOOTSTRAP_SERVERS, KafkaOptions.CONFIG_FILE, KafkaOptions.PROPERTIES));
    all.addAll(
        List.of(
            TELEMETRY_TOPICS,
            INDICATORS_TOPIC,
            SIGHTINGS_TOPIC,
            DEAD_LETTER_TOPIC,
            INDICATOR_AUDIT_TOPIC,
            SECRETARIAT_SOURCE,
            MEMBERS,
            MEMBER_TOPIC_PREFIX,
            GROUP_ID,
            EXPIRY_GRACE,
            TOMBSTONE_RETENTION,
            MAX_FUTURE_SKEW,
            MIN_IPV4_PREFIX,
            MIN_IPV6_PREFIX,
            MIN_SUFFIX_LABELS,
            OUT_OF_ORDERNESS,
            INDICATOR_IDLE_TIMEOUT,
            BOOTSTRAP_GATE,
            EXACT_PREFILTER,
            EXACT_PREFILTER_CAPACITY,
            RETRO_WINDOW,
            RETRO_MAX_MEMBERS,
            RETRO_RANGES,
            WARNINGLISTS,
            SEQUENCES,
            SEQUENCE_SCOPE,
            SEQUENCE_MAX_WINDOW,
            SEQUENCE_ALLOWED_LATENESS,
            SEQUENCE_MAX_BUFFERED,
            CHECKPOINT_INTERVAL));
    all.addAll(SINKS.all());
    return List.copyOf(all);
  }
}
