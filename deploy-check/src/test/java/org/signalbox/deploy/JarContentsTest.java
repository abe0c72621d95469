package org.signalbox.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What the shipped jars hold. The job jar runs on any Flink cluster, which brings its own Flink:
 * none of Flink's runtime, core or DataStream API may be in it (a second copy is a class-loading
 * conflict waiting for the next Flink release), nor the command line, the demo or the report, nor
 * the command-line library. The edge jar is what members install at home: no Flink, no Lucene (its
 * runtime dependency tree is held to the same by the enforcer's bannedDependencies in
 * edge/pom.xml).
 *
 * <p>The jars exist after the package phase, so the build runs this test there (its own surefire
 * execution in this module), after the jobs and edge modules are packaged.
 */
class JarContentsTest {

  /** Packages the cluster provides (flink-core, flink-runtime, flink-streaming-java, ...). */
  static final List<String> PROVIDED_BY_FLINK =
      List.of(
          "org/apache/flink/runtime/",
          "org/apache/flink/api/",
          "org/apache/flink/configuration/",
          "org/apache/flink/core/",
          "org/apache/flink/streaming/api/",
          "org/apache/flink/streaming/runtime/",
          "org/apache/flink/state/rocksdb/",
          "org/apache/flink/client/",
          "org/apache/flink/shaded/");

  static final List<String> NOT_IN_THE_JOB_JAR =
      List.of("org/signalbox/cli/", "picocli/", "org/signalbox/testkit/");

  @Test
  void theJobJarHoldsTheJobsAndTheirLibrariesButNoFlinkAndNoCommandLine() throws IOException {
    List<String> entries = entries(jar("signalbox.jobJar", "jobs"));
    assertThat(entries)
        .contains(
            "org/signalbox/jobs/correlate/CorrelateJob.class",
            "org/signalbox/jobs/trends/TrendsJob.class",
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/kafka/clients/consumer/KafkaConsumer.class");
    List<String> forbidden = new ArrayList<>(PROVIDED_BY_FLINK);
    forbidden.addAll(NOT_IN_THE_JOB_JAR);
    for (String prefix : forbidden) {
      assertThat(entries.stream().filter(e -> e.startsWith(prefix)).limit(5).toList())
          .as("entries of the job jar under %s", prefix)
          .isEmpty();
    }
  }

  @Test
  void theEdgeJarHoldsNoFlinkAndNoLucene() throws IOException {
    List<String> entries = entries(jar("signalbox.edgeJar", "edge"));
    assertThat(entries).anyMatch(e -> e.startsWith("org/signalbox/edge/") && e.endsWith(".class"));
    for (String prefix :
        List.of("org/apache/flink/", "org/apache/lucene/", "org/signalbox/jobs/")) {
      assertThat(entries.stream().filter(e -> e.startsWith(prefix)).limit(5).toList())
          .as("entries of the edge jar under %s", prefix)
          .isEmpty();
    }
  }

  private static List<String> entries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(ZipEntry::getName).toList();
    }
  }

  /** The jar the build names, which must be newer than every class of its module. */
  private static Path jar(String property, String module) throws IOException {
    String name = System.getProperty(property);
    assertThat(name).as("system property %s (set by the build)", property).isNotNull();
    Path jar = Path.of(name);
    assertThat(jar)
        .as("the %s jar; it is built at package: run mvn package or verify, not mvn test", module)
        .isRegularFile();
    Optional<FileTime> newestClass;
    try (Stream<Path> files = Files.walk(Repository.file(module + "/target/classes"))) {
      newestClass =
          files
              .filter(Files::isRegularFile)
              .map(JarContentsTest::modified)
              .max(FileTime::compareTo);
    }
    if (newestClass.isPresent()) {
      assertThat(modified(jar))
          .as(
              "%s is older than the module's classes: package %s again (mvn -pl deploy-check -am verify)",
              jar, module)
          .isGreaterThanOrEqualTo(newestClass.get());
    }
    return jar;
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
