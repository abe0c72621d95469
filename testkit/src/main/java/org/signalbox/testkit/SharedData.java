package org.signalbox.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the third-party sample data ({@code shared/data}) beside the checkout: the system property
 * {@code signalbox.shared.data} first, then {@code shared/data} in the working directory's
 * ancestors (which covers {@code ../shared/data} and {@code ../../shared/data} from a module).
 */
public final class SharedData {
  private SharedData() {}

  public static Optional<Path> root() {
    String property = System.getProperty("signalbox.shared.data");
    if (property != null && Files.isDirectory(Path.of(property))) {
      return Optional.of(Path.of(property));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The sub-folder, or the test is skipped with a message saying what is missing. */
  public static Path require(String folder) {
    Optional<Path> root = root();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve(folder)),
        "sample data shared/data/"
            + folder
            + " not found beside the checkout (set -Dsignalbox.shared.data); skipping");
    return root.get().resolve(folder);
  }
}
