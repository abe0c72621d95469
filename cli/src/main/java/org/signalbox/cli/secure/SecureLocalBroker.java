package org.signalbox.cli.secure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.signalbox.jobs.sharing.MemberAcls;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * The local broker secured as a real ISAC cluster should be: every client authenticates over TLS
 * and may do only what the ACLs grant.
 *
 * <ul>
 *   <li>Client (and inter-broker) listener SASL_SSL on 127.0.0.1, SCRAM-SHA-512 only, with a fresh
 *       self-signed certificate ({@link BrokerCertificate}) and a PEM trust store for clients.
 *   <li>Controller listener SASL_SSL too, with SASL/PLAIN and the admin's password only: admin
 *       clients can reach a controller (KIP-919), so a PLAINTEXT controller whose {@code
 *       User:ANONYMOUS} must be a super user would bypass every ACL. SCRAM cannot be used there
 *       (its credentials live in the metadata the controller serves), hence PLAIN.
 *   <li>{@code StandardAuthorizer}, {@code allow.everyone.if.no.acl.found=false}, {@code
 *       super.users=User:admin} and nobody else; the admin's SCRAM credential is created with the
 *       storage at format time ({@code --add-scram}, KIP-900, handed to the tool on stdin).
 *   <li>A SCRAM credential with a random password for every member, partner and {@link
 *       MemberAcls.ServiceAccount service account}, the {@link MemberAcls} plan applied, and one
 *       Kafka client properties file per principal ({@code <user>.properties}, owner-only) plus
 *       {@code admin.properties} and {@code truststore.pem} in the client config directory.
 * </ul>
 *
 * <p>No password is ever on a command line or printed: they are in server.properties, the key store
 * and the client files, all readable by their owner only.
 */
public final class SecureLocalBroker implements AutoCloseable {

  /** The super user: the broker's own login on both listeners, and the operator's. */
  public static final String ADMIN = "admin";

  public static final String MECHANISM = "SCRAM-SHA-512";
  static final String TRUST_STORE = "truststore.pem";
  private static final String SCRAM_LOGIN =
      "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static final String PLAIN_LOGIN =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  /** Above Kafka's minimum of 4096; what kafka-configs uses unless told otherwise. */
  private static final int SCRAM_ITERATIONS = 8192;

  private final LocalKafkaBroker broker;
  private final Path clientConfigDir;
  private final Path securityDir;
  private final boolean deleteSecurityDir;
  private final String fingerprint;
  private final List<String> users;

  private SecureLocalBroker(
      LocalKafkaBroker broker,
      Path clientConfigDir,
      Path securityDir,
      boolean deleteSecurityDir,
      String fingerprint,
      List<String> users) {
    this.broker = broker;
    this.clientConfigDir = clientConfigDir;
    this.securityDir = securityDir;
    this.deleteSecurityDir = deleteSecurityDir;
    this.fingerprint = fingerprint;
    this.users = List.copyOf(users);
  }

  /**
   * Starts the broker, creates the credentials, applies the ACLs and writes the client files.
   *
   * @param options the broker's other settings (data directory, heap, port, timeout); its listener
   *     protocols and security properties are set here
   * @param clientConfigDir where the client files go (created); null: {@code clients/} beside the
   *     broker's key store (in the data directory, or a temporary directory deleted on close)
   */
  public static SecureLocalBroker start(
      MemberDirectory directory, LocalKafkaBroker.Options options, Path clientConfigDir) {
    MemberAcls acls = MemberAcls.plan(directory); // refuses a member named like a service account
    List<String> users = new ArrayList<>();
    directory.members().forEach(m -> users.add(m.id()));
    users.addAll(directory.partners());
    for (MemberAcls.ServiceAccount a : MemberAcls.ServiceAccount.values()) {
      users.add(a.user());
    }
    if (users.contains(ADMIN)) {
      throw new IllegalArgumentException(
          "a member or partner must not be called '"
              + ADMIN
              + "': that is the broker's super user");
    }
    boolean temporary = options.dataDir() == null;
    Path securityDir;
    try {
      securityDir =
          temporary
              ? Files.createTempDirectory("signalbox-kafka-security-")
              : Files.createDirectories(options.dataDir().toAbsolutePath().resolve("security"));
      if (Files.getFileStore(securityDir).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(
            securityDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      }
      clientConfigDir =
          Files.createDirectories(
                  clientConfigDir == null ? securityDir.resolve("clients") : clientConfigDir)
              .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's security directory", e);
    }
    // A kept data directory keeps the admin's SCRAM credential it was formatted with, so its
    // password is kept beside it; everything else is made new at every start.
    String adminPassword = adminPassword(securityDir.resolve("admin.password"));
    String keyStorePassword = Secrets.password();
    BrokerCertificate certificate = BrokerCertificate.generate();
    Path keyStore = securityDir.resolve("broker.p12");
    certificate.writeKeyStore(keyStore, keyStorePassword.toCharArray());
    Path trustStore = clientConfigDir.resolve(TRUST_STORE);
    certificate.writeTrustStore(trustStore);

    options
        .listenerSecurityProtocol(SecurityProtocol.SASL_SSL)
        .controllerSecurityProtocol(SecurityProtocol.SASL_SSL)
        .brokerProperty("sasl.enabled.mechanisms", MECHANISM)
        .brokerProperty("sasl.mechanism.inter.broker.protocol", MECHANISM)
        .brokerProperty(
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
            scramJaas(ADMIN, adminPassword))
        .brokerProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN")
        .brokerProperty("sasl.mechanism.controller.protocol", "PLAIN")
        .brokerProperty(
            "listener.name.controller.plain.sasl.jaas.config",
            PLAIN_LOGIN
                + " required username=\""
                + ADMIN
                + "\" password=\""
                + adminPassword
                + "\" user_"
                + ADMIN
                + "=\""
                + adminPassword
                + "\";")
        .brokerProperty("ssl.keystore.type", "PKCS12")
        .brokerProperty("ssl.keystore.location", keyStore.toString())
        .brokerProperty("ssl.keystore.password", keyStorePassword)
        .brokerProperty("ssl.key.password", keyStorePassword)
        .brokerProperty("ssl.truststore.type", "PEM")
        .brokerProperty("ssl.truststore.location", trustStore.toString())
        .brokerProperty("ssl.client.auth", "none")
        .brokerProperty("ssl.enabled.protocols", "TLSv1.3,TLSv1.2")
        .brokerProperty(
            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
        .brokerProperty("allow.everyone.if.no.acl.found", "false")
        .brokerProperty("super.users", "User:" + ADMIN)
        .secretFormatArguments(
            "--add-scram", MECHANISM + "=[name=" + ADMIN + ",password=" + adminPassword + "]");
    for (Map.Entry<String, String> e : clientLogin(ADMIN, adminPassword, trustStore).entrySet()) {
      options.clientProperty(e.getKey(), e.getValue());
    }
    LocalKafkaBroker broker = LocalKafkaBroker.start(options);
    try {
      writeClientConfig(
          clientConfigDir, ADMIN, adminPassword, trustStore, broker.bootstrapServers());
      Map<String, String> passwords = new LinkedHashMap<>();
      for (String user : users) {
        passwords.put(user, Secrets.password());
      }
      try (Admin admin = Admin.create(adminConfig(broker))) {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        passwords.forEach(
            (user, password) ->
                upserts.add(
                    new UserScramCredentialUpsertion(
                        user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                        password)));
        admin.alterUserScramCredentials(upserts).all().get(60, TimeUnit.SECONDS);
        List<AclBinding> existing =
            new ArrayList<>(
                admin.describeAcls(AclBindingFilter.ANY).values().get(60, TimeUnit.SECONDS));
        MemberAcls.Changes changes = acls.changes(existing);
        if (!changes.toAdd().isEmpty()) {
          admin.createAcls(changes.toAdd()).all().get(60, TimeUnit.SECONDS);
        }
        if (!changes.toRemove().isEmpty()) {
          List<AclBindingFilter> filters = new ArrayList<>();
          changes.toRemove().forEach(b -> filters.add(b.toFilter()));
          admin.deleteAcls(filters).all().get(60, TimeUnit.SECONDS);
        }
      }
      for (Map.Entry<String, String> e : passwords.entrySet()) {
        writeClientConfig(
            clientConfigDir, e.getKey(), e.getValue(), trustStore, broker.bootstrapServers());
      }
      // The controller commits the credentials; the broker serves them once it has read that
      // far in the metadata log. A client that logs in before would be refused for good.
      String last = users.get(users.size() - 1);
      awaitLogin(broker, clientLogin(last, passwords.get(last), trustStore));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      broker.close();
      throw new IllegalStateException("interrupted while setting up the broker's principals", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      broker.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot set up the broker's principals and ACLs: " + cause, cause);
    }
    return new SecureLocalBroker(
        broker, clientConfigDir, securityDir, temporary, certificate.fingerprint(), users);
  }

  private static String adminPassword(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        String kept = Files.readString(file).trim();
        if (!kept.isEmpty()) {
          return kept;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String password = Secrets.password();
    Secrets.writeOwnerOnly(file, password + "\n");
    return password;
  }

  private static String scramJaas(String user, String password) {
    return SCRAM_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  /** What a client needs besides bootstrap.servers to log in as {@code user}. */
  static Map<String, String> clientLogin(String user, String password, Path trustStore) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_SSL.name);
    p.put("sasl.mechanism", MECHANISM);
    p.put("sasl.jaas.config", scramJaas(user, password));
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", trustStore.toString());
    return p;
  }

  private static void writeClientConfig(
      Path dir, String user, String password, Path trustStore, String bootstrap) {
    StringBuilder b = new StringBuilder();
    b.append("# Kafka client login of User:")
        .append(user)
        .append(" on the local secure broker (signalbox broker --security sasl-ssl).\n")
        .append("# Holds a password: keep it readable by its owner only. Use it with")
        .append(" --kafka-config.\n");
    b.append(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG).append('=').append(bootstrap).append('\n');
    for (Map.Entry<String, String> e : clientLogin(user, password, trustStore).entrySet()) {
      // Values hold no character a properties file would need escaped except '\' on Windows
      // paths, which we do not write (POSIX paths only).
      b.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    Secrets.writeOwnerOnly(dir.resolve(user + ".properties"), b.toString());
  }

  private static Properties adminConfig(LocalKafkaBroker broker) {
    Properties p = new Properties();
    p.putAll(broker.clientProperties());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    return p;
  }

  private static void awaitLogin(LocalKafkaBroker broker, Map<String, String> login)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.putAll(login);
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
      try (Admin admin = Admin.create(p)) {
        admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof SaslAuthenticationException)
            || System.nanoTime() - deadline > 0) {
          throw e;
        }
      }
      Thread.sleep(200);
    }
  }

  /** The broker underneath; its {@link LocalKafkaBroker#clientProperties()} log in as admin. */
  public LocalKafkaBroker broker() {
    return broker;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** Where the client files are. */
  public Path clientConfigDir() {
    return clientConfigDir;
  }

  /** The client properties file of a member, partner, service account or {@code admin}. */
  public Path clientConfig(String user) {
    return clientConfigDir.resolve(user + ".properties");
  }

  /** The contents of {@link #clientConfig}, for a client built in this JVM. */
  public Map<String, String> clientProperties(String user) {
    Properties p = new Properties();
    try (var in = Files.newInputStream(clientConfig(user))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  /** The PEM trust store (the broker's certificate). */
  public Path trustStore() {
    return clientConfigDir.resolve(TRUST_STORE);
  }

  /** SHA-256 fingerprint of the broker's certificate. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Every principal with a SCRAM credential and a client file, except admin. */
  public List<String> users() {
    return users;
  }

  /** Stops the broker; a temporary security directory (key store, admin password) is deleted. */
  @Override
  public void close() {
    broker.close();
    if (deleteSecurityDir) {
      deleteRecursively(securityDir);
    }
  }

  private static void deleteRecursively(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary directory; the OS cleans up the rest.
    }
  }
}
