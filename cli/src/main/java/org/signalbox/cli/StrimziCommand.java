package org.signalbox.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.signalbox.cli.kubernetes.StrimziResources;
import org.signalbox.cli.kubernetes.StrimziResources.Authentication;
import org.signalbox.jobs.sharing.MemberAcls;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.TopicPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code signalbox strimzi topics|users}: the member directory's topics and ACLs as Strimzi custom
 * resources, for a Kafka cluster run by the Strimzi operator instead of {@code topics apply} and
 * {@code acls}. deploy/kubernetes/kafka-topics.yaml and kafka-users.yaml are its output for the
 * example directory.
 */
@Command(
    name = "strimzi",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the member directory's Kafka topics (KafkaTopic) or users and ACLs (KafkaUser) as"
          + " Strimzi resources (kafka.strimzi.io/v1), for a cluster run by the Strimzi operator:"
          + " the same topics as 'topics apply' and the same bindings as 'acls'.",
      "Apply the output with kubectl in the namespace of the Kafka resource; the Kafka resource"
          + " needs 'authorization: {type: simple}' for the users' ACLs to be enforced."
    },
    subcommands = {StrimziCommand.Topics.class, StrimziCommand.Users.class})
public final class StrimziCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What both subcommands take: the directory, the cluster, where the YAML goes. */
  static final class Common {
    @Option(
        names = "--members",
        required = true,
        paramLabel = "FILE",
        description = "Member directory (YAML), as given to signalbox campaigns --members.")
    Path membersFile;

    @Option(
        names = "--cluster",
        paramLabel = "NAME",
        defaultValue = "isac",
        description =
            "Name of the Strimzi Kafka resource (the strimzi.io/cluster label; default:"
                + " ${DEFAULT-VALUE}).")
    String cluster;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "Write the YAML here instead of to standard output.")
    Path output;

    MemberDirectory directory() {
      try {
        return MemberDirectory.load(membersFile);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--members: no such file: " + membersFile);
      } catch (IOException e) {
        throw new IllegalArgumentException("--members: cannot read " + membersFile + ": " + e);
      }
    }

    int write(CommandLine.Model.CommandSpec spec, String yaml) {
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(yaml);
        out.flush();
        return 0;
      }
      try {
        Files.writeString(output, yaml, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("--output: cannot write " + output + ": " + e);
      }
      return 0;
    }
  }

  /** {@code scram-sha-512} or {@code tls}, as Strimzi spells them. */
  static final class AuthenticationConverter implements CommandLine.ITypeConverter<Authentication> {
    @Override
    public Authentication convert(String value) {
      for (Authentication a : Authentication.values()) {
        if (a.type().equalsIgnoreCase(value.trim())) {
          return a;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is neither scram-sha-512 nor tls");
    }
  }

  private static int run(CommandLine.Model.CommandSpec spec, Callable<Integer> body) {
    try {
      return body.call();
    } catch (IllegalArgumentException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("error: " + e.getMessage());
      err.flush();
      return 2;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Command(
      name = "topics",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a KafkaTopic for every topic the member directory implies, with the partitions,"
            + " cleanup policy and retention 'topics apply' creates it with.",
        "Exit status: 0 written, 2 a usage or input error."
      })
  static final class Topics implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin Common common;

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
        names = "--replicas",
        defaultValue = "3",
        paramLabel = "N",
        description = "Replicas of every partition (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Override
    public Integer call() {
      return run(
          spec,
          () -> {
            TopicPlan plan = TopicPlan.of(common.directory(), partitions, telemetryRetention);
            List<String> header =
                List.of(
                    "The Kafka topics of the member directory "
                        + common.membersFile.getFileName()
                        + " as Strimzi KafkaTopic resources,",
                    "written by: signalbox strimzi topics --members "
                        + common.membersFile.getFileName()
                        + " --cluster "
                        + common.cluster
                        + " --partitions "
                        + partitions
                        + " --replicas "
                        + replicas
                        + " --telemetry-retention "
                        + telemetryRetention.toDays()
                        + "d",
                    "(the topics 'signalbox topics apply' creates). Do not edit by hand: regenerate"
                        + " it (deploy/kubernetes/README.md).");
            return common.write(
                spec,
                StrimziResources.yaml(
                    header, StrimziResources.topics(plan, common.cluster, replicas)));
          });
    }
  }

  @Command(
      name = "users",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a KafkaUser for every member and partner of the directory, holding exactly the"
            + " ACL bindings 'signalbox acls' sets for it (see 'acls --help').",
        "Exit status: 0 written, 2 a usage or input error."
      })
  static final class Users implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin Common common;

    @Option(
        names = "--principal-prefix",
        paramLabel = "PREFIX",
        description =
            "Put before each member id to make its Kafka user name, as for 'signalbox acls'"
                + " (default: none).")
    String principalPrefix = MemberAcls.DEFAULT_PRINCIPAL_PREFIX;

    @Option(
        names = "--authentication",
        paramLabel = "TYPE",
        defaultValue = "scram-sha-512",
        converter = AuthenticationConverter.class,
        description =
            "How members log in: scram-sha-512 or tls (default: ${DEFAULT-VALUE}; the Kafka"
                + " resource's member listener must use the same).")
    Authentication authentication;

    @Override
    public Integer call() {
      return run(
          spec,
          () -> {
            MemberAcls acls = MemberAcls.plan(common.directory(), principalPrefix);
            List<String> header =
                List.of(
                    "The members and partners of the member directory "
                        + common.membersFile.getFileName()
                        + " as Strimzi KafkaUser resources, each",
                    "with the ACLs 'signalbox acls' grants it; written by: signalbox strimzi users"
                        + " --members "
                        + common.membersFile.getFileName()
                        + " --cluster "
                        + common.cluster
                        + (principalPrefix.isEmpty()
                            ? ""
                            : " --principal-prefix " + principalPrefix)
                        + " --authentication "
                        + authentication.type(),
                    "Do not edit by hand: regenerate it (deploy/kubernetes/README.md).");
            return common.write(
                spec,
                StrimziResources.yaml(
                    header, StrimziResources.users(acls, common.cluster, authentication)));
          });
    }
  }
}
