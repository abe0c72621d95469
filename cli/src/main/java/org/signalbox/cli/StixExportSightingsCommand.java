package org.signalbox.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox stix export-sightings}: sightings as JSON lines to a STIX 2.1 bundle. */
@Command(
    name = "export-sightings",
    mixinStandardHelpOptions = true,
    description = {
      "Converts sightings (JSON lines, as 'signalbox match' writes them) into one STIX 2.1 bundle"
          + " of sighting objects, with the member identities (the audience's pseudonyms, or the"
          + " names of members that opted in, as the gateway serves them) and the TLP 2.0"
          + " marking definitions they reference. 'signalbox sightings export --stix' does the"
          + " same and can also read the sightings topic.",
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

  @CommandLine.Mixin StixAudienceOptions audience = new StixAudienceOptions();

  @Override
  public Integer call() {
    return exportJsonLines(spec, audience, in, out);
  }

  /** JSON lines from {@code in} to a bundle at {@code out}; both accept {@code "-"}. */
  static int exportJsonLines(
      CommandLine.Model.CommandSpec spec, StixAudienceOptions audience, String in, String out) {
    PrintWriter err = spec.commandLine().getErr();
    StixSightingExport export;
    try {
      export = new StixSightingExport(err, audience.writer(err));
    } catch (IOException | IllegalArgumentException e) {
      err.println("ERROR: " + e.getMessage());
      err.flush();
      return 2;
    }
    try {
      export.readJsonLines(in);
    } catch (IOException e) {
      err.println("ERROR reading " + (in.equals("-") ? "stdin" : in) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    return export.finish(out, spec.commandLine().getOut(), "lines");
  }
}
