package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink session cluster of separate JVMs on this machine, started the way Flink's own scripts
 * start one ({@code bin/jobmanager.sh}, {@code bin/taskmanager.sh}): a generated {@code
 * conf/config.yaml}, JVM memory flags derived from it by Flink's own process-memory utilities, and
 * the entry points {@code StandaloneSessionClusterEntrypoint} and {@code TaskManagerRunner} on the
 * class path of a Flink distribution ({@link FlinkDistribution}). Everything it binds listens on
 * 127.0.0.1 only.
 *
 * <p>The processes outlive the command that started them (each in a session of its own, so closing
 * the terminal does not hang them up); {@link ClusterState} in the cluster directory is how the
 * later commands find them.
 */
final class LocalCluster {
  private LocalCluster() {}

  static final String ENTRYPOINT =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  static final String LOOPBACK = "127.0.0.1";

  /**
   * What Flink 2 needs opened on Java 17 (its serializers, Kryo, RocksDB), the same list as the
   * launcher's and the build's (flink.jvm.opens), and the Avro limits that keep garbage input from
   * making the decoders allocate gigabytes (see AvroCodec).
   */
  static final List<String> JVM_FLAGS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "-Dorg.apache.avro.limits.string.maxLength=1048576",
          "-Dorg.apache.avro.limits.bytes.maxLength=16777216",
          "-Dorg.apache.avro.limits.collectionItems.maxLength=100000");

  /** What {@code cluster start} was asked for. */
  record Spec(
      Path dir,
      int taskManagers,
      int slots,
      int restPort,
      int rpcPort,
      MemorySize jobManagerMemory,
      MemorySize taskManagerMemory,
      boolean prometheus,
      Map<String, String> settings,
      Duration timeout) {}

  // ---------------------------------------------------------------------------------------------
  // start

  /**
   * Starts the cluster and returns once every TaskManager has registered.
   *
   * @throws ClusterException when it cannot; by then every process it launched has been stopped
   */
  static ClusterState start(Spec spec, PrintStream out) {
    Path dir = spec.dir().toAbsolutePath().normalize();
    createDirectories(dir);
    Optional<ClusterState> previous = ClusterState.read(dir);
    if (previous.isPresent()) {
      List<ClusterState.Member> alive =
          previous.get().processes.stream().filter(m -> handle(m).isPresent()).toList();
      if (!alive.isEmpty()) {
        throw new ClusterException(
            "a cluster started from "
                + dir
                + " is still running ("
                + describe(alive)
                + "; REST "
                + previous.get().restUrl()
                + "). Stop it first with `signalbox cluster stop --dir "
                + dir
                + "`, or start another one with another --dir (and --rest-port).");
      }
      out.println(
          "note: "
              + ClusterState.file(dir)
              + " describes a cluster that is no longer running; starting a new one.");
      ClusterState.delete(dir);
    }
    String classPath = FlinkDistribution.classPath();
    int restPort = port(spec.restPort(), "--rest-port", "the REST API and web UI");
    int rpcPort = port(spec.rpcPort(), "--rpc-port", "the JobManager's RPC");
    Configuration conf = configuration(spec, dir, restPort, rpcPort);
    JobManagerProcessSpec jobManager;
    TaskExecutorProcessSpec taskManager;
    try {
      // Derived now, as the scripts do, so that a size that does not add up is a message here
      // rather than a process that dies.
      jobManager = JobManagerProcessUtils.processSpecFromConfig(conf);
      taskManager = TaskExecutorProcessUtils.processSpecFromConfig(conf);
    } catch (IllegalConfigurationException e) {
      throw new ClusterException(
          "the memory configuration does not add up: "
              + e.getMessage()
              + " (--jobmanager-memory, --taskmanager-memory, --set taskmanager.memory.*)");
    }
    Path confDir = dir.resolve("conf");
    Path logDir = dir.resolve("log");
    createDirectories(confDir);
    createDirectories(logDir);
    // Flink looks for plugins in ./plugins and warns when there is none; this cluster has its
    // reporter on the class path instead.
    createDirectories(dir.resolve("plugins"));
    writeConfiguration(conf, confDir);

    ClusterState state = new ClusterState();
    state.dir = dir.toString();
    state.restAddress = LOOPBACK;
    state.restPort = restPort;
    state.rpcPort = rpcPort;
    state.taskManagers = spec.taskManagers();
    state.slots = spec.slots();
    // Ctrl-C while starting must not leave half a cluster behind.
    Thread undo = new Thread(() -> stopQuietly(state), "signalbox-cluster-undo-start");
    Runtime.getRuntime().addShutdownHook(undo);
    try {
      long deadline = System.nanoTime() + spec.timeout().toNanos();
      List<String> jmJvm =
          new ArrayList<>(split(JobManagerProcessUtils.generateJvmParametersStr(jobManager, conf)));
      state.processes.add(
          launch(
              "jobmanager",
              ENTRYPOINT,
              jmJvm,
              split(JobManagerProcessUtils.generateDynamicConfigsStr(jobManager)),
              classPath,
              dir));
      state.write();
      FlinkRest rest = new FlinkRest(state.restUrl());
      awaitRest(rest, state, deadline, spec.timeout());
      List<String> tmJvm = split(ProcessMemoryUtils.generateJvmParametersStr(taskManager));
      List<String> tmDynamic =
          split(TaskExecutorProcessUtils.generateDynamicConfigsStr(taskManager));
      for (int i = 1; i <= spec.taskManagers(); i++) {
        List<String> dynamic = new ArrayList<>(tmDynamic);
        dynamic.add("-D");
        dynamic.add(TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key() + "=taskmanager-" + i);
        state.processes.add(
            launch("taskmanager-" + i, TASK_MANAGER, tmJvm, dynamic, classPath, dir));
        state.write();
      }
      awaitTaskManagers(rest, state, deadline, spec.timeout());
      return state;
    } catch (RuntimeException e) {
      stopQuietly(state);
      ClusterState.delete(dir);
      if (e instanceof ClusterException) {
        throw new ClusterException(
            e.getMessage()
                + "\nEverything this start launched has been stopped; no process is left.",
            e);
      }
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(undo);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and stops what was launched
      }
    }
  }

  /**
   * Kills a TaskManager with SIGKILL (no shutdown hook, no goodbye to the JobManager: what a
   * crashed machine looks like) and launches a new one in its place under a new resource id, as a
   * supervisor (Kubernetes, systemd) would. The recorded state is updated.
   *
   * @return the new TaskManager
   */
  static ClusterState.Member replaceTaskManager(
      ClusterState state, Spec spec, ClusterState.Member victim) {
    handle(victim)
        .ifPresent(
            h -> {
              h.destroyForcibly();
              waitGone(h, System.nanoTime() + Duration.ofSeconds(30).toNanos());
            });
    Path dir = Path.of(state.dir);
    Configuration conf = configuration(spec, dir, state.restPort, state.rpcPort);
    TaskExecutorProcessSpec taskManager = TaskExecutorProcessUtils.processSpecFromConfig(conf);
    int n =
        state.processes.stream()
                .filter(ClusterState.Member::isTaskManager)
                .mapToInt(m -> Integer.parseInt(m.role.substring("taskmanager-".length())))
                .max()
                .orElse(0)
            + 1;
    String role = "taskmanager-" + n;
    List<String> dynamic =
        new ArrayList<>(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(taskManager)));
    dynamic.add("-D");
    dynamic.add(TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key() + "=" + role);
    ClusterState.Member fresh =
        launch(
            role,
            TASK_MANAGER,
            split(ProcessMemoryUtils.generateJvmParametersStr(taskManager)),
            dynamic,
            FlinkDistribution.classPath(),
            dir);
    state.processes.remove(victim);
    state.processes.add(fresh);
    state.write();
    return fresh;
  }

  /** The Flink configuration the cluster's config.yaml holds. */
  static Configuration configuration(Spec spec, Path dir, int restPort, int rpcPort) {
    Configuration c = new Configuration();
    c.set(JobManagerOptions.ADDRESS, LOOPBACK);
    c.set(JobManagerOptions.BIND_HOST, LOOPBACK);
    c.set(JobManagerOptions.PORT, rpcPort);
    c.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, spec.jobManagerMemory());
    c.set(TaskManagerOptions.HOST, LOOPBACK);
    c.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
    c.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, spec.taskManagerMemory());
    c.set(TaskManagerOptions.NUM_TASK_SLOTS, spec.slots());
    // A job of parallelism 2 on two TaskManagers gets a slot on each, so its data crosses between
    // processes, not only between threads.
    c.set(
        TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE,
        TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
    c.set(RestOptions.ADDRESS, LOOPBACK);
    c.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    c.set(RestOptions.PORT, restPort);
    c.set(RestOptions.BIND_PORT, String.valueOf(restPort));
    c.set(WebOptions.UPLOAD_DIR, dir.resolve("uploads").toString());
    c.set(CoreOptions.TMP_DIRS, dir.resolve("tmp").toString());
    c.set(BlobServerOptions.STORAGE_DIRECTORY, dir.resolve("tmp").toString());
    c.set(CoreOptions.DEFAULT_PARALLELISM, 1);
    c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    c.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
    c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, dir.resolve("savepoints").toUri().toString());
    // For a reader who runs this configuration with Flink's own scripts: the same flags.
    c.set(CoreOptions.FLINK_JVM_OPTIONS, String.join(" ", JVM_FLAGS));
    if (spec.prometheus()) {
      // Flink's reporter has no bind-address option: it listens on every interface.
      c.setString(
          "metrics.reporter.prom.factory.class",
          "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      c.setString("metrics.reporter.prom.port", "9250-9260");
    }
    spec.settings().forEach(c::setString);
    return c;
  }

  private static void writeConfiguration(Configuration conf, Path confDir) {
    List<String> lines = new ArrayList<>();
    lines.add("# Written by `signalbox cluster start`; the cluster's processes read it at start.");
    lines.add("# Every address is 127.0.0.1: nothing here is reachable from another machine.");
    lines.addAll(ConfigurationUtils.convertConfigToWritableLines(conf, false));
    String log4j =
        String.join(
            "\n",
            "# The cluster's processes log to ${sys:log.file} (their own file in log/).",
            "monitorInterval = 30",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "logger.pekko.name = org.apache.pekko",
            "logger.pekko.level = INFO",
            "logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline",
            "logger.netty.level = OFF",
            "appender.main.name = MainAppender",
            "appender.main.type = RollingFile",
            "appender.main.append = true",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.filePattern = ${sys:log.file}.%i",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "appender.main.policies.type = Policies",
            "appender.main.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.main.policies.size.size = 100MB",
            "appender.main.strategy.type = DefaultRolloverStrategy",
            "appender.main.strategy.max = 5",
            "");
    try {
      Files.write(confDir.resolve("config.yaml"), lines, StandardCharsets.UTF_8);
      Files.writeString(confDir.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the configuration to " + confDir, e);
    }
  }

  private static ClusterState.Member launch(
      String role,
      String mainClass,
      List<String> jvm,
      List<String> dynamic,
      String classPath,
      Path dir) {
    Path log = dir.resolve("log").resolve(role + ".log");
    Path out = dir.resolve("log").resolve(role + ".out");
    Path confDir = dir.resolve("conf");
    List<String> command = new ArrayList<>();
    // Its own session: the process does not get the terminal's hang-up or Ctrl-C once the
    // command that started it has returned. setsid execs (the child is no group leader), so the
    // pid is the JVM's.
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(javaBinary());
    command.addAll(jvm);
    command.addAll(JVM_FLAGS);
    command.add("-Dlog.file=" + log);
    command.add("-Dlog4j.configuration=file:" + confDir.resolve("log4j.properties"));
    command.add("-Dlog4j.configurationFile=file:" + confDir.resolve("log4j.properties"));
    command.add("-classpath");
    command.add(classPath);
    command.add(mainClass);
    command.add("--configDir");
    command.add(confDir.toString());
    command.addAll(dynamic);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(out.toFile()));
    builder.environment().remove("CLASSPATH");
    builder.environment().put("FLINK_CONF_DIR", confDir.toString());
    builder.environment().put("FLINK_LOG_DIR", dir.resolve("log").toString());
    try {
      Process p = builder.start();
      long startedAt =
          p.toHandle()
              .info()
              .startInstant()
              .map(i -> i.toEpochMilli())
              .orElse(System.currentTimeMillis());
      return new ClusterState.Member(role, p.pid(), startedAt, log, out);
    } catch (IOException e) {
      throw new ClusterException("cannot start the " + role + ": " + e.getMessage(), e);
    }
  }

  private static void awaitRest(
      FlinkRest rest, ClusterState state, long deadline, Duration timeout) {
    ClusterState.Member jm = state.jobManager().orElseThrow();
    while (!rest.answers()) {
      requireAlive(jm, "JobManager");
      if (System.nanoTime() > deadline) {
        throw new ClusterException(
            "the JobManager (pid "
                + jm.pid
                + ") did not answer on "
                + rest.base()
                + " within "
                + timeout.toSeconds()
                + " s."
                + logExcerpt(jm)
                + "\nGive it longer with --timeout, or look at its log.");
      }
      sleep(300);
    }
  }

  private static void awaitTaskManagers(
      FlinkRest rest, ClusterState state, long deadline, Duration timeout) {
    Set<String> expected = new HashSet<>();
    state.processes.stream()
        .filter(ClusterState.Member::isTaskManager)
        .forEach(m -> expected.add(m.role));
    while (true) {
      for (ClusterState.Member m : state.processes) {
        requireAlive(m, m.isTaskManager() ? "TaskManager " + m.role.substring(12) : "JobManager");
      }
      Set<String> registered = new HashSet<>();
      try {
        JsonNode tms = rest.get("/taskmanagers").path("taskmanagers");
        tms.forEach(tm -> registered.add(tm.path("id").asText()));
      } catch (IOException e) {
        // the JobManager's own death is found above on the next round
      }
      if (registered.containsAll(expected)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(registered);
        ClusterState.Member first =
            state.processes.stream()
                .filter(m -> missing.contains(m.role))
                .findFirst()
                .orElseThrow();
        throw new ClusterException(
            "TaskManagers "
                + missing
                + " did not register with the JobManager within "
                + timeout.toSeconds()
                + " s."
                + logExcerpt(first)
                + "\nGive them longer with --timeout, or look at their logs.");
      }
      sleep(300);
    }
  }

  private static void requireAlive(ClusterState.Member m, String what) {
    Optional<ProcessHandle> h = handle(m);
    if (h.isEmpty()) {
      throw new ClusterException(
          what
              + " (pid "
              + m.pid
              + ") exited while the cluster was starting."
              + logExcerpt(m)
              + "\nFix the cause (a port taken, too little memory, a bad --set) and start again.");
    }
  }

  /** The lines of a process's log and output that say why it failed, for a message. */
  static String logExcerpt(ClusterState.Member m) {
    List<String> picked = new ArrayList<>();
    for (String file : List.of(m.log, m.out)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue;
      }
      List<String> errors =
          lines.stream()
              .filter(
                  l ->
                      l.contains("ERROR")
                          || l.startsWith("Caused by")
                          || l.contains("Exception:")
                          || l.startsWith("Error"))
              .toList();
      // The output file holds the JVM's own complaints (a bad flag, out of memory) and else
      // only noise; the log's last lines tell where a process stopped when nothing was an error.
      if (errors.isEmpty() && file.equals(m.out)) {
        continue;
      }
      List<String> chosen = errors.isEmpty() ? lines : errors;
      chosen = chosen.subList(Math.max(0, chosen.size() - 6), chosen.size());
      if (!chosen.isEmpty()) {
        picked.add("  from " + file + ":");
        chosen.forEach(
            l -> picked.add("    " + (l.length() > 300 ? l.substring(0, 300) + " ..." : l)));
      }
    }
    return picked.isEmpty() ? "" : "\n" + String.join("\n", picked);
  }

  // ---------------------------------------------------------------------------------------------
  // processes

  /** The live process a member names, unless its pid has since gone to another process. */
  static Optional<ProcessHandle> handle(ClusterState.Member m) {
    return ProcessHandle.of(m.pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h ->
                h.info()
                    .startInstant()
                    .map(i -> Math.abs(i.toEpochMilli() - m.startedAt) < 5_000)
                    .orElse(true));
  }

  /**
   * Stops every process of the cluster (TaskManagers first), politely and then forcibly, and checks
   * that each is gone.
   *
   * @return the members still running afterwards (none, normally)
   */
  static List<ClusterState.Member> stop(ClusterState state, PrintStream out) {
    List<ClusterState.Member> order = new ArrayList<>(state.processes);
    order.sort((a, b) -> Boolean.compare(!a.isTaskManager(), !b.isTaskManager()));
    List<ProcessHandle> stopping = new ArrayList<>();
    List<ClusterState.Member> stoppingMembers = new ArrayList<>();
    for (ClusterState.Member m : order) {
      Optional<ProcessHandle> h = handle(m);
      if (h.isEmpty()) {
        if (out != null) {
          out.printf("%-14s pid %-8d was not running%n", m.role, m.pid);
        }
        continue;
      }
      h.get().destroy();
      stopping.add(h.get());
      stoppingMembers.add(m);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<ClusterState.Member> left = new ArrayList<>();
    for (int i = 0; i < stopping.size(); i++) {
      ProcessHandle h = stopping.get(i);
      ClusterState.Member m = stoppingMembers.get(i);
      boolean gone = waitGone(h, deadline);
      boolean forced = false;
      if (!gone) {
        h.destroyForcibly();
        forced = true;
        gone = waitGone(h, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
      }
      if (gone) {
        if (out != null) {
          out.printf(
              "%-14s pid %-8d stopped%s%n", m.role, m.pid, forced ? " (killed after 30 s)" : "");
        }
      } else {
        left.add(m);
      }
    }
    return left;
  }

  private static void stopQuietly(ClusterState state) {
    try {
      stop(state, null);
    } catch (RuntimeException e) {
      // best effort while already failing
    }
  }

  private static boolean waitGone(ProcessHandle h, long deadline) {
    while (h.isAlive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(100);
    }
    return true;
  }

  static String describe(List<ClusterState.Member> members) {
    List<String> parts = new ArrayList<>();
    for (ClusterState.Member m : members) {
      parts.add(m.role + " pid " + m.pid);
    }
    return String.join(", ", parts);
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  /**
   * The port to use: a free one for 0, else the given one if nothing listens there.
   *
   * @throws ClusterException when the port is taken
   */
  static int port(int wanted, String option, String what) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), wanted), 1);
      return s.getLocalPort();
    } catch (BindException e) {
      throw new ClusterException(
          "port "
              + wanted
              + " on "
              + LOOPBACK
              + " ("
              + what
              + ") is taken: another Flink cluster or program listens there (`ss -ltnp 'sport = :"
              + wanted
              + "'` shows which). Stop that, or choose another port with "
              + option
              + " N (0: any free port).");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> split(String flags) {
    return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private static String javaBinary() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(java)) {
      return java.toString();
    }
    return ProcessHandle.current()
        .info()
        .command()
        .orElseThrow(() -> new ClusterException("cannot find the java binary (set JAVA_HOME)"));
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ClusterException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted", e);
    }
  }
}
