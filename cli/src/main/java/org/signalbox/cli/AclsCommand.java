package org.signalbox.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.signalbox.jobs.sharing.MemberAcls;
import org.signalbox.jobs.sharing.MemberDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code signalbox acls}: sets the per-member Kafka ACLs the sharing model relies on ({@link
 * MemberAcls}), and removes those of members and groups the directory no longer lists.
 */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description = {
      "Sets the Kafka ACLs of the member directory's members and partners, and removes stale ones.",
      "Each member principal User:<prefix><id> may WRITE (and DESCRIBE) its own telemetry.<id> and"
          + " feedback.<id>; READ (and DESCRIBE) feed.member.<id>, feed.group.<g> of each of its"
          + " groups, feed.community and feed.public, and their .digest-hourly/.digest-daily"
          + " topics; and READ consumer groups whose id starts with '<id>.' (a member's consumers"
          + " must use such group ids). Partners read feed.community and feed.public (and"
          + " digests) with their own '<id>.' groups. The service accounts User:correlate,"
          + " User:campaigns, User:trends, User:gateway, User:importer and User:secretariat get"
          + " what their code reads and writes with the default topics, consumer groups and"
          + " transactional id prefixes (README, Service accounts). Nothing else.",
      "Without --dry-run the plan is applied with the Kafka admin API, then ALLOW bindings of"
          + " these shapes held by User: principals of the prefix that the plan no longer has"
          + " (a member dropped from the directory, a group it left) are deleted. Added, removed"
          + " and unchanged bindings are counted.",
      "The broker needs an authorizer (KRaft: authorizer.class.name="
          + "org.apache.kafka.metadata.authorizer.StandardAuthorizer) and the login of"
          + " --command-config must be allowed to change ACLs (a super user, or ALTER on the"
          + " cluster).",
      "Exit status: 0 done, 1 the broker refused or did not answer, 2 a usage or input error."
    })
public final class AclsCommand implements Callable<Integer> {

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
              + " be added and removed on that broker.")
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
              + " sasl.jaas.config, ssl.truststore.location, ... (like kafka-acls"
              + " --command-config, which is accepted too). A file holding a password must be"
              + " readable by its owner only (chmod 600).")
  Path commandConfig;

  @Option(
      names = "--principal-prefix",
      paramLabel = "PREFIX",
      description =
          "Put before each member id to make its Kafka user name, e.g. 'member-' for"
              + " User:member-rail-a (default: none, User:<id>). Stale bindings are looked for"
              + " among User: principals that start with it.")
  String principalPrefix = MemberAcls.DEFAULT_PRINCIPAL_PREFIX;

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
    MemberAcls plan;
    Properties config;
    try {
      if (timeoutSeconds < 1) {
        throw new IllegalArgumentException("--timeout must be at least 1 second");
      }
      if (bootstrap == null && !dryRun) {
        throw new IllegalArgumentException(
            "--bootstrap HOST:PORT is required to apply the ACLs (or pass --dry-run to print the"
                + " plan only)");
      }
      MemberDirectory directory = loadDirectory(membersFile);
      plan = MemberAcls.plan(directory, principalPrefix);
      config = bootstrap == null ? null : adminConfig();
      out.printf(
          "Kafka ACLs for %s and %s of %s (principals %s):%n",
          count(directory.members().size(), "member"),
          count(directory.partners().size(), "partner"),
          membersFile,
          plan.principal("<id>"));
      out.print(MemberAcls.table(plan.bindings()));
      out.printf("%d bindings.%n", plan.bindings().size());
      out.flush();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 2;
    }
    if (config == null) {
      return 0;
    }
    try (Admin admin = Admin.create(config)) {
      return apply(admin, plan, out);
    } catch (BrokerRefusal e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      err.flush();
      return 1;
    }
  }

  private int apply(Admin admin, MemberAcls plan, PrintWriter out)
      throws BrokerRefusal, InterruptedException {
    Collection<AclBinding> existing =
        await(admin.describeAcls(AclBindingFilter.ANY).values(), "read the broker's ACLs");
    MemberAcls.Changes changes = plan.changes(existing);
    String verb = dryRun ? "would add" : "adding";
    changes.toAdd().forEach(b -> out.println("+ " + MemberAcls.line(b)));
    changes.toRemove().forEach(b -> out.println("- " + MemberAcls.line(b)));
    out.flush();
    if (!dryRun) {
      // Added before stale ones are removed, so a binding that moves never leaves a gap.
      if (!changes.toAdd().isEmpty()) {
        await(admin.createAcls(changes.toAdd()).all(), "create ACLs");
      }
      if (!changes.toRemove().isEmpty()) {
        List<AclBindingFilter> filters = new ArrayList<>();
        changes.toRemove().forEach(b -> filters.add(b.toFilter()));
        await(admin.deleteAcls(filters).all(), "delete stale ACLs");
      }
      verb = "added";
    }
    out.printf(
        "%s: %s %d, %s %d, unchanged %d.%n",
        bootstrap,
        verb,
        changes.toAdd().size(),
        dryRun ? "would remove" : "removed",
        changes.toRemove().size(),
        changes.unchanged().size());
    out.flush();
    return 0;
  }

  /** A Kafka answer, or the reason the broker gave translated into what to do next. */
  private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what)
      throws BrokerRefusal, InterruptedException {
    try {
      return future.get(timeoutSeconds + 5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new BrokerRefusal(noAnswer(what));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SecurityDisabledException) {
        throw new BrokerRefusal(
            "the broker at "
                + bootstrap
                + " has no authorizer, so it keeps no ACLs and lets every client read and write"
                + " every topic. Set authorizer.class.name="
                + "org.apache.kafka.metadata.authorizer.StandardAuthorizer and super.users="
                + "User:<your admin> on every broker and controller, enable authentication"
                + " (e.g. SASL) on the client listener, restart, and run this again with"
                + " --command-config logging in as that admin.");
      }
      if (cause instanceof ClusterAuthorizationException) {
        throw new BrokerRefusal(
            "the broker does not let the login of --command-config "
                + what
                + ": it needs DESCRIBE and ALTER on the cluster (or to be one of the broker's"
                + " super.users). Use the admin login, or grant them with kafka-acls.");
      }
      if (cause instanceof AuthenticationException) {
        throw new BrokerRefusal(
            "the broker refused the login of "
                + (commandConfig == null ? "this client (no --command-config)" : commandConfig)
                + ": "
                + cause.getMessage()
                + ". Check security.protocol, sasl.mechanism and sasl.jaas.config (user and"
                + " password).");
      }
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new BrokerRefusal(noAnswer(what));
      }
      throw new BrokerRefusal("cannot " + what + " on " + bootstrap + ": " + cause);
    }
  }

  private String noAnswer(String what) {
    return "no answer from "
        + bootstrap
        + " within "
        + timeoutSeconds
        + " s (to "
        + what
        + "). Check --bootstrap, and that security.protocol in --command-config matches the"
        + " listener: a SASL or TLS listener drops a PLAINTEXT client without a reply"
        + (commandConfig == null ? " (no --command-config given: PLAINTEXT)." : ".");
  }

  private Properties adminConfig() {
    return CommandConfig.admin(commandConfig, bootstrap, timeoutSeconds);
  }

  private static String count(int n, String thing) {
    return n + " " + thing + (n == 1 ? "" : "s");
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

  /** The broker said no, or nothing; the message says what to do next. */
  private static final class BrokerRefusal extends Exception {
    BrokerRefusal(String message) {
      super(message);
    }
  }
}
