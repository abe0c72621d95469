package org.signalbox.edge;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared third-party sample data, found beside the checkout or through a system property. */
public final class SharedData {
  private SharedData() {}

  /** The directory, or a skipped test with a message saying where it was looked for. */
  public static Path require(String sub) {
    String prop = System.getProperty("signalbox.shared.data");
    Path[] candidates = {
      prop == null ? null : Path.of(prop),
      Path.of("../shared/data"),
      Path.of("../../shared/data"),
      Path.of("../../../shared/data"),
    };
    for (Path c : candidates) {
      if (c != null && Files.isDirectory(c.resolve(sub))) {
        return c.resolve(sub);
      }
    }
    assumeTrue(
        false,
        "shared sample data '"
            + sub
            + "' not found (looked in -Dsignalbox.shared.data, ../shared/data, ../../shared/data,"
            + " ../../../shared/data); skipping");
    return null;
  }
}
