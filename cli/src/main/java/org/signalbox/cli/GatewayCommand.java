package org.signalbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.signalbox.gateway.Gateway;
import org.signalbox.gateway.GatewayConfig;
import org.signalbox.gateway.PasswordHash;
import org.signalbox.jobs.sharing.MemberDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    subcommands = {GatewayCommand.HashPassword.class},
    description = {
      "Serves the shared feed as a TAXII 2.1 server (read only) until Ctrl-C: one collection per"
          + " audience (member:<id>, group:<name>, community, public), read from the sharing"
          + " router's topic of it (feed.member.<id>, ...) into memory; sightings, indicators and"
          + " campaign alerts become STIX 2.1 objects.",
      "Members authenticate with HTTP basic credentials from the config file and see only their"
          + " audiences' collections. See gateway/GATEWAY.md."
    })
final class GatewayCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config (required to serve).")
  Path config;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @picocli.CommandLine.Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}, loopback; put TLS in front before"
              + " opening it to a network).")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "9500",
      description = "TAXII port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      description = "Serve Prometheus metrics on this port at /metrics (default: off).")
  int metricsPort;

  @Option(
      names = "--members",
      paramLabel = "FILE",
      description =
          "Member directory (as the campaign job's sharing.members): members with 'attribution:"
              + " true' are named in every collection (a STIX identity) instead of a per-audience"
              + " pseudonym; adds to the config's attributedMembers. Its 'secretariat' is the"
              + " secretariat's source name (a config secretariatSource that disagrees is"
              + " refused).")
  Path members;

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      // Not 'required' in picocli: that would also demand it of 'gateway hash-password'.
      System.err.println("gateway: --config FILE is required");
      return 2;
    }
    GatewayConfig conf;
    try {
      conf = GatewayConfig.read(config);
    } catch (IllegalArgumentException e) {
      System.err.println("gateway: " + config + ": " + e.getMessage());
      return 2;
    }
    if (members != null) {
      MemberDirectory directory;
      try {
        directory = MemberDirectory.load(members);
      } catch (NoSuchFileException e) {
        System.err.println("gateway: --members: no such file: " + members);
        return 2;
      } catch (IOException | IllegalArgumentException e) {
        System.err.println("gateway: --members " + members + ": " + e.getMessage());
        return 2;
      }
      addAttributed(conf, directory);
      try {
        secretariatFrom(conf, directory, "secretariatSource in " + config);
      } catch (IllegalArgumentException e) {
        System.err.println("gateway: " + e.getMessage());
        return 2;
      }
    }
    org.signalbox.kafka.KafkaClientConfig client;
    try {
      client = kafkaConfig.client(bootstrap);
    } catch (IllegalArgumentException e) {
      System.err.println("gateway: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (Gateway g = Gateway.start(conf, client, bind, port, metricsPort)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      System.err.printf(
          "gateway: TAXII 2.1 at http://%s:%d/taxii2/ (collections: %d, objects in memory)%s%n",
          bind,
          g.port(),
          conf.collections.size(),
          g.metricsPort() >= 0 ? ", metrics at :" + g.metricsPort() + "/metrics" : "");
      stop.await();
    }
    return 0;
  }

  /**
   * Sets the config's secretariat source to the directory's {@code secretariat}.
   *
   * @throws IllegalArgumentException when the config names another one (with both names)
   */
  static void secretariatFrom(GatewayConfig conf, MemberDirectory directory, String setting) {
    conf.secretariatSource = directory.secretariatSource(conf.secretariatSource, setting);
  }

  /** Adds the directory's members that opted in to attribution to the config's, sorted. */
  static void addAttributed(GatewayConfig conf, MemberDirectory directory) {
    Set<String> attributed = new TreeSet<>(conf.attributedMembers);
    for (MemberDirectory.Member m : directory.members()) {
      if (m.attribution()) {
        attributed.add(m.id());
      }
    }
    conf.attributedMembers = new ArrayList<>(attributed);
  }

  @Command(
      name = "hash-password",
      mixinStandardHelpOptions = true,
      description =
          "Reads a password (from the console, or one line of standard input) and prints its"
              + " PBKDF2 hash for a member's passwordHash in the gateway config.")
  static final class HashPassword implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      char[] password;
      if (System.console() != null) {
        password = System.console().readPassword("password: ");
      } else {
        String line =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? null : line.toCharArray();
      }
      if (password == null || password.length == 0) {
        System.err.println("hash-password: no password given");
        return 2;
      }
      System.out.println(PasswordHash.hash(password));
      return 0;
    }
  }
}
