package org.signalbox.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where an edge that gave up on the broker continues: the input (by its place in {@code --in}) and
 * line of the first event the broker did not acknowledge, and the ids of the events at or after
 * that point that it did acknowledge (sends to different partitions complete out of order). A run
 * with {@code --resume} skips everything before the point and those events, so that nothing is lost
 * and nothing is sent twice. Event ids are stable across runs (a digest of member, input, line and
 * record), which is what makes the second set exact.
 *
 * @param inputs the {@code --in} files of the run (absolute), or {@code ["-"]} for standard input
 * @param input the index in {@code inputs} of the first unacknowledged event
 * @param line its line number in that input (1-based)
 * @param delivered ids of events at or after ({@code input}, {@code line}) already acknowledged
 * @param reason why the run gave up
 */
public record ResumePoint(
    List<String> inputs, int input, long line, Set<String> delivered, String reason) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ResumePoint {
    inputs = List.copyOf(inputs);
    delivered = Set.copyOf(new TreeSet<>(delivered));
    if (input < 0 || input >= inputs.size() || line < 1) {
      throw new IllegalArgumentException(
          "resume point out of range: input " + input + " of " + inputs.size() + ", line " + line);
    }
  }

  /** The position key of (input, line), ordered as the edge reads. */
  static long position(int input, long line) {
    return ((long) input << 40) | (line & ((1L << 40) - 1));
  }

  long position() {
    return position(input, line);
  }

  /** Writes the point atomically (a temporary file renamed over {@code file}). */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), this);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a point written by {@link #write}.
   *
   * @throws IllegalArgumentException when the file is missing or not a resume point, with the
   *     reason
   */
  public static ResumePoint read(Path file) {
    try {
      return JSON.readValue(file.toFile(), ResumePoint.class);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--resume "
              + file
              + ": not a resume file of 'signalbox sanitize' ("
              + e.getMessage()
              + ")",
          e);
    }
  }
}
