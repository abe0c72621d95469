package org.signalbox.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Strimzi's CRDs, made the way Strimzi's own build makes them: its CRD generator (the Maven Central
 * artifact {@code io.strimzi:crd-generator}) run over its API classes ({@code io.strimzi:api}) with
 * the arguments of the {@code generate-crd-co-install-v1} execution in that module's pom. Strimzi
 * publishes the CRDs only inside its release archives and Helm chart, neither on Maven Central, so
 * this is the reproducible way to them from the build's one registry; {@link #RELEASED} holds the
 * SHA-256 of the files in Strimzi's 1.2.0 release (packaging/install/cluster-operator), and the
 * output must match them byte for byte.
 *
 * <p>Strimzi 1.x is compiled for Java 21, the build for 17, so the generator runs in a JVM of its
 * own: this one if it is 21 or newer, else {@code SIGNALBOX_JAVA21_HOME}, else the first JDK of 21
 * or newer found where Debian's and Temurin's packages put them. It runs once per build: the
 * generated files are kept under target/crds/strimzi.
 */
final class StrimziCrds {

  /** CRD file name (as in Strimzi's release) by API class, for the kinds the manifests use. */
  static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("io.strimzi.api.kafka.model.kafka.Kafka", "040-Crd-kafka.yaml");
    FILES.put("io.strimzi.api.kafka.model.topic.KafkaTopic", "043-Crd-kafkatopic.yaml");
    FILES.put("io.strimzi.api.kafka.model.user.KafkaUser", "044-Crd-kafkauser.yaml");
    FILES.put("io.strimzi.api.kafka.model.nodepool.KafkaNodePool", "045-Crd-kafkanodepool.yaml");
  }

  /** SHA-256 of the CRDs of Strimzi 1.2.0's release, by file name. */
  static final Map<String, String> RELEASED =
      Map.of(
          "040-Crd-kafka.yaml",
          "b5b27fc8d52068a77cde7c40d47c068023c7b4e92fc266c45200db2d2506392a",
          "043-Crd-kafkatopic.yaml",
          "36390f0731c699448076d4ee739e8b7f331d083e91a7fb71500aaa830ab1127e",
          "044-Crd-kafkauser.yaml",
          "c7e91b9b027a516b43dc7d369e781ee23a6ea177ae15fe0c33af6f722e26e05f",
          "045-Crd-kafkanodepool.yaml",
          "411c1b32ef8c1a6408ac9d4fe791115a6ce2b41107204588f976a3ed19be2430");

  static final String RELEASED_VERSION = "1.2.0";

  private static List<Path> generated;

  private StrimziCrds() {}

  /** The CRD files, generated on first use. */
  static synchronized List<Path> files() {
    if (generated == null) {
      generated = generate();
    }
    return generated;
  }

  private static List<Path> generate() {
    Path crds = Path.of(System.getProperty("signalbox.crds", "target/crds"));
    Path tools = crds.resolve("strimzi-generator");
    Path api = tools.resolve("strimzi-api.jar");
    Path generator = tools.resolve("strimzi-crd-generator.jar");
    if (!Files.isRegularFile(api) || !Files.isRegularFile(generator)) {
      throw new IllegalStateException(
          "Strimzi's API and CRD generator jars are not in "
              + tools
              + "; the build copies them at generate-test-resources (run the module's tests with"
              + " Maven, e.g. mvn -pl deploy-check -am verify)");
    }
    Path out = crds.resolve("strimzi");
    List<Path> files = new ArrayList<>();
    FILES.values().forEach(f -> files.add(out.resolve(f)));
    if (files.stream().allMatch(f -> newer(f, api) && newer(f, generator))) {
      return files;
    }
    Path javaBin = java21();
    List<String> command = new ArrayList<>();
    command.add(javaBin.toString());
    command.add("-cp");
    command.add(api + java.io.File.pathSeparator + generator);
    command.add("io.strimzi.crdgenerator.CrdGenerator");
    command.addAll(
        List.of(
            "--label",
            "app:strimzi",
            "--label",
            "strimzi.io/crd-install:true",
            "--target-kube",
            "1.16+",
            "--crd-api-version",
            "v1",
            "--api-versions",
            "v1",
            "--storage-version",
            "v1",
            "--yaml"));
    FILES.forEach((type, file) -> command.add(type + "=" + out.resolve(file)));
    try {
      Files.createDirectories(out);
      Path log = crds.resolve("strimzi-generator.log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("Strimzi's CRD generator did not finish in 3 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "Strimzi's CRD generator exited with "
                + p.exitValue()
                + ": "
                + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return files;
  }

  private static boolean newer(Path file, Path than) {
    try {
      return Files.isRegularFile(file)
          && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) >= 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** A {@code java} of release 21 or newer, or an error that says how to provide one. */
  static Path java21() {
    if (Runtime.version().feature() >= 21) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    List<Path> candidates = new ArrayList<>();
    for (String env : List.of("SIGNALBOX_JAVA21_HOME", "JAVA21_HOME")) {
      String home = System.getenv(env);
      if (home != null && !home.isBlank()) {
        candidates.add(Path.of(home));
      }
    }
    List<Path> parents = new ArrayList<>();
    parents.add(Path.of(System.getProperty("java.home")).getParent());
    parents.add(Path.of("/usr/lib/jvm"));
    parents.add(Path.of("/opt/java"));
    parents.add(Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java"));
    for (Path parent : parents) {
      if (parent != null && Files.isDirectory(parent)) {
        try (Stream<Path> homes = Files.list(parent)) {
          homes.sorted().forEach(candidates::add);
        } catch (IOException e) {
          // an unreadable folder holds no JDK we can use
        }
      }
    }
    for (Path home : candidates) {
      Optional<Integer> feature = feature(home);
      Path java = home.resolve("bin").resolve("java");
      if (feature.isPresent() && feature.get() >= 21 && Files.isExecutable(java)) {
        return java;
      }
    }
    throw new IllegalStateException(
        "Strimzi "
            + RELEASED_VERSION
            + "'s CRD generator is compiled for Java 21 and this JVM is "
            + Runtime.version().feature()
            + "; no JDK of 21 or newer found (looked at SIGNALBOX_JAVA21_HOME, JAVA21_HOME and"
            + " under "
            + parents
            + "). Install one (e.g. Temurin 21 or 25 under /usr/lib/jvm) or set"
            + " SIGNALBOX_JAVA21_HOME to its home.");
  }

  /** The feature release of a JDK home, from its {@code release} file. */
  private static Optional<Integer> feature(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(release)) {
      p.load(in);
    } catch (IOException e) {
      return Optional.empty();
    }
    String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
    try {
      String major = v.startsWith("1.") ? v.substring(2) : v;
      return Optional.of(Integer.parseInt(major.split("[.+-]")[0]));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
