package org.signalbox.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.signalbox.cli.secure.SecureLocalBroker;
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
      "With --security sasl-ssl the broker is secured as a real ISAC cluster should be: a SASL_SSL"
          + " listener (SCRAM-SHA-512, a self-signed certificate for 127.0.0.1 and localhost made"
          + " at start), a SASL_SSL controller listener, the StandardAuthorizer with no access for"
          + " anyone unauthenticated, a SCRAM credential with a random password for every member,"
          + " partner and service account (correlate, campaigns, trends, gateway, importer,"
          + " secretariat), the ACLs of 'signalbox acls', and one client properties file per"
          + " principal in --client-config-dir (<name>.properties, readable by its owner only,"
          + " for --kafka-config; admin.properties logs in as the super user). No password is"
          + " printed.",
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

  /** What the client listener asks of a client. */
  enum Security {
    NONE,
    SASL_SSL;

    static Security parse(String value) {
      return switch (value) {
        case "none", "plaintext" -> NONE;
        case "sasl-ssl", "sasl_ssl" -> SASL_SSL;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "'" + value + "' is not one of none, sasl-ssl");
      };
    }
  }

  @Option(
      names = "--security",
      defaultValue = "none",
      paramLabel = "MODE",
      converter = SecurityConverter.class,
      description =
          "none (default): PLAINTEXT, no login, no ACLs (the demo's broker). sasl-ssl: TLS and"
              + " SCRAM-SHA-512 for every client, ACLs from --members (required), client files"
              + " in --client-config-dir.")
  Security security;

  static final class SecurityConverter implements picocli.CommandLine.ITypeConverter<Security> {
    @Override
    public Security convert(String value) {
      return Security.parse(value);
    }
  }

  @Option(
      names = "--client-config-dir",
      paramLabel = "DIR",
      description =
          "With --security sasl-ssl: write each principal's Kafka client properties file"
              + " (<member id>.properties, correlate.properties, ..., admin.properties) and the"
              + " trust store truststore.pem here (default: security/clients in the data"
              + " directory).")
  Path clientConfigDir;

  @Option(
      names = "--heap",
      defaultValue = "512m",
      description = "Maximum heap of the broker JVM (default: ${DEFAULT-VALUE}).")
  String heap;

  @Override
  public Integer call() throws Exception {
    // Read the directory before the broker starts, so a bad file is an error message at once.
    MemberDirectory directory = membersFile == null ? null : MemberDirectory.load(membersFile);
    if (security == Security.SASL_SSL && directory == null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--security sasl-ssl needs --members FILE: the principals and ACLs come from the"
              + " member directory");
    }
    if (security == Security.NONE && clientConfigDir != null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--client-config-dir is for --security sasl-ssl (a plain broker needs no client files)");
    }
    TopicPlan plan = TopicPlan.of(directory, partitions, telemetryRetention);
    LocalKafkaBroker.Options options =
        new LocalKafkaBroker.Options()
            .dataDir(dataDir)
            .heap(heap)
            .readinessTimeout(Duration.ofSeconds(startupTimeoutSeconds));
    SecureLocalBroker secure =
        security == Security.SASL_SSL
            ? SecureLocalBroker.start(directory, options, clientConfigDir)
            : null;
    LocalKafkaBroker broker = secure != null ? secure.broker() : LocalKafkaBroker.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C runs the shutdown hooks; this one reports once the broker is really gone. The
    // broker's own hook may run at the same time; close() is synchronized and idempotent.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (secure != null) {
                    secure.close();
                  } else {
                    broker.close();
                  }
                  System.out.println("Broker stopped (pid " + broker.pid() + ").");
                  System.out.flush();
                  stopped.countDown();
                },
                "signalbox-broker-command-stop"));
    try {
      plan.apply(broker.clientProperties(), Optional.empty(), false, Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      if (secure != null) {
        secure.close();
      } else {
        broker.close();
      }
      throw e;
    }
    System.out.println("Kafka broker ready in " + broker.startupTime().toMillis() + " ms.");
    System.out.println("  bootstrap servers: " + broker.bootstrapServers());
    System.out.println("  pid:               " + broker.pid());
    System.out.println(
        "  data directory:    " + broker.dataDir() + (dataDir == null ? " (temporary)" : ""));
    System.out.println("  log:               " + broker.brokerLog());
    if (secure != null) {
      System.out.println("  security:          SASL_SSL, SCRAM-SHA-512, StandardAuthorizer, ACLs");
      System.out.println("  certificate:       SHA-256 " + secure.fingerprint());
      System.out.println("  trust store:       " + secure.trustStore());
      System.out.println(
          "  client configs:    "
              + secure.clientConfigDir()
              + " (one <principal>.properties each, mode 600; admin.properties is the super"
              + " user)");
      System.out.println("  principals:        " + String.join(", ", secure.users()));
    }
    System.out.println("  topics:");
    System.out.print(TopicPlan.table(plan.topics()));
    System.out.println("Press Ctrl-C to stop.");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
