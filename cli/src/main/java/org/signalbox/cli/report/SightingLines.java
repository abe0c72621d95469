package org.signalbox.cli.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.signalbox.json.SightingJson;
import org.signalbox.schema.Sighting;

/**
 * Sightings JSON lines (what {@code signalbox match} writes); bad lines are reported, not fatal.
 */
public final class SightingLines {
  private SightingLines() {}

  public record Result(List<Sighting> sightings, int badLines) {}

  public static Result read(Path file, PrintStream errors) throws IOException {
    JsonLinesFile.Lines<Sighting> lines = JsonLinesFile.read(file, SightingJson::parse, errors);
    return new Result(lines.records(), lines.badLines());
  }
}
