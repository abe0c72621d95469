package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code cluster start} leaves in the cluster directory ({@value #FILE}) for the commands that
 * come after it in other invocations: the ports and every process it started. Written after each
 * process is launched, so that a start that fails half way can still be cleaned up by {@code stop}.
 */
final class ClusterState {
  static final String FILE = "cluster.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One JVM of the cluster. */
  static final class Member {
    /** "jobmanager", "taskmanager-1", ... */
    public String role;

    public long pid;

    /** When the process started (epoch ms), so that a reused pid is not taken for it. */
    public long startedAt;

    public String log;
    public String out;

    public Member() {}

    Member(String role, long pid, long startedAt, Path log, Path out) {
      this.role = role;
      this.pid = pid;
      this.startedAt = startedAt;
      this.log = log.toString();
      this.out = out.toString();
    }

    boolean isTaskManager() {
      return role.startsWith("taskmanager");
    }
  }

  public String dir;
  public String restAddress;
  public int restPort;
  public int rpcPort;
  public int taskManagers;
  public int slots;
  public List<Member> processes = new ArrayList<>();

  String restUrl() {
    return "http://" + restAddress + ":" + restPort;
  }

  Optional<Member> jobManager() {
    return processes.stream().filter(m -> m.role.equals("jobmanager")).findFirst();
  }

  static Path file(Path dir) {
    return dir.resolve(FILE);
  }

  static Optional<ClusterState> read(Path dir) {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(file(dir)), ClusterState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ClusterException(
          "cannot read "
              + file(dir)
              + " ("
              + e.getMessage()
              + "); if no cluster of this directory is running, delete the file");
    }
  }

  /** Replaces the file in one step: a reader never sees half of it. */
  void write() {
    Path target = file(Path.of(dir));
    Path tmp = target.resolveSibling(FILE + ".tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(this));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  static void delete(Path dir) {
    try {
      Files.deleteIfExists(file(dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
