package org.signalbox.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.TopicPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code signalbox topics apply}: creates every topic of the member directory ({@link TopicPlan}),
 * leaves existing ones alone and reports how they differ from the plan, lists stale member topics.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Creates every Kafka topic the member directory implies, with its partitions, cleanup policy"
          + " and retention: the core topics (indicators and indicator-scores compacted,"
          + " indicator-audit and trends kept forever, sightings, deadletter, campaign-alerts),"
          + " and per member telemetry.<id> (with --telemetry-retention), feedback.<id> and"
          + " feed.member.<id>; feed.group.<g> of every group, feed.community, feed.public; and"
          + " each feed's .digest-hourly and .digest-daily topic.",
      "Idempotent: an existing topic is left as it is; where its partitions or a configuration"
          + " the plan sets differ, the difference is reported (change it with kafka-configs or"
          + " kafka-topics if that is what you want). Telemetry, feedback and feed topics the"
          + " directory no longer implies (a member who left) are listed as stale, never deleted.",
      "The broker does not create topics on demand: run this before the first edge or job, and"
          + " again whenever the directory changes. 'signalbox broker --members FILE' and the"
          + " demo create the same topics.",
      "Exit status: 0 done (differences and stale topics are reported, not errors), 1 the broker"
          + " refused or did not answer, 2 a usage or input error."
    })
public final class TopicsApplyCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--members",
      required = true,
      paramLabel = "FILE",
      description = "Member directory (YAML), as given to signalbox campaigns --members.")
  Path membersFile;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers. Required unless --dry-run; with --dry-run it shows what would"
              + " be created on that broker.")
  String bootstrap;

  @Option(
      names = "--dry-run",
      description = "Print the plan (and with --bootstrap, the changes) without changing anything.")
  boolean dryRun;

  @Option(
      names = {"--kafka-config", "--command-config"},
      paramLabel = "FILE",
      description =
          "Kafka client properties for the admin connection: security.protocol, sasl.mechanism,"
              + " sasl.jaas.config, ssl.truststore.location, ... (like kafka-topics"
              + " --command-config, which is accepted too). A file holding a password must be"
              + " readable by its owner only (chmod 600). The login needs CREATE and DESCRIBE_CONFIGS on the topics.")
  Path commandConfig;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description =
          "Partitions of the core topics and of each telemetry topic; the other per-member and"
              + " feed topics get one (default: ${DEFAULT-VALUE}).")
  int partitions;

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
      names = "--replication-factor",
      paramLabel = "N",
      description = "Replication factor of created topics (default: the broker's default).")
  Short replicationFactor;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "How long to wait for the broker's answers (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TopicPlan plan;
    Properties config;
    try {
      if (timeoutSeconds < 1) {
        throw new IllegalArgumentException("--timeout must be at least 1 second");
      }
      if (replicationFactor != null && replicationFactor < 1) {
        throw new IllegalArgumentException("--replication-factor must be at least 1");
      }
      if (bootstrap == null && !dryRun) {
        throw new IllegalArgumentException(
            "--bootstrap HOST:PORT is required to create the topics (or pass --dry-run to print"
                + " the plan only)");
      }
      MemberDirectory directory = loadDirectory(membersFile);
      plan = TopicPlan.of(directory, partitions, telemetryRetention);
      config =
          bootstrap == null ? null : CommandConfig.admin(commandConfig, bootstrap, timeoutSeconds);
      out.printf(
          "Kafka topics for %d members and %d groups of %s:%n",
          directory.members().size(), directory.groups().size(), membersFile);
      out.print(TopicPlan.table(plan.topics()));
      out.printf("%d topics.%n", plan.topics().size());
      out.flush();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 2;
    }
    if (config == null) {
      return 0;
    }
    Map<String, Object> clientConfig = new HashMap<>();
    config.forEach((k, v) -> clientConfig.put(String.valueOf(k), v));
    TopicPlan.Changes changes;
    try {
      changes =
          plan.apply(
              clientConfig,
              Optional.ofNullable(replicationFactor),
              dryRun,
              Duration.ofSeconds(timeoutSeconds));
    } catch (IllegalStateException e) {
      err.println("error: " + bootstrap + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    print(changes, out);
    return 0;
  }

  private void print(TopicPlan.Changes changes, PrintWriter out) {
    String created = dryRun ? "would create" : "created";
    changes.toCreate().forEach(t -> out.println("+ " + t.name()));
    changes.differences().forEach(d -> out.println("~ " + d + " (left as it is)"));
    changes.stale().forEach(s -> out.println("? " + s + " (stale: not in the directory; kept)"));
    out.printf(
        "%s: %s %d, existing %d (%d differences), stale %d.%n",
        bootstrap,
        created,
        changes.toCreate().size(),
        changes.existing().size(),
        changes.differences().size(),
        changes.stale().size());
    out.flush();
  }

  private static MemberDirectory loadDirectory(Path file) {
    try {
      return MemberDirectory.load(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--members: no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("--members: cannot read " + file + ": " + e);
    }
  }
}
