package org.signalbox.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.trends.TrendsKafka;
import org.signalbox.jobs.trends.TrendsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "trends",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the trends job on an embedded Flink against an existing Kafka cluster, until Ctrl-C."
          + " Reads sightings, indicators, campaign alerts and members' verdicts (feedback.<member>),"
          + " writes hourly, daily and weekly TrendRecords to trends (figures from fewer than"
          + " trends.min-members members are suppressed).",
      "For a Flink cluster: flink run -c org.signalbox.jobs.trends.TrendsJob"
          + " jobs/target/signalbox-jobs-*-job.jar --kafka.bootstrap-servers HOST:PORT",
      "Exits with 1 and the name of the topic when a topic it reads or writes does not exist"
          + " (create them with 'signalbox topics apply').",
      "Use --list-options for every option of the job."
    })
final class TrendsCommand implements Callable<Integer> {

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
          "Member directory (YAML; sets sharing.members): members that only consume, indicators"
              + " contributed under member ids, load against daily capacity.")
  String members;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any job or Flink option, e.g. --set trends.min-members=5.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--bounded",
      description =
          "Read each topic from its beginning to its current end, close every window, write the"
              + " figures, say what was read, then finish. Commits no offsets (the streaming"
              + " job's group is left alone); feedback is read from the topics matching"
              + " feedback.topics that exist now, if any.")
  boolean bounded;

  @Option(names = "--list-options", description = "Print the job's options with defaults and exit.")
  boolean listOptions;

  @Override
  public Integer call() throws Exception {
    if (listOptions) {
      java.util.List<org.apache.flink.configuration.ConfigOption<?>> all =
          new java.util.ArrayList<>(KafkaOptions.ALL);
      all.addAll(TrendsOptions.ALL);
      return JobOptionsListing.print(all, System.out);
    }
    Configuration conf;
    try {
      conf = JobCommands.configuration(settings, bootstrap, kafkaConfig);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    if (members != null) {
      conf.set(TrendsOptions.MEMBERS, members);
    }
    if (conf.get(TrendsOptions.MIN_MEMBERS) < 1) {
      System.err.println("error: trends.min-members must be at least 1");
      return 2;
    }
    try {
      // Read it now, so a bad file is an error message, not a failed job.
      TrendsKafka.directory(conf);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    TrendsKafka.Inputs inputs;
    try {
      inputs = TrendsKafka.attach(env, conf, bounded);
    } catch (IllegalStateException e) {
      // A missing topic, or no answer from the broker: say so now rather than fail the job.
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      // A delivery guarantee or transaction timeout the job (or the broker) would refuse.
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    String bootstrapServers = conf.get(CorrelateOptions.BOOTSTRAP_SERVERS);
    if (!bounded) {
      System.err.println(
          "trends: reading from "
              + bootstrapServers
              + ", "
              + JobCommands.describeDelivery(conf, TrendsOptions.SINKS)
              + " (Ctrl-C stops)");
      env.execute("signalbox trends");
      return 0;
    }
    System.err.println(
        "trends --bounded: reading "
            + inputs.topics()
            + " from "
            + bootstrapServers
            + " from the beginning to their current end (no offsets committed)");
    if (inputs.topicsBySource().get("feedback").isEmpty()) {
      System.err.println(
          "trends --bounded: no topic matches "
              + inputs.feedbackPattern()
              + " (feedback.topics): no verdicts, no feedback figures");
    }
    JobExecutionResult result = env.execute("signalbox trends (bounded)");
    System.out.print(readSummary(inputs, result));
    return 0;
  }

  /** What a finished bounded run read per input and topic, and how many trend records it wrote. */
  static String readSummary(TrendsKafka.Inputs inputs, JobExecutionResult result) {
    StringBuilder b = new StringBuilder("trends --bounded: read\n");
    for (Map.Entry<String, java.util.List<String>> source : inputs.topicsBySource().entrySet()) {
      if (source.getValue().isEmpty()) {
        b.append("  ")
            .append(source.getKey())
            .append(": no topic matches ")
            .append(inputs.feedbackPattern())
            .append('\n');
        continue;
      }
      for (String topic : source.getValue()) {
        b.append(
            String.format(
                "  %-16s %-32s %,d records%n",
                source.getKey() + ":", topic, count(result, TrendsKafka.READ_PREFIX + topic)));
      }
    }
    b.append(
        String.format(
            "trends --bounded: wrote %,d trend records%n", count(result, TrendsKafka.WRITTEN)));
    return b.toString();
  }

  private static long count(JobExecutionResult result, String accumulator) {
    Object v = result.getAccumulatorResult(accumulator);
    return v instanceof Number n ? n.longValue() : 0L;
  }
}
