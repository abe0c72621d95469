package org.signalbox.cli.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.ZipFile;

/**
 * The shaded job jar {@code cluster submit} uploads: {@code --jar}, else {@code
 * $SIGNALBOX_JOB_JAR}, else the one this build's jobs module packages (recorded at build time in
 * {@value #RESOURCE}).
 */
final class JobJar {
  private JobJar() {}

  static final String RESOURCE = "job-jar.properties";
  static final String ENV = "SIGNALBOX_JOB_JAR";
  static final String BUILD = "mvn -B -ntp -Pfast -DskipTests -pl jobs -am package";

  /** Where the jar is expected, whether it is there or not. */
  static Path expected(Path explicit) {
    if (explicit != null) {
      return explicit.toAbsolutePath().normalize();
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    Properties p = new Properties();
    try (InputStream in = JobJar.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new ClusterException(
            "this build does not say where the job jar is ("
                + RESOURCE
                + " missing); name it with --jar (build it with `"
                + BUILD
                + "`)");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Path.of(p.getProperty("path")).toAbsolutePath().normalize();
  }

  /**
   * The jar, checked to be there and to hold the job's entry class.
   *
   * @throws ClusterException saying which command builds it
   */
  static Path locate(Path explicit, JobKind job) {
    Path jar = expected(explicit);
    if (!Files.isRegularFile(jar)) {
      throw new ClusterException(
          "the job jar "
              + jar
              + " is missing. Build it with `"
              + BUILD
              + "` (from the repository root; ./signalbox builds it too), or name one with --jar.");
    }
    String entry = job.entryClass.replace('.', '/') + ".class";
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.getEntry(entry) == null) {
        throw new ClusterException(
            "the jar "
                + jar
                + " does not hold "
                + job.entryClass
                + ": it is not this version's job jar. Rebuild it with `"
                + BUILD
                + "`.");
      }
    } catch (IOException e) {
      throw new ClusterException(
          "the job jar "
              + jar
              + " cannot be read as a jar ("
              + e.getMessage()
              + "); rebuild it with `"
              + BUILD
              + "`.");
    }
    return jar;
  }
}
