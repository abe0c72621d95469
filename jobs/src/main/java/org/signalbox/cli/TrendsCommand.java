package org.signalbox.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
      "Use --list-options for every option of the job."
    })
final class TrendsCommand implements Callable<Integer> {

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (sets kafka.bootstrap-servers).")
  String bootstrap;

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
      description = "Read each topic up to its current end, close every window, then finish.")
  boolean bounded;

  @Option(names = "--list-options", description = "Print the job's options with defaults and exit.")
  boolean listOptions;

  @Override
  public Integer call() throws Exception {
    if (listOptions) {
      return JobOptionsListing.print(TrendsOptions.ALL, System.out);
    }
    Configuration conf = Configuration.fromMap(settings);
    if (bootstrap != null) {
      conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
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
    TrendsKafka.attach(env, conf, bounded);
    System.err.println(
        "trends: reading from " + conf.get(CorrelateOptions.BOOTSTRAP_SERVERS) + " (Ctrl-C stops)");
    env.execute("signalbox trends");
    return 0;
  }
}
