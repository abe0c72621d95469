package org.signalbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.signalbox.gateway.TaxiiTransport;
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
          + " audiences' collections. See gateway/GATEWAY.md.",
      "Served over HTTPS (TLS 1.3 and 1.2 only): with --tls-certificate and --tls-key from PEM"
          + " files; without them, on a loopback --bind, with a certificate generated at start"
          + " (its SHA-256 fingerprint is printed; --write-certificate saves it for clients)."
          + " Plain HTTP only with --plain-http and only on loopback. Limits on headers, query,"
          + " body, connections and requests per member (413/414/431/429) are in the config's"
          + " 'limits:'; every answered request is logged by the logger"
          + " org.signalbox.gateway.access (who read which collection)."
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
          "Address to listen on (default: ${DEFAULT-VALUE}, loopback). Any other address needs"
              + " --tls-certificate and --tls-key.")
  String bind;

  @Option(
      names = "--tls-certificate",
      paramLabel = "FILE",
      description =
          "PEM file of the server's certificate chain, leaf first (with --tls-key). Without it,"
              + " on loopback, a self-signed certificate is generated at start.")
  Path tlsCertificate;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description =
          "PEM file of the certificate's private key (PKCS#8, RSA or EC; not encrypted; readable"
              + " by its owner only: chmod 600).")
  Path tlsKey;

  @Option(
      names = "--write-certificate",
      paramLabel = "FILE",
      description =
          "Write the generated self-signed certificate (PEM) here, for clients to trust (curl"
              + " --cacert FILE).")
  Path writeCertificate;

  @Option(
      names = "--plain-http",
      description =
          "Serve plain HTTP instead of HTTPS; refused unless --bind is a loopback address"
              + " (passwords would cross the network in the clear).")
  boolean plainHttp;

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
    TaxiiTransport transport;
    try {
      transport = transport();
      transport.checkBind(bind);
      if (writeCertificate != null) {
        if (transport.kind() != TaxiiTransport.Kind.TLS_SELF_SIGNED) {
          System.err.println(
              "gateway: --write-certificate is for the generated certificate (no --tls-certificate,"
                  + " no --plain-http)");
          return 2;
        }
        Files.writeString(writeCertificate, transport.certificatePem(), StandardCharsets.US_ASCII);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("gateway: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (Gateway g = Gateway.start(conf, client, bind, port, metricsPort, transport)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      if (transport.kind() == TaxiiTransport.Kind.TLS_SELF_SIGNED) {
        System.err.println(
            "gateway: self-signed certificate for localhost, 127.0.0.1, ::1; SHA-256 fingerprint "
                + transport.fingerprint()
                + (writeCertificate != null ? " (written to " + writeCertificate + ")" : ""));
      }
      System.err.printf(
          "gateway: TAXII 2.1 at %s://%s:%d/taxii2/ (collections: %d, objects in memory)%s%n",
          transport.scheme(),
          bind,
          g.port(),
          conf.collections.size(),
          g.metricsPort() >= 0 ? ", metrics at :" + g.metricsPort() + "/metrics" : "");
      stop.await();
    }
    return 0;
  }

  /** The transport the options ask for; the bind address is checked by the caller. */
  TaxiiTransport transport() {
    if (plainHttp) {
      if (tlsCertificate != null || tlsKey != null) {
        throw new IllegalArgumentException(
            "--plain-http and --tls-certificate/--tls-key exclude each other");
      }
      return TaxiiTransport.plainLoopback();
    }
    if ((tlsCertificate == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-certificate and --tls-key go together");
    }
    if (tlsCertificate != null) {
      return TaxiiTransport.fromPemFiles(tlsCertificate, tlsKey);
    }
    if (!TaxiiTransport.isLoopback(bind)) {
      throw new IllegalArgumentException(
          "--bind "
              + bind
              + " is not a loopback address: give --tls-certificate FILE --tls-key FILE (a"
              + " generated certificate and plain HTTP are for loopback only)");
    }
    return TaxiiTransport.selfSigned();
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
