package org.signalbox.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.signalbox.cli.match.BoundedMatch;
import org.signalbox.json.SightingJson;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.Sighting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "match",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the correlate pipeline once over files, in batch mode on an embedded Flink, and prints"
          + " the sightings as JSON lines.",
      "",
      "Indicators: a STIX 2.1 bundle (patterns such as [ipv4-addr:value = '198.51.100.7'],"
          + " [domain-name:value = 'evil.example'], [file:hashes.'SHA-256' = '...'], CIDR values)"
          + " or indicator JSON lines. Telemetry: JSON lines. Both formats are in the README.",
      "Records that cannot be used are reported on standard error with file and line, and"
          + " counted in the summary; they never stop the run."
    })
final class MatchCommand implements Callable<Integer> {

  @Option(
      names = "--indicators",
      required = true,
      paramLabel = "FILE",
      description = "STIX 2.1 bundle or indicator JSON lines.")
  Path indicators;

  @Option(
      names = "--telemetry",
      required = true,
      paramLabel = "FILE",
      description = "Telemetry JSON lines.")
  Path telemetry;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write sightings here instead of standard output.")
  Path out;

  @Option(
      names = "--parallelism",
      defaultValue = "1",
      description = "Parallelism of the embedded Flink (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Override
  public Integer call() throws Exception {
    for (Path p : new Path[] {indicators, telemetry}) {
      if (!Files.isReadable(p)) {
        System.err.println("error: cannot read " + p + " (check the path and permissions)");
        return 2;
      }
    }
    BoundedMatch.Counts result;
    try (PrintStream sink =
        out == null
            ? new PrintStream(System.out, false, StandardCharsets.UTF_8)
            : new PrintStream(Files.newOutputStream(out), false, StandardCharsets.UTF_8)) {
      PrintStream err = System.err;
      // Streamed as the job produces them: a large result is never held whole.
      result =
          BoundedMatch.run(
              indicators,
              telemetry,
              parallelism,
              err,
              new BoundedMatch.Listener() {
                @Override
                public void sighting(Sighting s) {
                  sink.println(SightingJson.write(s));
                }

                @Override
                public void deadLetter(DeadLetter d) {
                  err.println(
                      d.getOriginTopic()
                          + ":"
                          + d.getOffset()
                          + ": "
                          + d.getReason()
                          + ": "
                          + d.getError());
                }

                @Override
                public void audit(IndicatorAudit a) {
                  err.println(
                      a.getOriginTopic()
                          + ":"
                          + a.getOffset()
                          + ": audit: "
                          + a.getActor()
                          + " "
                          + a.getAction()
                          + " "
                          + a.getIndicatorId()
                          + " (original source "
                          + a.getOriginalSource()
                          + ")");
                }
              });
      sink.flush();
    }
    System.err.printf(
        "%d indicators, %d events read; %d sightings; %d dead letters; %d audited indicator"
            + " changes; %d unreadable lines%n",
        result.indicators(),
        result.events(),
        result.sightings(),
        result.deadLetters(),
        result.audits(),
        result.badLines());
    return 0;
  }
}
