package org.signalbox.jobs.campaign;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.signalbox.jobs.common.KafkaSinkOptions;

/** Configuration of campaign detection and of the sharing router. */
public final class CampaignOptions {
  private CampaignOptions() {}

  public static final ConfigOption<String> ALERTS_TOPIC =
      ConfigOptions.key("campaign.alerts-topic")
          .stringType()
          .defaultValue("campaign-alerts")
          .withDescription(
              "Topic of every alert revision with raw member ids, keyed by alert id: for the"
                  + " secretariat only; members read the feed.* topics.");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("campaign.group-id")
          .stringType()
          .defaultValue("signalbox-campaigns")
          .withDescription("Kafka consumer group of the sightings source.");

  /**
   * The sinks' delivery guarantee, transactional id prefix and transaction timeout: {@code
   * campaign.delivery-guarantee}, {@code campaign.transactional-id-prefix}, {@code
   * campaign.transaction-timeout}.
   */
  public static final KafkaSinkOptions SINKS = KafkaSinkOptions.forJob("campaign", GROUP_ID.key());

  public static final ConfigOption<Integer> MIN_MEMBERS =
      ConfigOptions.key("campaign.min-members")
          .intType()
          .defaultValue(2)
          .withDescription(
              "Distinct members that must see the same key within the window to raise an alert.");

  public static final ConfigOption<Duration> WINDOW =
      ConfigOptions.key("campaign.window")
          .durationType()
          .defaultValue(Duration.ofHours(24))
          .withDescription(
              "Length of the sliding event-time window: a member counts while its latest"
                  + " sighting of the key is younger than this.");

  public static final ConfigOption<Duration> ALLOWED_LATENESS =
      ConfigOptions.key("campaign.allowed-lateness")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "Sightings behind the watermark by at most this much still update alerts; older"
                  + " ones are counted (metric campaignSightingsTooLate) and sent to the late"
                  + " side output.");

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      ConfigOptions.key("campaign.out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "How far behind the newest sighting the watermark trails, so that members whose"
                  + " telemetry arrives a little later are still in order.");

  public static final ConfigOption<Duration> IDLENESS =
      ConfigOptions.key("campaign.source-idleness")
          .durationType()
          .defaultValue(Duration.ofMinutes(5))
          .withDescription(
              "A sightings partition without records for this long stops holding the watermark"
                  + " back; 0 turns this off (a silent partition then holds event time until it"
                  + " speaks).");

  public static final ConfigOption<Integer> MAX_INDICATOR_IDS =
      ConfigOptions.key("campaign.max-indicator-ids")
          .intType()
          .defaultValue(32)
          .withDescription(
              "Contributing indicator ids listed on an alert; further ids are only counted.");

  public static final ConfigOption<Integer> FLOOD_MEMBERS =
      ConfigOptions.key("campaign.flood-members")
          .intType()
          .defaultValue(10)
          .withDescription(
              "An indicator seen by this many distinct members within the window is suppressed"
                  + " (a CDN, a resolver, a warninglist gap) and reported on the flood side"
                  + " output instead of alerting everyone; 0 turns the guard off. Must exceed"
                  + " campaign.min-members. Applies to indicator keys only: a real campaign by"
                  + " one actor may reach every member.");

  public static final ConfigOption<Duration> FLOOD_SUPPRESSION =
      ConfigOptions.key("campaign.flood-suppression")
          .durationType()
          .defaultValue(Duration.ofHours(6))
          .withDescription(
              "How long (event time) a flooding indicator raises no alerts; if it still floods"
                  + " then, the decision is made and reported again.");

  public static final ConfigOption<String> MEMBERS =
      ConfigOptions.key("sharing.members")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Path of the member directory (YAML: secretariat, partners, members with id,"
                  + " sector, groups, attribution opt-in). Required: without it the job cannot"
                  + " tell a member's sightings and verdicts from forged ones, nor who may be"
                  + " named. Example: deploy/members/example-members.yaml.");

  public static final ConfigOption<Integer> MIN_PUBLISHED_COUNT =
      ConfigOptions.key("sharing.min-published-count")
          .intType()
          .defaultValue(3)
          .withDescription(
              "Member counts below this are withheld outside the member's own feed, so that"
                  + " no count singles out a member.");

  public static final ConfigOption<String> PSEUDONYM_KEY =
      ConfigOptions.key("sharing.pseudonym-key")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Secret for member pseudonyms (HMAC-SHA-256 over audience and member id). Required"
                  + " by the router; keep it out of version control.");

  public static final ConfigOption<String> PSEUDONYM_KEY_ID =
      ConfigOptions.key("sharing.pseudonym-key-id")
          .stringType()
          .defaultValue("k1")
          .withDescription(
              "Id of the pseudonym key, written into each shared record; change it with the key"
                  + " so that consumers know pseudonyms changed.");

  public static final ConfigOption<String> DIGEST_PERIODS =
      ConfigOptions.key("sharing.digest-periods")
          .stringType()
          .defaultValue("HOURLY,DAILY")
          .withDescription(
              "Digests published per audience besides the real-time feed: HOURLY, DAILY, both"
                  + " (comma-separated) or empty for none. Topic feed.<audience>.digest-hourly or"
                  + " .digest-daily; windows are UTC-aligned in processing time.");

  public static final ConfigOption<Duration> DIGEST_WINDOW =
      ConfigOptions.key("sharing.digest-window")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "For tests and demos only: every digest window lasts this long (100 ms to 1 d,"
                  + " aligned to multiples of it since the epoch) instead of an hour or a day;"
                  + " topics and the digest's period field stay HOURLY/DAILY. Leave unset in"
                  + " production.");

  public static final List<ConfigOption<?>> ALL =
      List.of(
          ALERTS_TOPIC,
          GROUP_ID,
          MIN_MEMBERS,
          WINDOW,
          ALLOWED_LATENESS,
          OUT_OF_ORDERNESS,
          IDLENESS,
          MAX_INDICATOR_IDS,
          FLOOD_MEMBERS,
          FLOOD_SUPPRESSION,
          MEMBERS,
          MIN_PUBLISHED_COUNT,
          PSEUDONYM_KEY,
          PSEUDONYM_KEY_ID,
          DIGEST_PERIODS,
          DIGEST_WINDOW,
          SINKS.deliveryGuarantee(),
          SINKS.transactionalIdPrefix(),
          SINKS.transactionTimeout());
}
