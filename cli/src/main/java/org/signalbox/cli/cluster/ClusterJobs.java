package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The jobs on the cluster, as the REST API shows them, and the waits the commands need. */
final class ClusterJobs {
  private ClusterJobs() {}

  /** States a job does not leave. */
  static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED", "SUSPENDED");

  /** One row of {@code /jobs/overview}. */
  record Job(String id, String name, String state, long startTime) {}

  static List<Job> list(FlinkRest rest) throws IOException {
    List<Job> jobs = new ArrayList<>();
    for (JsonNode j : rest.get("/jobs/overview").path("jobs")) {
      jobs.add(
          new Job(
              j.path("jid").asText(),
              j.path("name").asText(),
              j.path("state").asText(),
              j.path("start-time").asLong()));
    }
    jobs.sort((a, b) -> Long.compare(a.startTime(), b.startTime()));
    return jobs;
  }

  /**
   * The job a command names: its id, or the name of a job kind (correlate, campaigns, trends) when
   * exactly one job of that kind is not finished.
   *
   * @throws ClusterException when there is no such job, or more than one
   */
  static String resolve(FlinkRest rest, String ref) throws IOException {
    List<Job> jobs = list(rest);
    if (ref.matches("[0-9a-f]{32}")) {
      if (jobs.stream().noneMatch(j -> j.id().equals(ref))) {
        throw new ClusterException(
            "the cluster has no job " + ref + "; `signalbox cluster status` lists its jobs.");
      }
      return ref;
    }
    JobKind kind;
    try {
      kind = JobKind.valueOf(ref);
    } catch (IllegalArgumentException e) {
      throw new ClusterException(
          "'"
              + ref
              + "' is neither a job id (32 hex digits) nor one of correlate, campaigns, trends",
          2);
    }
    List<Job> live =
        jobs.stream()
            .filter(j -> j.name().equals(kind.jobName) && !TERMINAL.contains(j.state()))
            .toList();
    if (live.isEmpty()) {
      throw new ClusterException(
          "no " + ref + " job is running; `signalbox cluster status` lists the cluster's jobs.");
    }
    if (live.size() > 1) {
      throw new ClusterException(
          live.size()
              + " "
              + ref
              + " jobs are running ("
              + String.join(", ", live.stream().map(Job::id).toList())
              + "); name one by its id.");
    }
    return live.get(0).id();
  }

  static String state(FlinkRest rest, String id) throws IOException {
    return rest.get("/jobs/" + id).path("state").asText();
  }

  /**
   * Waits until the job is in {@code wanted} or a terminal state, at most {@code timeout}.
   *
   * @return the state it reached (or the one it is still in at the timeout)
   */
  static String await(FlinkRest rest, String id, Set<String> wanted, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String state = state(rest, id);
    while (!wanted.contains(state) && !TERMINAL.contains(state) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      state = state(rest, id);
    }
    return state;
  }

  /**
   * Waits until every task of the job runs (a job is RUNNING as soon as it is scheduled, while its
   * tasks may still be deploying, or restarting after a failure), at most {@code timeout}.
   *
   * @return null when all tasks run; otherwise what is not running yet ("trend windows:
   *     DEPLOYING"), or the job's state when it left RUNNING
   */
  static String awaitTasks(FlinkRest rest, String id, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode job = rest.get("/jobs/" + id);
      String state = job.path("state").asText();
      List<String> waiting = new ArrayList<>();
      if (!state.equals("RUNNING")) {
        waiting.add("job " + state);
      } else {
        for (JsonNode v : job.path("vertices")) {
          String status = v.path("status").asText();
          if (!status.equals("RUNNING") && !status.equals("FINISHED")) {
            waiting.add(v.path("name").asText() + ": " + status);
          }
        }
      }
      if (waiting.isEmpty()) {
        return null;
      }
      if (TERMINAL.contains(state) || System.nanoTime() > deadline) {
        return String.join(", ", waiting);
      }
      Thread.sleep(250);
    }
  }

  /** True when the job has failed at least once since it started (it restarts, or is failing). */
  static boolean hasFailed(FlinkRest rest, String id) throws IOException {
    JsonNode ex = rest.get("/jobs/" + id + "/exceptions");
    return !ex.path("root-exception").asText("").isBlank()
        || ex.path("exceptionHistory").path("entries").size() > 0;
  }

  /** Why the job failed, from its exception history: the innermost cause's message. */
  static String failure(FlinkRest rest, String id) throws IOException {
    JsonNode ex = rest.get("/jobs/" + id + "/exceptions");
    String text = ex.path("root-exception").asText("");
    if (text.isBlank()) {
      JsonNode entries = ex.path("exceptionHistory").path("entries");
      if (entries.size() > 0) {
        text = entries.get(0).path("stacktrace").asText("");
      }
    }
    return text.isBlank() ? "(the cluster recorded no exception)" : text;
  }
}
