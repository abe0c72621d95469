package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
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
    PrintStream out = System.out;
    return ClusterCommand.run(
        "savepoint",
        System.err,
        () -> {
          FlinkRest rest = dir.rest();
          String id = ClusterJobs.resolve(rest, job);
          ObjectNode body = rest.object();
          body.put("cancel-job", false);
          String trigger;
          try {
            trigger = rest.post("/jobs/" + id + "/savepoints", body).path("request-id").asText();
          } catch (FlinkRest.RestException e) {
            throw new ClusterException(
                "the cluster refused the savepoint of " + id + ": " + e.getMessage());
          }
          long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
          while (true) {
            JsonNode status = rest.get("/jobs/" + id + "/savepoints/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
              JsonNode op = status.path("operation");
              if (op.has("failure-cause")) {
                throw new ClusterException(
                    "the savepoint of job "
                        + id
                        + " failed: "
                        + FlinkRest.rootCause(
                            op.path("failure-cause").path("stack-trace").asText(""))
                        + " (is the job RUNNING with all its tasks? `signalbox cluster status`)");
              }
              out.println(op.path("location").asText());
              return 0;
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
        });
  }
}
