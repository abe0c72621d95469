package org.signalbox.cli;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.common.KafkaSinkOptions;
import org.signalbox.jobs.correlate.CorrelateOptions;

/** What the commands that run a job (correlate, campaigns, trends) share. */
final class JobCommands {
  private JobCommands() {}

  /**
   * The job's configuration from {@code --set} pairs, {@code --bootstrap} and {@code
   * --kafka-config}: the file is read by the job ({@code kafka.config-file}), so the one factory
   * builds the job's clients from it as it does the command's.
   *
   * @throws IllegalArgumentException for a password in {@code --set}, or a client config file that
   *     cannot be used
   */
  static Configuration configuration(
      Map<String, String> settings, String bootstrap, KafkaConfigOption kafkaConfig) {
    KafkaOptions.refuseSecretsOnCommandLine(settings, "--set");
    Configuration conf = Configuration.fromMap(settings);
    if (bootstrap != null) {
      conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
    }
    if (kafkaConfig.file != null) {
      conf.set(KafkaOptions.CONFIG_FILE, kafkaConfig.file.toString());
    }
    // Read now, so that a refused file is a message, not a failed job.
    KafkaOptions.client(conf);
    return conf;
  }

  /** "exactly-once (sightings visible at checkpoints, every 10 s)" or "at-least-once". */
  static String describeDelivery(ReadableConfig conf, KafkaSinkOptions sinks) {
    if (sinks.guarantee(conf) == DeliveryGuarantee.EXACTLY_ONCE) {
      return "exactly-once (output visible to read_committed readers at each checkpoint, every "
          + conf.getOptional(
                  org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL)
              .orElse(conf.get(CorrelateOptions.CHECKPOINT_INTERVAL))
              .toSeconds()
          + " s)";
    }
    return "at-least-once (duplicates after a restart)";
  }
}
