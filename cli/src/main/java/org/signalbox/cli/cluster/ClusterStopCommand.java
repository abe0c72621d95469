package org.signalbox.cli.cluster;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stops every process the cluster's start launched (TaskManagers, then the JobManager):"
          + " SIGTERM, SIGKILL after 30 s, and checks that each is gone. Running jobs end with it;"
          + " take a savepoint first to resume them. Logs, checkpoints and savepoints stay in the"
          + " cluster directory."
    })
final class ClusterStopCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Dir dir;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    return ClusterCommand.run(
        "stop",
        System.err,
        () -> {
          Optional<ClusterState> state = ClusterState.read(dir.path());
          if (state.isEmpty()) {
            out.println("no cluster is recorded in " + dir.path() + "; nothing to stop.");
            return 0;
          }
          List<ClusterState.Member> left = LocalCluster.stop(state.get(), out);
          if (!left.isEmpty()) {
            throw new ClusterException(
                "still running after SIGKILL: "
                    + LocalCluster.describe(left)
                    + "; the state stays in "
                    + ClusterState.file(dir.path())
                    + ". Look at `ps -o pid,stat,cmd -p PID` (a process in state D waits for the"
                    + " disk), then run stop again.");
          }
          ClusterState.delete(dir.path());
          out.println(
              "all " + state.get().processes.size() + " processes of the cluster are gone.");
          return 0;
        });
  }
}
