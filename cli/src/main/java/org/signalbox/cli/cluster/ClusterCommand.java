package org.signalbox.cli.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code signalbox cluster}: a Flink session cluster of separate processes on this machine, and the
 * jobs on it. Each subcommand is a class of its own; they share the cluster directory.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "A local Flink cluster of real processes: a JobManager and TaskManagers, each its own JVM,"
          + " on 127.0.0.1 only, with RocksDB state and checkpoints and savepoints in the cluster"
          + " directory. The jobs run from the shaded job jar, as on any Flink cluster.",
      "start, then submit correlate|campaigns|trends, status, savepoint, cancel, stop; each"
          + " finds the cluster through --dir."
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      ClusterStartCommand.class,
      ClusterStatusCommand.class,
      ClusterSubmitCommand.class,
      ClusterSavepointCommand.class,
      ClusterCancelCommand.class,
      ClusterStopCommand.class
    })
public final class ClusterCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The cluster directory option every subcommand has. */
  static final class Dir {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        defaultValue = "${sys:user.home}/.signalbox/cluster",
        description =
            "Cluster directory: configuration (conf/), logs (log/), checkpoints, savepoints and"
                + " the state (pids, ports) the other cluster commands read (default:"
                + " ${DEFAULT-VALUE}).")
    Path dir;

    Path path() {
      return dir.toAbsolutePath().normalize();
    }

    /**
     * The cluster recorded in the directory.
     *
     * @throws ClusterException when there is none
     */
    ClusterState state() {
      return ClusterState.read(path())
          .orElseThrow(
              () ->
                  new ClusterException(
                      "no cluster is recorded in "
                          + path()
                          + "; start one with `signalbox cluster start --dir "
                          + path()
                          + "` (or name the directory it was started with, --dir)."));
    }

    /**
     * The REST API of the recorded cluster, once it answers.
     *
     * @throws ClusterException when the JobManager is not running or does not answer
     */
    FlinkRest rest() {
      ClusterState state = state();
      FlinkRest rest = new FlinkRest(state.restUrl());
      if (!rest.answers()) {
        boolean alive = state.jobManager().flatMap(LocalCluster::handle).isPresent();
        throw new ClusterException(
            (alive
                    ? "the JobManager (pid "
                        + state.jobManager().get().pid
                        + ") does not answer on "
                        + state.restUrl()
                        + "; see its log "
                        + state.jobManager().get().log
                    : "the cluster of " + path() + " is not running (its JobManager is gone)")
                + ". `signalbox cluster stop --dir "
                + path()
                + "` cleans up, then `signalbox cluster start` starts it anew.");
      }
      return rest;
    }
  }

  /** Runs a subcommand's body: a {@link ClusterException} is its message and exit code. */
  static int run(String command, PrintStream err, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (ClusterException e) {
      err.println("cluster " + command + ": " + e.getMessage());
      return e.exitCode;
    }
  }
}
