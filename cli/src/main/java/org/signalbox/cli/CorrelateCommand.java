package org.signalbox.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.topics.RequiredTopics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "correlate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the correlate job on an embedded Flink against an existing Kafka cluster, until"
          + " Ctrl-C. Reads telemetry.* and indicators, writes sightings and deadletter.",
      "For a Flink cluster, submit the job jar instead: flink run"
          + " jobs/target/signalbox-jobs-*-job.jar --kafka.bootstrap-servers HOST:PORT",
      "Use --list-options for every option of the job."
    })
final class CorrelateCommand implements Callable<Integer> {

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (sets kafka.bootstrap-servers).")
  String bootstrap;

  @picocli.CommandLine.Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(
      names = "--members",
      paramLabel = "FILE",
      description =
          "Member directory (sets sharing.members): the secretariat's source name is its"
              + " 'secretariat' entry.")
  String members;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any job or Flink option, e.g. --set correlate.indicator-expiry-grace=2h.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--bounded",
      description = "Read each topic up to its current end, then finish (a replay).")
  boolean bounded;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Expose the job's metrics for Prometheus on this port (Flink's reporter).")
  Integer metricsPort;

  @Option(names = "--list-options", description = "Print the job's options with defaults and exit.")
  boolean listOptions;

  @Override
  public Integer call() throws Exception {
    if (listOptions) {
      return JobOptionsListing.print(CorrelateOptions.ALL, System.out);
    }
    Configuration conf;
    KafkaClientConfig client;
    try {
      conf = JobCommands.configuration(settings, bootstrap, kafkaConfig);
      if (members != null) {
        conf.set(CorrelateOptions.MEMBERS, members);
      }
      // Now, so that a directory that contradicts the option is a message, not a failed job.
      CorrelateOptions.secretariatSource(conf);
      client = KafkaOptions.client(conf);
    } catch (IllegalArgumentException e) {
      System.err.println("correlate: " + e.getMessage());
      return 2;
    }
    // A missing topic would otherwise fail the job a minute in, and it would restart for ever.
    Optional<String> problem =
        RequiredTopics.problem(
            client,
            List.of(
                conf.get(CorrelateOptions.INDICATORS_TOPIC),
                conf.get(CorrelateOptions.SIGHTINGS_TOPIC),
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC),
                conf.get(CorrelateOptions.INDICATOR_AUDIT_TOPIC)),
            "correlate",
            KafkaConfigOption.NAME);
    if (problem.isPresent()) {
      System.err.println("error: " + problem.get());
      return 1;
    }
    if (metricsPort != null) {
      CorrelateMetrics.enablePrometheus(conf, metricsPort);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    CorrelateJob.reuseObjects(env, conf);
    try {
      CorrelateKafka.attach(env, conf, bounded);
    } catch (IllegalArgumentException e) {
      System.err.println("correlate: " + e.getMessage());
      return 2;
    }
    System.err.println(
        "correlate: reading from "
            + client.bootstrapServers()
            + " as "
            + client.describeLogin()
            + ", "
            + JobCommands.describeDelivery(conf, CorrelateOptions.SINKS)
            + (bounded ? "" : " (Ctrl-C stops)"));
    env.execute("signalbox correlate");
    return 0;
  }
}
