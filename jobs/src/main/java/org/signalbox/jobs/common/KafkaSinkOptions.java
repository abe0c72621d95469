package org.signalbox.jobs.common;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The options of one job's Kafka sinks, the same three for every job under its own key prefix
 * ({@code correlate.delivery-guarantee}, {@code campaign.delivery-guarantee}, {@code
 * trends.delivery-guarantee}, ...): each job's {@code *Options} class holds its instance, so its
 * {@code --list-options} and README table show them.
 *
 * @param deliveryGuarantee {@code exactly-once} or {@code at-least-once}
 * @param transactionalIdPrefix stable, unique per job instance; null means the job's group id
 * @param transactionTimeout {@code transaction.timeout.ms} of the exactly-once sinks
 */
public record KafkaSinkOptions(
    ConfigOption<String> deliveryGuarantee,
    ConfigOption<String> transactionalIdPrefix,
    ConfigOption<Duration> transactionTimeout) {

  public static final String EXACTLY_ONCE = "exactly-once";
  public static final String AT_LEAST_ONCE = "at-least-once";

  /**
   * Ten minutes: above any checkpoint interval plus restart this project runs with (10 s and a
   * restart of seconds to a minute), and below the 15 minutes a Kafka broker allows by default
   * ({@code transaction.max.timeout.ms}); the connector's own default, an hour, fails on such a
   * broker when the first transaction starts. It is also how long read_committed readers may wait
   * behind a transaction a killed job left open, if no restart of the job aborts it sooner.
   */
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  /** The three options under {@code <job>.}, e.g. {@code correlate}. */
  public static KafkaSinkOptions forJob(String job, String groupIdKey) {
    return new KafkaSinkOptions(
        ConfigOptions.key(job + ".delivery-guarantee")
            .stringType()
            .defaultValue(EXACTLY_ONCE)
            .withDescription(
                "exactly-once or at-least-once, for every Kafka sink of the job. exactly-once: the"
                    + " sinks write in Kafka transactions committed when a checkpoint completes,"
                    + " and readers with isolation.level=read_committed (all of Signalbox's) see"
                    + " each record once, after that checkpoint: records become visible about one"
                    + " checkpoint interval after they are written. at-least-once: records are"
                    + " visible as soon as they are written, without transactions, but after a"
                    + " restart everything written since the last completed checkpoint is written"
                    + " again: duplicates that readers must tolerate (campaign counts and trends"
                    + " then count a sighting twice)."),
        ConfigOptions.key(job + ".transactional-id-prefix")
            .stringType()
            .noDefaultValue()
            .withDescription(
                "Prefix of the Kafka transactional ids of the job's exactly-once sinks; each sink"
                    + " adds its own name (<prefix>-sightings, ...) and a bounded run adds"
                    + " '-bounded'. Keep it stable across restarts: a restarted job finds and"
                    + " aborts the transactions its killed predecessor left open by it. Make it"
                    + " unique per job instance on a Kafka cluster: two instances with one prefix"
                    + " fence each other. Default: the job's consumer group id ("
                    + groupIdKey
                    + "), which is unique per instance already."),
        ConfigOptions.key(job + ".transaction-timeout")
            .durationType()
            .defaultValue(DEFAULT_TRANSACTION_TIMEOUT)
            .withDescription(
                "Kafka transaction timeout of the exactly-once sinks (transaction.timeout.ms)."
                    + " At least the checkpoint interval plus a minute for a restart: a"
                    + " transaction open longer is aborted by the broker and its records are lost."
                    + " At most the broker's transaction.max.timeout.ms (15 min by default; the"
                    + " job is refused at start when the broker says it is lower). Also how long"
                    + " read_committed readers wait behind a transaction a killed job left open"
                    + " if the job does not come back to abort it."));
  }

  public List<ConfigOption<?>> all() {
    return List.of(deliveryGuarantee, transactionalIdPrefix, transactionTimeout);
  }

  /**
   * @throws IllegalArgumentException when the value is neither exactly-once nor at-least-once
   */
  public DeliveryGuarantee guarantee(ReadableConfig conf) {
    String v = conf.get(deliveryGuarantee).strip().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (v) {
      case EXACTLY_ONCE -> DeliveryGuarantee.EXACTLY_ONCE;
      case AT_LEAST_ONCE -> DeliveryGuarantee.AT_LEAST_ONCE;
      default ->
          throw new IllegalArgumentException(
              deliveryGuarantee.key()
                  + ": '"
                  + conf.get(deliveryGuarantee)
                  + "' is neither "
                  + EXACTLY_ONCE
                  + " nor "
                  + AT_LEAST_ONCE);
    };
  }
}
