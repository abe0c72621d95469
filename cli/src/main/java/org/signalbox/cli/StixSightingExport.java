package org.signalbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.signalbox.json.JsonLineException;
import org.signalbox.json.SightingJson;
import org.signalbox.schema.Sighting;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.stix.export.StixSightingBundle;

/**
 * One STIX 2.1 sighting export run, shared by {@code stix export-sightings} and {@code sightings
 * export --stix} so both report rejects, summarise and write the bundle the same way.
 */
final class StixSightingExport {

  private final StixSightingBundle bundle;
  private final PrintWriter err;
  private long read;
  private int rejected;

  StixSightingExport(PrintWriter err, StixObjects writer) {
    this.err = err;
    this.bundle = new StixSightingBundle(writer);
  }

  /** Reads sightings as JSON lines ({@code signalbox match} output); {@code "-"} is stdin. */
  void readJsonLines(String in) throws IOException {
    String source = in.equals("-") ? "stdin" : in;
    InputStream s = in.equals("-") ? System.in : Files.newInputStream(Path.of(in));
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8))) {
      String line;
      long lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        read++;
        if (line.isBlank()) {
          continue;
        }
        try {
          addCounted(source + ":" + lineNo, SightingJson.parse(source, lineNo, line));
        } catch (JsonLineException e) {
          reject(e.getMessage());
        }
      }
    }
  }

  /** Adds one decoded sighting; {@code where} names it in a reject message (file:line, p/o). */
  void add(String where, Sighting s) {
    read++;
    addCounted(where, s);
  }

  /** A record that was read but could not even be decoded into a sighting. */
  void rejectUndecodable(String message) {
    read++;
    reject(message);
  }

  private void reject(String message) {
    err.println("REJECTED " + message);
    rejected++;
  }

  private void addCounted(String where, Sighting s) {
    if (!bundle.add(s)) {
      List<String> reasons = bundle.rejected();
      reject(where + ": " + reasons.get(reasons.size() - 1));
    }
  }

  /**
   * Writes the bundle ({@code "-"}: {@code stdout}) and the summary; returns the exit status: 0 if
   * everything read was exported, 1 if something was rejected, 2 if the output failed.
   */
  int finish(String out, PrintWriter stdout, String unit) {
    try {
      write(out, stdout);
    } catch (IOException e) {
      err.println("ERROR writing " + out + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    err.printf(
        Locale.ROOT,
        "exported %d sightings, rejected %d (%d %s read)%n",
        bundle.size(),
        rejected,
        read,
        unit);
    err.flush();
    return rejected == 0 ? 0 : 1;
  }

  private void write(String out, PrintWriter stdout) throws IOException {
    if (out.equals("-")) {
      stdout.println(bundle.toJson().toPrettyString());
      stdout.flush();
      return;
    }
    // Written beside the target and moved into place, so a reader never sees half a bundle.
    Path target = Path.of(out).toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
    try {
      try (OutputStream o = Files.newOutputStream(tmp)) {
        bundle.write(o);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
