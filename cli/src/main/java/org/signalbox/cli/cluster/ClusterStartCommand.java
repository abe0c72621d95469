package org.signalbox.cli.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a JobManager and N TaskManagers as separate JVMs with a generated"
          + " conf/config.yaml, REST and RPC on 127.0.0.1 only, RocksDB state, checkpoints and"
          + " savepoints under the cluster directory; waits until every TaskManager has"
          + " registered, then prints the REST address (web UI), the process ids and the logs.",
      "The defaults fit a 2-core, 24 GB machine: 2 TaskManagers of 2 GB with 2 slots each and a"
          + " 1 GB JobManager, room for correlate at parallelism 2 beside campaigns and trends.",
      "The processes keep running after this command returns; `signalbox cluster stop` stops"
          + " them. Refused when the ports are taken or a cluster of the same directory still runs;"
          + " when a process dies while starting, its log says why and the others are stopped."
    })
final class ClusterStartCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Dir dir;

  @Option(
      names = "--taskmanagers",
      paramLabel = "N",
      defaultValue = "2",
      description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
  int taskManagers;

  @Option(
      names = "--slots",
      paramLabel = "N",
      defaultValue = "2",
      description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--rest-port",
      paramLabel = "PORT",
      defaultValue = "8081",
      description =
          "Port of the REST API and web UI; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int restPort;

  @Option(
      names = "--rpc-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "Port of the JobManager's RPC; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int rpcPort;

  @Option(
      names = "--jobmanager-memory",
      paramLabel = "SIZE",
      defaultValue = "1g",
      description = "Total process memory of the JobManager (default: ${DEFAULT-VALUE}).")
  String jobManagerMemory;

  @Option(
      names = "--taskmanager-memory",
      paramLabel = "SIZE",
      defaultValue = "2g",
      description =
          "Total process memory of each TaskManager; RocksDB gets its managed part (default:"
              + " ${DEFAULT-VALUE}).")
  String taskManagerMemory;

  @Option(
      names = "--prometheus",
      description =
          "Turn on Flink's Prometheus reporter (ports 9250-9260). Flink's reporter has no bind"
              + " address: it listens on every interface, so it is off unless asked for.")
  boolean prometheus;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any further Flink configuration for config.yaml (wins over the above).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description =
          "How long the processes may take to start and register (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    return ClusterCommand.run(
        "start",
        System.err,
        () -> {
          if (taskManagers < 1 || slots < 1) {
            throw new ClusterException("--taskmanagers and --slots must be at least 1", 2);
          }
          LocalCluster.Spec spec =
              new LocalCluster.Spec(
                  dir.path(),
                  taskManagers,
                  slots,
                  restPort,
                  rpcPort,
                  size(jobManagerMemory, "--jobmanager-memory"),
                  size(taskManagerMemory, "--taskmanager-memory"),
                  prometheus,
                  settings,
                  Duration.ofSeconds(timeoutSeconds));
          ClusterState state = LocalCluster.start(spec, out);
          print(state, out);
          return 0;
        });
  }

  private static MemorySize size(String value, String option) {
    try {
      return MemorySize.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ClusterException(option + ": not a size: '" + value + "' (like 1g or 1536m)", 2);
    }
  }

  static void print(ClusterState state, PrintStream out) {
    Path dir = Path.of(state.dir);
    out.println("Flink cluster running, started from " + dir);
    out.printf("  %-16s %s%n", "REST and web UI", state.restUrl());
    for (ClusterState.Member m : state.processes) {
      out.printf(
          "  %-16s pid %-8d %slog %s%n",
          m.role, m.pid, m.isTaskManager() ? state.slots + " slots  " : "", m.log);
    }
    out.printf("  %-16s %s%n", "configuration", dir.resolve("conf").resolve("config.yaml"));
    out.printf("  %-16s %s%n", "checkpoints", dir.resolve("checkpoints"));
    out.printf("  %-16s %s%n", "savepoints", dir.resolve("savepoints"));
    out.println(
        "Submit a job: signalbox cluster submit correlate --dir "
            + dir
            + " --set kafka.bootstrap-servers=HOST:PORT");
    out.println("Stop it:      signalbox cluster stop --dir " + dir);
  }
}
