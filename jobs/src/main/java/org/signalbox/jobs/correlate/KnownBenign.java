package org.signalbox.jobs.correlate;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.signalbox.importers.warninglist.Warninglist;
import org.signalbox.importers.warninglist.Warninglists;
import org.signalbox.schema.ObservableType;

/**
 * MISP warninglists as the job uses them: values known to be benign (public resolvers, private
 * ranges, empty-file hashes...). Loaded once per task from {@code correlate.warninglists}; an empty
 * setting means no lists.
 */
final class KnownBenign implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String dir;
  private transient Warninglists lists;

  KnownBenign(String dir) {
    this.dir = dir == null ? "" : dir;
  }

  boolean configured() {
    return !dir.isBlank();
  }

  /** Loads the lists; a missing directory is a configuration fault that stops the start. */
  void open() throws IOException {
    if (!configured()) {
      return;
    }
    Path path = Path.of(dir);
    if (!Files.isDirectory(path)) {
      throw new IllegalStateException(
          "correlate.warninglists: '" + dir + "' is not a directory of MISP warninglists");
    }
    lists = Warninglists.load(path);
  }

  /** Names of the lists that hold the value; empty when none does or no lists are configured. */
  List<String> listsHolding(ObservableType type, String value) {
    if (lists == null || type == null || value == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (Warninglist w : lists.matching(type, value)) {
      names.add(w.name());
    }
    return names;
  }
}
