package org.signalbox.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.signalbox.cli.demo.DemoRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a local Kafka broker, runs the correlate job on an embedded Flink, streams generated"
          + " Zeek-like telemetry from four members in four sectors with planted indicator hits,"
          + " prints sightings as they happen and a summary at the end.",
      "Stops everything it started when --duration is over or on Ctrl-C."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--duration",
      defaultValue = "PT60S",
      converter = DurationConverter.class,
      description = "How long to stream telemetry, e.g. 60s, 5m (default: 60s).")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Telemetry events per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--indicators",
      defaultValue = "10000",
      description =
          "Exact-value indicators to generate (default: ${DEFAULT-VALUE}); 20 CIDR, 20 domain-suffix and 10 withdrawn ones come on top.")
  int indicators;

  @Option(
      names = "--hit-percent",
      defaultValue = "2",
      description =
          "Share of events that carry a planted indicator value (default: ${DEFAULT-VALUE}).")
  int hitPercent;

  @Option(
      names = "--seed",
      defaultValue = "20261123",
      description = "Random seed of the generator.")
  long seed;

  @Option(
      names = "--report-dir",
      defaultValue = "demo-report",
      paramLabel = "DIR",
      description =
          "Where the secretariat report of the run is written (default: ${DEFAULT-VALUE}).")
  java.nio.file.Path reportDir;

  @Option(
      names = "--secure",
      description =
          "Run the same pipeline on the secure broker of `signalbox broker --security sasl-ssl`"
              + " (SASL_SSL, SCRAM-SHA-512, ACLs, nothing for anyone without a login): each member,"
              + " the importer, the correlate and campaign jobs and the gateway log in as their own"
              + " principal. Slower to start (certificates, credentials, ACLs).")
  boolean secure;

  @Option(
      names = "--quiet",
      description = "Do not print each sighting, only progress and the summary.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || indicators < 1 || hitPercent < 0 || hitPercent > 100 || duration.isNegative()) {
      System.err.println("error: --rate and --indicators must be positive, --hit-percent 0..100");
      return 2;
    }
    DemoRun demo =
        new DemoRun(
            new DemoRun.Settings(
                duration, rate, indicators, hitPercent, seed, !quiet, reportDir, secure),
            System.out);
    Thread onCtrlC = new Thread(demo::interrupt, "signalbox-demo-stop");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    demo.run();
    try {
      Runtime.getRuntime().removeShutdownHook(onCtrlC);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is already running and waits for us.
    }
    return 0;
  }
}
