package org.signalbox.jobs.correlate.index;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The third-party sample data beside the checkout ({@code ../shared/data} from the repository root,
 * or the {@code signalbox.shared.data} system property); tests that need it are skipped with a
 * message when it is absent.
 */
public final class SharedSampleData {
  private SharedSampleData() {}

  public static Path root() {
    String property = System.getProperty("signalbox.shared.data");
    List<Path> candidates = new ArrayList<>();
    if (property != null && !property.isBlank()) {
      candidates.add(Path.of(property));
    }
    // Surefire runs in the module directory; the repository root is its parent.
    Path cwd = Path.of("").toAbsolutePath();
    for (Path base : new Path[] {cwd, cwd.getParent()}) {
      if (base != null) {
        candidates.add(base.resolve("../shared/data").normalize());
        candidates.add(base.resolve("../../shared/data").normalize());
      }
    }
    for (Path p : candidates) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    assumeTrue(false, "shared sample data not found (tried " + candidates + "); skipping");
    return null;
  }

  static Path file(String relative) {
    Path p = root().resolve(relative);
    assumeTrue(Files.isRegularFile(p), "shared sample file " + p + " is absent; skipping");
    return p;
  }

  /** The {@code list} values of a MISP warninglist. */
  static List<String> warninglist(String name) throws IOException {
    JsonNode json =
        new ObjectMapper().readTree(file("misp-warninglists/" + name + "/list.json").toFile());
    List<String> out = new ArrayList<>();
    json.get("list").forEach(v -> out.add(v.asText()));
    return out;
  }

  /** Data rows of a gzipped Zeek TSV log, split into fields. */
  static void zeekRows(String log, Consumer<String[]> row) throws IOException {
    Path p = file("zeek/" + log + ".gz");
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(p)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith("#")) {
          row.accept(line.split("\t", -1));
        }
      }
    }
  }
}
