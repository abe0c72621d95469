package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the cluster's processes (running or not), the TaskManagers registered with the"
          + " JobManager with their slots, and every job with its state. Exits 1 when a process"
          + " of the cluster is gone or the JobManager does not answer."
    })
final class ClusterStatusCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Dir dir;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    return ClusterCommand.run(
        "status",
        System.err,
        () -> {
          ClusterState state = dir.state();
          out.println("cluster of " + dir.path() + ", REST and web UI " + state.restUrl());
          List<ClusterState.Member> gone = new ArrayList<>();
          out.println("processes:");
          for (ClusterState.Member m : state.processes) {
            boolean alive = LocalCluster.handle(m).isPresent();
            if (!alive) {
              gone.add(m);
            }
            out.printf(
                "  %-14s pid %-8d %-12s log %s%n",
                m.role, m.pid, alive ? "running" : "NOT RUNNING", m.log);
          }
          FlinkRest rest = dir.rest();
          JsonNode config = rest.get("/config");
          JsonNode tms = rest.get("/taskmanagers").path("taskmanagers");
          out.println(
              "taskmanagers registered: "
                  + tms.size()
                  + " of "
                  + state.taskManagers
                  + " (Flink "
                  + config.path("flink-version").asText("?")
                  + ")");
          for (JsonNode tm : tms) {
            out.printf(
                "  %-14s slots %d, free %d%n",
                tm.path("id").asText(),
                tm.path("slotsNumber").asInt(),
                tm.path("freeSlots").asInt());
          }
          List<ClusterJobs.Job> jobs = ClusterJobs.list(rest);
          out.println("jobs: " + (jobs.isEmpty() ? "none" : jobs.size()));
          for (ClusterJobs.Job j : jobs) {
            out.printf(
                "  %s  %-12s %-22s since %s%n",
                j.id(), j.state(), j.name(), TIME.format(Instant.ofEpochMilli(j.startTime())));
          }
          if (!gone.isEmpty() || tms.size() < state.taskManagers) {
            throw new ClusterException(
                (gone.isEmpty() ? "" : "not running: " + LocalCluster.describe(gone) + ". ")
                    + "The cluster is not whole; the logs above say why. `signalbox cluster stop"
                    + " --dir "
                    + dir.path()
                    + "` and start it again.");
          }
          return 0;
        });
  }
}
