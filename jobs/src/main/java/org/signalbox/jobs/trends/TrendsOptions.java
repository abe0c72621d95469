package org.signalbox.jobs.trends;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.signalbox.jobs.common.KafkaSinkOptions;
import org.signalbox.jobs.feedback.FeedbackOptions;

/** Configuration of the trends job and of the report that reuses its pipeline. */
public final class TrendsOptions {
  private TrendsOptions() {}

  public static final ConfigOption<Integer> MIN_MEMBERS =
      ConfigOptions.key("trends.min-members")
          .intType()
          .defaultValue(3)
          .withDescription(
              "k of the suppression rule: a figure built from fewer distinct members is published"
                  + " as suppressed, without numbers, so it cannot single a member out.");

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      ConfigOptions.key("trends.out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "How far behind the newest event time a sighting may arrive and still count in its"
                  + " window; later ones are counted as late, not added to a closed window.");

  public static final ConfigOption<Duration> INDICATOR_RETENTION =
      ConfigOptions.key("trends.indicator-retention")
          .durationType()
          .defaultValue(Duration.ofDays(90))
          .withDescription(
              "How long an indicator with no activity (no sighting, no new version) keeps its"
                  + " first-sighting mark; after that a new sighting counts as a first sighting"
                  + " again.");

  public static final ConfigOption<String> SIGHTINGS_TOPIC =
      ConfigOptions.key("trends.sightings-topic")
          .stringType()
          .defaultValue("sightings")
          .withDescription("Topic of the correlate job's sightings.");

  public static final ConfigOption<String> INDICATORS_TOPIC =
      ConfigOptions.key("trends.indicators-topic")
          .stringType()
          .defaultValue("indicators")
          .withDescription("Topic of the indicators (publication times and sources).");

  public static final ConfigOption<String> CAMPAIGNS_TOPIC =
      ConfigOptions.key("trends.campaigns-topic")
          .stringType()
          .defaultValue("campaign-alerts")
          .withDescription(
              "Topic of the campaign alerts (raw member ids), for campaigns opened and escalated.");

  /**
   * The member directory. The key is shared with the campaign job's option of the same name, so one
   * configuration serves both jobs.
   */
  public static final ConfigOption<String> MEMBERS =
      ConfigOptions.key("sharing.members")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Member directory (YAML, see jobs/MEMBERS.md). With it the trends count members that"
                  + " contribute indicators (source = member id) and members that only consume,"
                  + " and compare each member's daily sightings with its dailyCapacity; without it"
                  + " those figures are absent.");

  public static final ConfigOption<String> TRENDS_TOPIC =
      ConfigOptions.key("trends.trends-topic")
          .stringType()
          .defaultValue(org.signalbox.topics.SignalboxTopics.TRENDS)
          .withDescription("Topic the TrendRecords are written to.");

  public static final ConfigOption<String> DEAD_LETTER_TOPIC =
      ConfigOptions.key("trends.dead-letter-topic")
          .stringType()
          .defaultValue("deadletter")
          .withDescription("Topic for records that could not be decoded, with their origin.");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("trends.group-id")
          .stringType()
          .defaultValue("signalbox-trends")
          .withDescription(
              "Kafka consumer group of the sightings source (offsets are committed on checkpoints).");

  /**
   * The sinks' delivery guarantee, transactional id prefix and transaction timeout: {@code
   * trends.delivery-guarantee}, {@code trends.transactional-id-prefix}, {@code
   * trends.transaction-timeout}.
   */
  public static final KafkaSinkOptions SINKS = KafkaSinkOptions.forJob("trends", GROUP_ID.key());

  public static final List<ConfigOption<?>> ALL =
      List.of(
          MIN_MEMBERS,
          OUT_OF_ORDERNESS,
          INDICATOR_RETENTION,
          SIGHTINGS_TOPIC,
          INDICATORS_TOPIC,
          CAMPAIGNS_TOPIC,
          FeedbackOptions.FEEDBACK_TOPICS,
          MEMBERS,
          TRENDS_TOPIC,
          DEAD_LETTER_TOPIC,
          GROUP_ID,
          SINKS.deliveryGuarantee(),
          SINKS.transactionalIdPrefix(),
          SINKS.transactionTimeout());
}
