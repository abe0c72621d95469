package org.signalbox.cli.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.signalbox.json.JsonLineException;

/** A JSON-lines file of records; bad lines are reported with file and line, not fatal. */
final class JsonLinesFile {
  private JsonLinesFile() {}

  /** Reads one line into a record, or says what is wrong with it. */
  interface LineParser<T> {
    T parse(String source, long lineNo, String line) throws JsonLineException;
  }

  record Lines<T>(List<T> records, int badLines) {}

  static <T> Lines<T> read(Path file, LineParser<T> parser, PrintStream errors) throws IOException {
    String name = file.getFileName().toString();
    List<T> out = new ArrayList<>();
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
          out.add(parser.parse(name, lineNo, line));
        } catch (JsonLineException e) {
          errors.println(e.getMessage());
          bad++;
        }
      }
    }
    return new Lines<>(out, bad);
  }
}
