package org.signalbox.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.TopicPlan;
import org.signalbox.testkit.LocalKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox broker}: a local Kafka broker with the Signalbox topics, until Ctrl-C. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a real Kafka broker (KRaft, one node) on loopback in a child JVM, creates the Signalbox"
          + " topics and runs until Ctrl-C: the core topics (indicators, sightings, deadletter,"
          + " campaign-alerts, indicator-scores, indicator-audit, trends) and, with --members, every"
          + " topic of the member directory, as 'signalbox topics apply' does.",
      "The broker's log is broker.log in the data directory."
    })
public final class BrokerCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep the broker's data here so topics survive a restart (default: a temporary"
              + " directory, deleted when the broker stops).")
  Path dataDir;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description =
          "Partitions of the core topics and of each telemetry topic created now (default:"
              + " ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--members",
      paramLabel = "FILE",
      description =
          "Member directory (YAML): also create its members' telemetry, feedback and feed topics"
              + " (as 'signalbox topics apply --members FILE').")
  Path membersFile;

  @Option(
      names = "--telemetry-retention",
      defaultValue = "7d",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How long telemetry is kept, counted from the time the edge sent it (default:"
              + " ${DEFAULT-VALUE}).")
  Duration telemetryRetention;

  @Option(
      names = "--startup-timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "How long the broker may take to start (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  @Option(
      names = "--heap",
      defaultValue = "512m",
      description = "Maximum heap of the broker JVM (default: ${DEFAULT-VALUE}).")
  String heap;

  @Override
  public Integer call() throws Exception {
    // Read the directory before the broker starts, so a bad file is an error message at once.
    TopicPlan plan =
        TopicPlan.of(
            membersFile == null ? null : MemberDirectory.load(membersFile),
            partitions,
            telemetryRetention);
    LocalKafkaBroker.Options options =
        new LocalKafkaBroker.Options()
            .dataDir(dataDir)
            .heap(heap)
            .readinessTimeout(Duration.ofSeconds(startupTimeoutSeconds));
    LocalKafkaBroker broker = LocalKafkaBroker.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C runs the shutdown hooks; this one reports once the broker is really gone. The
    // broker's own hook may run at the same time; close() is synchronized and idempotent.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  System.out.println("Broker stopped (pid " + broker.pid() + ").");
                  System.out.flush();
                  stopped.countDown();
                },
                "signalbox-broker-command-stop"));
    try {
      plan.apply(broker.clientProperties(), Optional.empty(), false, Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    System.out.println("Kafka broker ready in " + broker.startupTime().toMillis() + " ms.");
    System.out.println("  bootstrap servers: " + broker.bootstrapServers());
    System.out.println("  pid:               " + broker.pid());
    System.out.println(
        "  data directory:    " + broker.dataDir() + (dataDir == null ? " (temporary)" : ""));
    System.out.println("  log:               " + broker.brokerLog());
    System.out.println("  topics:");
    System.out.print(TopicPlan.table(plan.topics()));
    System.out.println("Press Ctrl-C to stop.");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
