package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.signalbox.jobs.common.JobArguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Uploads the shaded job jar to the cluster's REST API and runs one of its jobs (its main"
          + " runs on the JobManager), then waits until the job runs and prints its id.",
      "Job options go in with --set KEY=VALUE (the keys of `signalbox correlate|campaigns|trends"
          + " --list-options`, Flink's pipeline.*, execution.*, state.* and restart-strategy.*"
          + " keys, and kafka.properties.* passed through); an unknown key is refused before"
          + " anything is uploaded. Files the job reads (sharing.members) are read on the"
          + " JobManager: on this machine, give absolute paths.",
      "Example: signalbox cluster submit campaigns --set kafka.bootstrap-servers=127.0.0.1:9092"
          + " --set sharing.members=$PWD/deploy/members/example-members.yaml"
          + " --set sharing.pseudonym-key=$(cat pseudonym.key)"
    })
final class ClusterSubmitCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Dir dir;

  @Parameters(index = "0", paramLabel = "JOB", description = "The job: ${COMPLETION-CANDIDATES}.")
  JobKind job;

  @Option(
      names = "--from-savepoint",
      paramLabel = "PATH",
      description =
          "Start from this savepoint (or retained checkpoint): a directory holding _metadata, as"
              + " `signalbox cluster savepoint` prints it.")
  String savepoint;

  @Option(
      names = "--allow-non-restored-state",
      description =
          "Start even when the savepoint holds state of operators this job does not have (that"
              + " state is dropped).")
  boolean allowNonRestoredState;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Parallelism of the job (default: the cluster's, 1).")
  Integer parallelism;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A job or Flink option.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--jar",
      paramLabel = "FILE",
      description =
          "The shaded job jar (default: $SIGNALBOX_JOB_JAR, else this build's"
              + " jobs/target/signalbox-jobs-*-job.jar).")
  Path jar;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "90",
      description = "How long the job may take to reach RUNNING (default: ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    return ClusterCommand.run(
        "submit",
        System.err,
        () -> {
          String jobId = submit();
          out.println(jobId);
          System.err.println(
              "cluster submit: "
                  + job.name()
                  + " runs as job "
                  + jobId
                  + (savepoint == null ? "" : " from " + savepointPath(savepoint))
                  + "; `signalbox cluster status --dir "
                  + dir.path()
                  + "` shows it, web UI "
                  + dir.state().restUrl());
          return 0;
        });
  }

  /**
   * Checks the settings, uploads the jar, runs the job and waits until all its tasks run.
   *
   * @return the job's id
   * @throws ClusterException when any of that fails, with what to do
   */
  String submit() throws Exception {
    try {
      JobArguments.check(job.name(), settings, job.options);
    } catch (IllegalArgumentException e) {
      throw new ClusterException(
          e.getMessage()
              + ". `signalbox "
              + job.name()
              + " --list-options` lists the job's options.",
          2);
    }
    if (parallelism != null && parallelism < 1) {
      throw new ClusterException("--parallelism must be at least 1", 2);
    }
    Path jarFile = JobJar.locate(jar, job);
    String savepointPath = savepoint == null ? null : savepointPath(savepoint);
    FlinkRest rest = dir.rest();
    String jobId = run(rest, jarFile, savepointPath);
    String state =
        ClusterJobs.await(rest, jobId, Set.of("RUNNING"), Duration.ofSeconds(waitSeconds));
    if (!state.equals("RUNNING")) {
      throw failed(rest, jobId, state);
    }
    String waiting = ClusterJobs.awaitTasks(rest, jobId, Duration.ofSeconds(waitSeconds));
    boolean failedOnce = ClusterJobs.hasFailed(rest, jobId);
    if (waiting != null && failedOnce) {
      String cause = ClusterJobs.failure(rest, jobId);
      cancelQuietly(rest, jobId);
      throw new ClusterException(
          "the "
              + job.name()
              + " job "
              + jobId
              + " keeps failing as it starts ("
              + waiting
              + "), so it was cancelled: "
              + FlinkRest.rootCause(cause)
              + whatToDo(cause));
    }
    if (waiting != null) {
      throw new ClusterException(
          "job "
              + jobId
              + " has tasks that are not running after "
              + waitSeconds
              + " s ("
              + waiting
              + "; not enough free slots? `signalbox cluster status` shows them). It stays"
              + " submitted; cancel it with `signalbox cluster cancel "
              + jobId
              + " --dir "
              + dir.path()
              + "`.");
    }
    if (failedOnce) {
      System.err.println(
          "cluster submit: warning: "
              + job.name()
              + " failed once as it started and recovered; the cause was: "
              + FlinkRest.rootCause(ClusterJobs.failure(rest, jobId)));
    }
    return jobId;
  }

  /** Uploads the jar, runs the job's main on the JobManager, deletes the upload again. */
  private String run(FlinkRest rest, Path jarFile, String savepointPath) throws IOException {
    String jarId = rest.uploadJar(jarFile);
    try {
      ObjectNode body = rest.object();
      body.put("entryClass", job.entryClass);
      ArrayNode args = body.putArray("programArgsList");
      settings.forEach(
          (k, v) -> {
            args.add("--" + k);
            args.add(v);
          });
      if (parallelism != null) {
        body.put("parallelism", parallelism);
      }
      if (savepointPath != null) {
        body.put("savepointPath", savepointPath);
        body.put("allowNonRestoredState", allowNonRestoredState);
      }
      JsonNode answer;
      try {
        answer = rest.post("/jars/" + jarId + "/run", body);
      } catch (FlinkRest.RestException e) {
        throw new ClusterException(
            "the cluster refused the "
                + job.name()
                + " job: "
                + FlinkRest.rootCause(e.errors)
                + whatToDo(e.errors));
      }
      return answer.path("jobid").asText();
    } finally {
      try {
        // The job graph holds its own copy of the jar (blob server); the upload is not needed.
        rest.delete("/jars/" + jarId);
      } catch (IOException e) {
        // left in the upload directory; harmless
      }
    }
  }

  private static void cancelQuietly(FlinkRest rest, String jobId) {
    try {
      rest.patch("/jobs/" + jobId + "?mode=cancel");
    } catch (IOException e) {
      // reported by the caller's message; `cluster status` shows the job if it is still there
    }
  }

  private ClusterException failed(FlinkRest rest, String jobId, String state) throws IOException {
    if (!ClusterJobs.TERMINAL.contains(state)) {
      return new ClusterException(
          "job "
              + jobId
              + " is still "
              + state
              + " after "
              + waitSeconds
              + " s (not enough free slots? `signalbox cluster status` shows them). It stays"
              + " submitted; cancel it with `signalbox cluster cancel "
              + jobId
              + " --dir "
              + dir.path()
              + "`.");
    }
    String cause = ClusterJobs.failure(rest, jobId);
    return new ClusterException(
        "the "
            + job.name()
            + " job "
            + jobId
            + " is "
            + state
            + " as it started: "
            + FlinkRest.rootCause(cause)
            + whatToDo(cause));
  }

  /** What to do about the failures a user can fix from here. */
  private String whatToDo(String cause) {
    if (cause.contains("allowNonRestoredState")
        || cause.contains("Cannot map checkpoint/savepoint state")) {
      return "\nThe savepoint "
          + savepoint
          + " holds state of operators this job does not have: it was taken from another job (or"
          + " one whose operators changed). Submit the job it was taken from, or add"
          + " --allow-non-restored-state to drop that state.";
    }
    if (savepoint != null && (cause.contains("_metadata") || cause.contains("savepoint"))) {
      return "\nCheck that "
          + savepoint
          + " is a savepoint of this job (a directory with _metadata).";
    }
    return "\nFix the option or file it names and submit again.";
  }

  /**
   * The savepoint as Flink takes it; a local path is checked to be one first.
   *
   * @throws ClusterException when a local path holds no savepoint
   */
  static String savepointPath(String given) {
    URI uri = URI.create(given.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") ? given : "file:" + given);
    if (!"file".equals(uri.getScheme())) {
      return given;
    }
    Path path = Path.of(uri.getPath()).toAbsolutePath().normalize();
    Path metadata = Files.isDirectory(path) ? path.resolve("_metadata") : path;
    if (!Files.isRegularFile(metadata)) {
      throw new ClusterException(
          "no savepoint at "
              + given
              + " (a savepoint is a directory holding _metadata; `signalbox cluster savepoint JOB`"
              + " prints the path of a new one).");
    }
    return path.toUri().toString();
  }
}
