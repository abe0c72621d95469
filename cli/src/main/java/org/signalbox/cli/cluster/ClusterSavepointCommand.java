package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "savepoint",
    mixinStandardHelpOptions = true,
    description = {
      "Takes a savepoint of a running job into the cluster's savepoints/ directory (the job keeps"
          + " running) and prints its path, which `cluster submit --from-savepoint` takes."
    })
final class ClusterSavepointCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Dir dir;

  @Parameters(
      index = "0",
      paramLabel = "JOB",
      description = "The job's id, or correlate, campaigns or trends when one such job runs.")
  String job;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long the savepoint may take (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    return ClusterCommand.run(
        "savepoint",
        System.err,
        () -> {
          FlinkRest rest = dir.rest();
          String id = ClusterJobs.resolve(rest, job);
          long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
          while (true) {
            // A savepoint needs every task running; a job that is deploying or restarting gets
            // the rest of the timeout to get there.
            String waiting = ClusterJobs.awaitTasks(rest, id, remaining(deadline));
            if (waiting != null) {
              throw new ClusterException(
                  "job "
                      + id
                      + " does not have all its tasks running ("
                      + waiting
                      + "), which a savepoint needs; `signalbox cluster status` shows the job, its"
                      + " TaskManagers' logs say why");
            }
            String failure = trigger(rest, id, deadline);
            if (failure == null) {
              return 0;
            }
            if (!failure.contains("Not all required tasks are currently running")
                || System.nanoTime() > deadline) {
              throw new ClusterException(
                  "the savepoint of job "
                      + id
                      + " failed: "
                      + failure
                      + " (is the job RUNNING with all its tasks? `signalbox cluster status`)");
            }
            // a task restarted between the check and the trigger: wait for it again
          }
        });
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /**
   * Triggers one savepoint and waits for it.
   *
   * @return null when it completed (its path printed), else why it failed
   */
  private String trigger(FlinkRest rest, String id, long deadline) throws Exception {
    ObjectNode body = rest.object();
    body.put("cancel-job", false);
    String trigger;
    try {
      trigger = rest.post("/jobs/" + id + "/savepoints", body).path("request-id").asText();
    } catch (FlinkRest.RestException e) {
      throw new ClusterException(
          "the cluster refused the savepoint of " + id + ": " + e.getMessage());
    }
    while (true) {
      JsonNode status = rest.get("/jobs/" + id + "/savepoints/" + trigger);
      if (status.path("status").path("id").asText().equals("COMPLETED")) {
        JsonNode op = status.path("operation");
        if (op.has("failure-cause")) {
          return FlinkRest.rootCause(op.path("failure-cause").path("stack-trace").asText(""));
        }
        System.out.println(op.path("location").asText());
        return null;
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterException(
            "the savepoint of job "
                + id
                + " did not complete within "
                + timeoutSeconds
                + " s; give it longer with --timeout");
      }
      Thread.sleep(250);
    }
  }
}
