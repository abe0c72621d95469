package org.signalbox.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft combined mode (broker and controller, one node) on loopback,
 * running in a child JVM started from the Kafka jars this module was built with.
 *
 * <p>The broker runs in its own process rather than in this JVM so that Kafka's server jars, Scala
 * and their logging never meet Flink's class path, and so that a broker's crash, heap or GC pauses
 * cannot take the job down with it (or hide a bug by sharing its memory).
 *
 * <pre>{@code
 * try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
 *   SignalboxTopics.ensure(broker.bootstrapServers(), SignalboxTopics.core(4), Duration.ofSeconds(30));
 *   ...
 * }
 * }</pre>
 *
 * <p>By default clients connect in PLAINTEXT and the broker has no authorizer (any client may do
 * anything). A test of authentication and ACLs switches the client listener to another protocol and
 * passes the broker's and the clients' settings (see {@link Options#listenerSecurityProtocol};
 * jobs' MemberAclsITCase is a complete example):
 *
 * <pre>{@code
 * new LocalKafkaBroker.Options()
 *     .listenerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
 *     .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
 *     .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
 *     .brokerProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config", "... user_admin=...;")
 *     .brokerProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
 *     .brokerProperty("super.users", "User:admin;User:ANONYMOUS")
 *     .clientProperty("sasl.mechanism", "PLAIN")
 *     .clientProperty("sasl.jaas.config", "... username=\"admin\" ...;");
 * }</pre>
 *
 * <p>Files in the data directory: {@code server.properties}, {@code log4j2.properties}, {@code
 * broker.log} (the child's stdout and stderr, appended across restarts) and {@code
 * kraft-combined-logs/} (partitions and the metadata log).
 */
public final class LocalKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

  /** Written at build time by the dependency plugin (see deploy/pom.xml). */
  static final String CLASSPATH_RESOURCE = "broker.classpath";

  /** Overrides the build-time class path, e.g. for a distribution that ships Kafka's jars. */
  public static final String CLASSPATH_PROPERTY = "signalbox.broker.classpath";

  private static final String LOOPBACK = "127.0.0.1";
  private static final int LOG_TAIL_LINES = 30;
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  /**
   * Free ports are found by binding port 0 and releasing it, so another process can take a port
   * before the broker binds it. That race is rare but real on a busy CI machine; a start that fails
   * with a bind error is retried on fresh ports this many times in total.
   */
  private static final int PORT_ATTEMPTS = 3;

  private final Process process;
  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private final String bootstrapServers;
  private final Map<String, String> clientProperties;
  private final Duration startupTime;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalKafkaBroker(
      Process process,
      Path dataDir,
      boolean deleteDataDirOnClose,
      String bootstrapServers,
      Map<String, String> clientProperties,
      Duration startupTime) {
    this.process = process;
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = Map.copyOf(clientProperties);
    this.startupTime = startupTime;
    this.shutdownHook = new Thread(this::close, "signalbox-broker-stop");
  }

  /** How to start the broker. Every setting has a default; setters return {@code this}. */
  public static final class Options {
    private Path dataDir;
    private Duration readinessTimeout = Duration.ofSeconds(60);
    private String heap = "512m";
    private int port;
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private SecurityProtocol listenerSecurityProtocol = SecurityProtocol.PLAINTEXT;
    private SecurityProtocol controllerSecurityProtocol = SecurityProtocol.PLAINTEXT;
    private final List<String> secretFormatArguments = new ArrayList<>();
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    /**
     * Keeps the broker's data here (created if missing; kept on close, so topics survive a
     * restart). Default: a fresh temporary directory, deleted on close.
     */
    public Options dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /**
     * How long formatting plus start-up may take before giving up. Default 60 s: a cold start on a
     * loaded two-core CI runner takes several times what it takes on an idle laptop.
     */
    public Options readinessTimeout(Duration readinessTimeout) {
      if (readinessTimeout.isNegative() || readinessTimeout.isZero()) {
        throw new IllegalArgumentException(
            "readiness timeout must be positive: " + readinessTimeout);
      }
      this.readinessTimeout = readinessTimeout;
      return this;
    }

    /** Maximum heap of the broker JVM in {@code -Xmx} syntax, e.g. {@code 512m}, {@code 2g}. */
    public Options heap(String heap) {
      if (!heap.matches("[0-9]+[kKmMgG]?")) {
        throw new IllegalArgumentException("heap must look like 512m or 2g: " + heap);
      }
      this.heap = heap;
      return this;
    }

    /** Adds or overrides one line of server.properties (applied after the defaults). */
    public Options brokerProperty(String key, String value) {
      brokerProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /**
     * Security protocol of the listener clients connect to; default PLAINTEXT. The listener is
     * named after the protocol, so its own settings are {@code listener.name.<protocol in lower
     * case>.*} (e.g. {@code listener.name.sasl_plaintext.plain.sasl.jaas.config}); it is also the
     * inter-broker listener, so a SASL mechanism needs {@code sasl.mechanism.inter.broker.protocol}
     * and the broker's own login in that JAAS entry. The controller listener is PLAINTEXT unless
     * {@link #controllerSecurityProtocol} says otherwise: the broker half of this one node then
     * talks to its controller half as {@code User:ANONYMOUS}, which an authorizer must therefore
     * treat as a super user (and so would any client reaching that port). The protocol is also put
     * into {@link LocalKafkaBroker#clientProperties()} as {@code security.protocol}.
     */
    public Options listenerSecurityProtocol(SecurityProtocol protocol) {
      this.listenerSecurityProtocol = Objects.requireNonNull(protocol);
      return this;
    }

    /**
     * Security protocol of the KRaft controller listener (named {@code CONTROLLER}, so its settings
     * are {@code listener.name.controller.*}); default PLAINTEXT. Anything else needs {@code
     * sasl.mechanism.controller.protocol} and a JAAS entry with the broker's own login for a SASL
     * protocol, and key and trust stores for SSL. Admin clients can reach a controller (KIP-919),
     * so a PLAINTEXT controller whose {@code User:ANONYMOUS} is a super user is a way round every
     * ACL; secure it whenever the client listener is.
     */
    public Options controllerSecurityProtocol(SecurityProtocol protocol) {
      this.controllerSecurityProtocol = Objects.requireNonNull(protocol);
      return this;
    }

    /**
     * Adds arguments to {@code kafka-storage format}, e.g. {@code --add-scram} and {@code
     * SCRAM-SHA-512=[name=admin,password=...]} to create the admin's SCRAM credential with the
     * metadata (KIP-900). They are handed to the tool on its stdin, never on its command line, so a
     * password among them does not show in the process list. Used only when the storage is
     * formatted the first time; a kept data directory keeps what it was formatted with.
     */
    public Options secretFormatArguments(String... arguments) {
      for (String a : arguments) {
        if (a.contains("\n") || a.contains("\r")) {
          throw new IllegalArgumentException("a format argument must be one line");
        }
        secretFormatArguments.add(a);
      }
      return this;
    }

    /**
     * Adds a Kafka client setting (e.g. {@code sasl.jaas.config} of an admin login) used by the
     * readiness check and handed to callers through {@link LocalKafkaBroker#clientProperties()}.
     * Needed once the listener asks clients to authenticate.
     */
    public Options clientProperty(String key, String value) {
      clientProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /**
     * The client listener's port on 127.0.0.1. Default 0: a free port. A restart that clients
     * should survive (they keep the address they bootstrapped from) names the previous one, with
     * the same {@link #dataDir}.
     */
    public Options port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("not a port: " + port);
      }
      this.port = port;
      return this;
    }

    public int port() {
      return port;
    }

    public Path dataDir() {
      return dataDir;
    }

    public Duration readinessTimeout() {
      return readinessTimeout;
    }

    public String heap() {
      return heap;
    }

    public Map<String, String> brokerProperties() {
      return Map.copyOf(brokerProperties);
    }

    public SecurityProtocol listenerSecurityProtocol() {
      return listenerSecurityProtocol;
    }

    public SecurityProtocol controllerSecurityProtocol() {
      return controllerSecurityProtocol;
    }

    public Map<String, String> clientProperties() {
      return Map.copyOf(clientProperties);
    }
  }

  /**
   * Formats the storage if needed, starts the broker and returns once it answers an admin request.
   *
   * @throws BrokerStartException if the broker exits, cannot be formatted, or is not ready in time;
   *     no child process is left running and the data directory is kept for its log
   */
  public static LocalKafkaBroker start(Options options) {
    long started = System.nanoTime();
    long deadline = started + options.readinessTimeout.toNanos();
    boolean temporary = options.dataDir == null;
    Path dataDir;
    try {
      dataDir =
          temporary
              ? Files.createTempDirectory("signalbox-kafka-")
              : Files.createDirectories(options.dataDir).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's data directory", e);
    }
    Path brokerLog = dataDir.resolve("broker.log");
    String classPath = brokerClassPath(brokerLog);
    Path log4jConfig = writeLog4jConfig(dataDir);

    for (int attempt = 1; ; attempt++) {
      int[] ports = freeLoopbackPorts(2);
      if (options.port != 0) {
        while (ports[1] == options.port) {
          ports = freeLoopbackPorts(2);
        }
        ports[0] = options.port;
      }
      Path serverProperties = writeServerProperties(dataDir, ports[0], ports[1], options);
      if (attempt == 1) {
        format(
            classPath,
            log4jConfig,
            serverProperties,
            brokerLog,
            deadline,
            dataDir,
            options.secretFormatArguments);
      }
      Process process =
          launch(
              classPath,
              log4jConfig,
              options.heap,
              List.of(BrokerChildMain.class.getName(), serverProperties.toString()),
              brokerLog);
      // Registered before waiting, so Ctrl-C during a slow start does not orphan the child.
      Thread hook = new Thread(() -> stop(process), "signalbox-broker-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      String bootstrap = LOOPBACK + ":" + ports[0];
      Map<String, String> clientProperties = clientProperties(bootstrap, options);
      try {
        awaitReady(process, clientProperties, ports[0], deadline, brokerLog, dataDir, options);
      } catch (BrokerStartException e) {
        boolean exitedByItself = !process.isAlive();
        stop(process);
        removeHook(hook);
        if (exitedByItself
            && attempt < PORT_ATTEMPTS
            && options.port == 0
            && lostPortRace(brokerLog)) {
          LOG.warn("Broker port was taken before the broker bound it; retrying on fresh ports");
          continue;
        }
        throw e;
      } catch (RuntimeException | Error e) {
        stop(process);
        removeHook(hook);
        throw e;
      }
      Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
      LOG.info(
          "Kafka broker ready at {} (pid {}, data {}) after {} ms",
          bootstrap,
          process.pid(),
          dataDir,
          startupTime.toMillis());
      LocalKafkaBroker broker =
          new LocalKafkaBroker(
              process, dataDir, temporary, bootstrap, clientProperties, startupTime);
      // The new hook also deletes a temporary data directory; it is added before the start-up hook
      // is removed so there is no moment without one. If the broker object is dropped without
      // close(), the hook keeps the process (and so the pipe to the child's stdin, see
      // BrokerChildMain) reachable until this JVM exits.
      Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
      removeHook(hook);
      return broker;
    }
  }

  /**
   * Where clients connect, e.g. {@code 127.0.0.1:40123}. Enough for a PLAINTEXT broker; with
   * another listener protocol clients need {@link #clientProperties()}.
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * What a Kafka client needs to connect: {@code bootstrap.servers}, and with a listener other than
   * PLAINTEXT its {@code security.protocol} and the {@link Options#clientProperty client
   * properties} given at start (the admin login of a SASL broker). A copy; add to it freely.
   */
  public Map<String, String> clientProperties() {
    return new LinkedHashMap<>(clientProperties);
  }

  private static Map<String, String> clientProperties(String bootstrap, Options options) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (options.listenerSecurityProtocol != SecurityProtocol.PLAINTEXT) {
      p.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, options.listenerSecurityProtocol.name);
    }
    p.putAll(options.clientProperties);
    return p;
  }

  /** The broker JVM's process id. */
  public long pid() {
    return process.pid();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The broker's log file (its JVM's stdout and stderr). */
  public Path brokerLog() {
    return dataDir.resolve("broker.log");
  }

  /** From the call to {@link #start} until the broker answered: formatting included. */
  public Duration startupTime() {
    return startupTime;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the broker with a controlled shutdown (SIGTERM, then SIGKILL after 20 s) and deletes a
   * temporary data directory. Safe to call more than once.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeHook(shutdownHook);
    stop(process);
    if (deleteDataDirOnClose) {
      deleteRecursively(dataDir);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up steps

  private static String brokerClassPath(Path brokerLog) {
    String classPath = System.getProperty(CLASSPATH_PROPERTY);
    if (classPath == null) {
      try (InputStream in = LocalKafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
        if (in == null) {
          throw new BrokerStartException(
              "The Kafka broker's class path resource "
                  + CLASSPATH_RESOURCE
                  + " is missing. It is written when the deploy module is built; build it with"
                  + " `mvn -pl deploy -am package`, or set -D"
                  + CLASSPATH_PROPERTY
                  + " to Kafka's jars.",
              brokerLog,
              null);
        }
        classPath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<String> entries =
        new ArrayList<>(Arrays.asList(classPath.split(java.io.File.pathSeparator)));
    for (String entry : entries) {
      if (!Files.exists(Path.of(entry))) {
        throw new BrokerStartException(
            "The Kafka broker's class path names "
                + entry
                + ", which does not exist. The class path was recorded when the deploy module was"
                + " built; rebuild it (`mvn -pl deploy -am package`) so it matches the local"
                + " repository.",
            brokerLog,
            null);
      }
    }
    // The child's entry point (this module's code), after Kafka's jars so it cannot shadow them.
    entries.add(ownCodeSource().toString());
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static Path ownCodeSource() {
    try {
      return Path.of(
          BrokerChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("cannot locate the signalbox-deploy classes", e);
    }
  }

  /** Binds all ports at once before releasing any, so the ports are distinct. */
  static int[] freeLoopbackPorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Nothing was accepted on it.
        }
      }
    }
  }

  /**
   * The broker's configuration. A static voter set ({@code controller.quorum.voters}) rather than a
   * dynamic quorum ({@code --standalone}): a dynamic quorum records the controller's endpoint in
   * the metadata log, so a kept data directory could not be restarted on a new free port.
   */
  static Map<String, String> serverProperties(
      Path dataDir,
      int brokerPort,
      int controllerPort,
      SecurityProtocol protocol,
      SecurityProtocol controllerProtocol,
      Map<String, String> overrides) {
    String listener = protocol.name;
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + LOOPBACK + ":" + controllerPort);
    p.put(
        "listeners",
        listener
            + "://"
            + LOOPBACK
            + ":"
            + brokerPort
            + ",CONTROLLER://"
            + LOOPBACK
            + ":"
            + controllerPort);
    p.put("advertised.listeners", listener + "://" + LOOPBACK + ":" + brokerPort);
    p.put(
        "listener.security.protocol.map",
        listener + ":" + protocol.name + ",CONTROLLER:" + controllerProtocol.name);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", listener);
    p.put("log.dirs", dataDir.resolve("kraft-combined-logs").toString());
    // One node: every internal topic has one replica, or it could never be created.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // Internal topics are created on first use (first consumer group, first transaction). With
    // the default 50 partitions each, that first use takes seconds on a small machine and can hit
    // a client timeout; one partition is plenty for one node.
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // The jobs' exactly-once sinks ask for a transaction timeout of 10 minutes
    // (KafkaSinkOptions.DEFAULT_TRANSACTION_TIMEOUT); a broker refuses any timeout above this
    // maximum when the producer starts. 15 minutes is Kafka's default, set here so the two are
    // seen together and a test can lower it (brokerProperty) to see the refusal.
    p.put("transaction.max.timeout.ms", String.valueOf(Duration.ofMinutes(15).toMillis()));
    p.put("num.partitions", "1");
    // Topics are created on purpose (SignalboxTopics), so a typo fails instead of making a topic.
    p.put("auto.create.topics.enable", "false");
    // Thread pools sized for a laptop or a two-core CI runner rather than a production server.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.putAll(overrides);
    return p;
  }

  private static Path writeServerProperties(
      Path dataDir, int brokerPort, int controllerPort, Options options) {
    Properties properties = new Properties();
    properties.putAll(
        serverProperties(
            dataDir,
            brokerPort,
            controllerPort,
            options.listenerSecurityProtocol,
            options.controllerSecurityProtocol,
            options.brokerProperties));
    Path file = dataDir.resolve("server.properties");
    // It may hold JAAS passwords and key store passwords: readable by its owner only, from the
    // moment it exists.
    ownerOnly(file);
    try (OutputStream out = Files.newOutputStream(file)) {
      properties.store(out, "Written by signalbox LocalKafkaBroker; rewritten on every start");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** Creates the file (empty) if missing and makes it readable and writable by its owner only. */
  static void ownerOnly(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
      if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(
            file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict the permissions of " + file, e);
    }
  }

  /** INFO and up on stdout, which the parent sends to broker.log; the chatty loggers at WARN. */
  private static Path writeLog4jConfig(Path dataDir) {
    String config =
        String.join(
            "\n",
            "# Written by signalbox LocalKafkaBroker",
            "status = warn",
            // Kafka logs its controlled shutdown from its own shutdown hook; log4j's hook would
            // stop the logging system first and lose those lines.
            "shutdownHook = disable",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.target = SYSTEM_OUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d{ISO8601}] %-5p %m (%c{1})%n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.out.ref = out",
            "logger.request.name = kafka.request.logger",
            "logger.request.level = warn",
            "logger.statechange.name = state.change.logger",
            "logger.statechange.level = warn",
            "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
            "logger.config.level = warn",
            "");
    Path file = dataDir.resolve("log4j2.properties");
    try {
      Files.writeString(file, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /**
   * Runs Kafka's StorageTool as its own short process. A kept data directory is formatted again
   * with its own cluster id and {@code --ignore-formatted}, which leaves formatted directories
   * alone (the tool refuses a different cluster id even then) and formats any log directory added
   * since.
   */
  private static void format(
      String classPath,
      Path log4jConfig,
      Path serverProperties,
      Path brokerLog,
      long deadline,
      Path dataDir,
      List<String> secretArguments) {
    String clusterId = existingClusterId(serverProperties).orElse(Uuid.randomUuid().toString());
    Process format =
        launch(
            classPath,
            log4jConfig,
            "256m",
            List.of(
                ToolChildMain.class.getName(),
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                clusterId,
                "--config",
                serverProperties.toString(),
                "--ignore-formatted"),
            brokerLog);
    try {
      try (OutputStream stdin = format.getOutputStream()) {
        for (String argument : secretArguments) {
          stdin.write((argument + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      long remaining = deadline - System.nanoTime();
      if (!format.waitFor(Math.max(remaining, 0), TimeUnit.NANOSECONDS)) {
        stop(format);
        throw failure(
            "Formatting the broker's storage did not finish in time.",
            "Raise the readiness timeout if this machine is busy.",
            brokerLog,
            dataDir,
            null);
      }
    } catch (InterruptedException e) {
      stop(format);
      Thread.currentThread().interrupt();
      throw failure(
          "Interrupted while formatting the broker's storage.", "", brokerLog, dataDir, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (format.exitValue() != 0) {
      throw failure(
          "Formatting the broker's storage failed (kafka.tools.StorageTool exit code "
              + format.exitValue()
              + ").",
          "Check log.dirs and the data directory: it must be a writable directory, empty or"
              + " formatted earlier by this broker. Delete it or choose another to start afresh.",
          brokerLog,
          dataDir,
          null);
    }
  }

  private static Optional<String> existingClusterId(Path serverProperties) {
    Properties server = new Properties();
    try (InputStream in = Files.newInputStream(serverProperties)) {
      server.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> dirs = new ArrayList<>();
    for (String key : List.of("metadata.log.dir", "log.dirs", "log.dir")) {
      String value = server.getProperty(key);
      if (value != null) {
        dirs.addAll(Arrays.asList(value.split(",")));
      }
    }
    for (String dir : dirs) {
      Path meta = Path.of(dir.trim()).resolve("meta.properties");
      if (Files.isRegularFile(meta)) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
          properties.load(in);
        } catch (IOException e) {
          continue; // The StorageTool reports an unreadable meta.properties better than we could.
        }
        String id = properties.getProperty("cluster.id");
        if (id != null && !id.isBlank()) {
          return Optional.of(id.trim());
        }
      }
    }
    return Optional.empty();
  }

  private static Process launch(
      String classPath, Path log4jConfig, String heap, List<String> mainAndArgs, Path output) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add("-Xmx" + heap);
    // Kafka's own start script uses G1 with these settings for short pauses.
    command.add("-XX:+UseG1GC");
    command.add("-XX:MaxGCPauseMillis=20");
    command.add("-XX:InitiatingHeapOccupancyPercent=35");
    command.add("-XX:+ExplicitGCInvokesConcurrent");
    command.add("-Djava.awt.headless=true");
    command.add("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
    command.add("-cp");
    command.add(classPath);
    command.addAll(mainAndArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(output.toFile()));
    // Kafka reads no environment of ours, but the scripts' variables would confuse a reader of the
    // process list; the class path is passed explicitly.
    builder.environment().remove("CLASSPATH");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  private static String javaBinary() {
    boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    if (Files.isExecutable(java)) {
      return java.toString();
    }
    return ProcessHandle.current()
        .info()
        .command()
        .orElseThrow(() -> new IllegalStateException("cannot find the java binary"));
  }

  /**
   * Ready means an admin request was answered. A KRaft broker enables request processing only once
   * it has caught up with the metadata log and been unfenced, so at that point topics can be
   * created and produced to.
   */
  private static void awaitReady(
      Process process,
      Map<String, String> clientProperties,
      int port,
      long deadline,
      Path brokerLog,
      Path dataDir,
      Options options) {
    // A plain TCP probe first: an admin client pointed at a port nobody listens on yet logs a
    // warning per retry, which would bury the broker's own messages in the parent's log.
    while (!acceptsConnections(port)) {
      checkStillStarting(process, deadline, brokerLog, dataDir, options);
      sleep(100, process, brokerLog, dataDir);
    }
    Properties config = new Properties();
    config.putAll(clientProperties);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    try (Admin admin = Admin.create(config)) {
      while (true) {
        checkStillStarting(process, deadline, brokerLog, dataDir, options);
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        int attemptMs = (int) Math.max(100, Math.min(remainingMs, 3000));
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(attemptMs))
                  .nodes()
                  .get(attemptMs + 1000L, TimeUnit.MILLISECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AuthenticationException) {
            // Wrong credentials do not fix themselves; waiting out the timeout would hide why.
            throw failure(
                "The broker refused the readiness check's login: " + e.getCause().getMessage(),
                "The client properties (sasl.mechanism, sasl.jaas.config) must name a user the"
                    + " listener's JAAS configuration knows, with its password.",
                brokerLog,
                dataDir,
                e.getCause());
          }
          LOG.debug("Broker not ready yet: {}", e.toString());
        } catch (TimeoutException e) {
          LOG.debug("Broker not ready yet: {}", e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw failure("Interrupted while waiting for the broker.", "", brokerLog, dataDir, e);
        }
        sleep(200, process, brokerLog, dataDir);
      }
    }
  }

  private static boolean acceptsConnections(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void checkStillStarting(
      Process process, long deadline, Path brokerLog, Path dataDir, Options options) {
    if (!process.isAlive()) {
      throw failure(
          "The Kafka broker exited with code " + process.exitValue() + " before it was ready.",
          "The log tail above says why. A port or storage error (\"Address already in use\","
              + " \"Invalid cluster.id\", a log directory problem) usually means the data"
              + " directory or the extra broker properties need changing.",
          brokerLog,
          dataDir,
          null);
    }
    if (System.nanoTime() - deadline > 0) {
      throw failure(
          "The Kafka broker was not ready within " + options.readinessTimeout.toSeconds() + " s.",
          "If the log shows a normal but slow start-up (a busy or small machine), raise the"
              + " readiness timeout; otherwise the log tail above shows where it stopped.",
          brokerLog,
          dataDir,
          null);
    }
  }

  private static void sleep(long millis, Process process, Path brokerLog, Path dataDir) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("Interrupted while waiting for the broker.", "", brokerLog, dataDir, e);
    }
  }

  private static boolean lostPortRace(Path brokerLog) {
    return tail(brokerLog, LOG_TAIL_LINES * 4).stream()
        .anyMatch(
            line -> line.contains("Address already in use") || line.contains("BindException"));
  }

  private static BrokerStartException failure(
      String what, String next, Path brokerLog, Path dataDir, Throwable cause) {
    StringBuilder message = new StringBuilder(what);
    List<String> tail = tail(brokerLog, LOG_TAIL_LINES);
    if (tail.isEmpty()) {
      message.append("\nThe broker log ").append(brokerLog).append(" is empty or missing.");
    } else {
      message
          .append("\nLast ")
          .append(tail.size())
          .append(" lines of ")
          .append(brokerLog)
          .append(":\n");
      for (String line : tail) {
        message.append("  | ").append(line).append('\n');
      }
    }
    if (!next.isEmpty()) {
      message.append("Next: ").append(next).append('\n');
    }
    message.append("The data directory ").append(dataDir).append(" was kept for inspection.");
    return new BrokerStartException(message.toString(), brokerLog, cause);
  }

  /** The last lines of a file, reading at most its last 256 KiB. */
  static List<String> tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int chunk = (int) Math.min(length, 256 * 1024);
      byte[] bytes = new byte[chunk];
      in.seek(length - chunk);
      in.readFully(bytes);
      String[] all = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
      int from = Math.max(0, all.length - lines);
      // The first line of a partial read may be cut; it is only shown if the file was short.
      if (chunk < length && from == 0 && all.length > 0) {
        from = 1;
      }
      return List.of(Arrays.copyOfRange(all, from, all.length));
    } catch (IOException e) {
      return List.of("(cannot read " + file + ": " + e + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Stopping

  /** SIGTERM lets Kafka shut down in order (flush, close the log); SIGKILL only if it hangs. */
  private static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "Kafka broker (pid {}) did not stop within {} s; killing it",
            process.pid(),
            STOP_GRACE.toSeconds());
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and running the hook itself.
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("Could not delete the broker's data directory {}: {}", root, e.toString());
    }
  }
}
