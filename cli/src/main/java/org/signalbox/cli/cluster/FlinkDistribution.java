package org.signalbox.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The class path of the cluster's processes: what a Flink 2.2 binary distribution's lib/ holds
 * (runtime, streaming, clients, the RocksDB state backend, the web UI, log4j) and its Prometheus
 * reporter plugin, as Maven Central jars. The signalbox-flink-dist module writes it at build time;
 * it holds nothing of Signalbox, so a job runs there only with what its jar carries.
 */
final class FlinkDistribution {
  private FlinkDistribution() {}

  static final String RESOURCE = "/org/signalbox/flinkdist/flink-dist.classpath";

  /** Overrides the recorded class path (for a Flink distribution's lib/ jars, say). */
  static final String PROPERTY = "signalbox.flink.classpath";

  static final String BUILD = "mvn -B -ntp -Pfast -DskipTests -pl cli -am package";

  /**
   * @throws ClusterException when the class path was not recorded or names a jar that is gone
   */
  static String classPath() {
    String classPath = System.getProperty(PROPERTY);
    if (classPath == null) {
      try (InputStream in = FlinkDistribution.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new ClusterException(
              "the Flink class path ("
                  + RESOURCE
                  + ") is not on this class path; it is written when the flink-dist module is"
                  + " built: run `"
                  + BUILD
                  + "`");
        }
        classPath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String entry : List.of(classPath.split(File.pathSeparator))) {
      if (!Files.exists(Path.of(entry))) {
        throw new ClusterException(
            "the Flink class path names "
                + entry
                + ", which does not exist (the local Maven repository changed since the build);"
                + " rebuild with `"
                + BUILD
                + "`");
      }
    }
    return classPath;
  }
}
