package org.signalbox.jobs.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.signalbox.connectors.json.JsonLineException;
import org.signalbox.connectors.json.SightingJson;
import org.signalbox.schema.Sighting;

/**
 * Sightings JSON lines (what {@code signalbox match} writes); bad lines are reported, not fatal.
 */
public final class SightingLines {
  private SightingLines() {}

  public record Result(List<Sighting> sightings, int badLines) {}

  public static Result read(Path file, PrintStream errors) throws IOException {
    String name = file.getFileName().toString();
    List<Sighting> out = new ArrayList<>();
    int bad = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(SightingJson.parse(name, lineNo, line));
        } catch (JsonLineException e) {
          errors.println(e.getMessage());
          bad++;
        }
      }
    }
    return new Result(out, bad);
  }
}
