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
import java.util.concurrent.Callable;
import org.signalbox.connectors.json.JsonLineException;
import org.signalbox.connectors.json.SightingJson;
import org.signalbox.connectors.stix.export.StixSightingBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox stix export-sightings}: sightings as JSON lines to a STIX 2.1 bundle. */
@Command(
    name = "export-sightings",
    mixinStandardHelpOptions = true,
    description = {
      "Converts sightings (JSON lines, as 'signalbox match' writes them) into one STIX 2.1 bundle"
          + " of sighting objects, with the pseudonymous member identities and the TLP 2.0"
          + " marking definitions they reference.",
      "Bad lines and sightings that cannot be STIX (e.g. an indicator id that is not"
          + " indicator--<uuid>) are reported on standard error with their line number; the rest"
          + " is exported. Exit status 0 if every line was exported, 1 if some were rejected, 2 if"
          + " the input or output could not be used."
    })
public final class StixExportSightingsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--in",
      paramLabel = "SIGHTINGS.jsonl",
      defaultValue = "-",
      description = "Sightings as JSON lines; '-' is standard input (default).")
  String in;

  @Option(
      names = "--out",
      paramLabel = "BUNDLE.json",
      defaultValue = "-",
      description = "STIX bundle to write; '-' is standard output (default).")
  String out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    StixSightingBundle bundle = new StixSightingBundle();
    long lines = 0;
    int rejected = 0;
    String source = in.equals("-") ? "stdin" : in;
    try (BufferedReader reader = open()) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines++;
        if (line.isBlank()) {
          continue;
        }
        try {
          if (!bundle.add(SightingJson.parse(source, lines, line))) {
            List<String> reasons = bundle.rejected();
            err.println(
                "REJECTED " + source + ":" + lines + ": " + reasons.get(reasons.size() - 1));
            rejected++;
          }
        } catch (JsonLineException e) {
          err.println("REJECTED " + e.getMessage());
          rejected++;
        }
      }
    } catch (IOException e) {
      err.println("ERROR reading " + source + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    try {
      write(bundle);
    } catch (IOException e) {
      err.println("ERROR writing " + out + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    err.printf(
        Locale.ROOT,
        "exported %d sightings, rejected %d (%d lines read)%n",
        bundle.size(),
        rejected,
        lines);
    err.flush();
    return rejected == 0 ? 0 : 1;
  }

  private BufferedReader open() throws IOException {
    InputStream s = in.equals("-") ? System.in : Files.newInputStream(Path.of(in));
    return new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8));
  }

  private void write(StixSightingBundle bundle) throws IOException {
    if (out.equals("-")) {
      PrintWriter w = spec.commandLine().getOut();
      w.println(bundle.toJson().toPrettyString());
      w.flush();
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
