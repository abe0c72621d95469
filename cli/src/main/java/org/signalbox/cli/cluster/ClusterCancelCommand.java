package org.signalbox.cli.cluster;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancels a job and waits until it is CANCELED. Its state is gone unless a savepoint was"
          + " taken first (`signalbox cluster savepoint JOB`)."
    })
final class ClusterCancelCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Dir dir;

  @Parameters(
      index = "0",
      paramLabel = "JOB",
      description = "The job's id, or correlate, campaigns or trends when one such job runs.")
  String job;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    return ClusterCommand.run(
        "cancel",
        System.err,
        () -> {
          FlinkRest rest = dir.rest();
          String id = ClusterJobs.resolve(rest, job);
          rest.patch("/jobs/" + id + "?mode=cancel");
          String state = ClusterJobs.await(rest, id, Set.of("CANCELED"), Duration.ofSeconds(60));
          if (!ClusterJobs.TERMINAL.contains(state)) {
            throw new ClusterException(
                "job "
                    + id
                    + " is still "
                    + state
                    + " a minute after it was cancelled; see the JobManager's log");
          }
          out.println(id + " " + state);
          return 0;
        });
  }
}
