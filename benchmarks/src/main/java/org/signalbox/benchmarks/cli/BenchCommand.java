package org.signalbox.benchmarks.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.signalbox.benchmarks.e2e.E2eHarness;
import org.signalbox.benchmarks.e2e.E2eSettings;
import org.signalbox.benchmarks.memory.HashMapFootprint;
import org.signalbox.benchmarks.micro.PatternIndexBenchmark;
import org.signalbox.benchmarks.report.BenchReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox bench}: runs a benchmark suite, prints a table, writes JSON and RESULTS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the JMH micro-benchmarks, the STIX pattern benchmark and the end-to-end harness (pass-through ceiling, correlate,"
          + " Kafka Streams join, Flink SQL join, correlate latency at a fixed rate) on a local"
          + " broker, prints a table and writes"
          + " benchmarks/results/<date>.json and benchmarks/RESULTS.md."
    })
public final class BenchCommand implements Callable<Integer> {

  enum Suite {
    quick,
    full
  }

  @Option(
      names = "--suite",
      defaultValue = "quick",
      description =
          "quick (a few minutes on 2 cores) or full (much longer). Default: ${DEFAULT-VALUE}")
  Suite suite;

  @Option(names = "--events", description = "Telemetry events to pre-load (overrides the suite).")
  Long events;

  @Option(
      names = "--indicators",
      description = "Exact indicators to pre-load (overrides the suite).")
  Integer indicators;

  @Option(
      names = "--hit-percent",
      defaultValue = "5",
      description = "Share of events carrying a planted indicator value. Default: ${DEFAULT-VALUE}")
  int hitPercent;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description =
          "Flink parallelism, Kafka Streams threads and partitions. Default: ${DEFAULT-VALUE}")
  int parallelism;

  @Option(
      names = "--systems",
      split = ",",
      description =
          "End-to-end systems to run, in order. Default: passthrough,correlate,kafka-streams,flink-sql")
  List<String> systems = E2eSettings.ALL_SYSTEMS;

  @Option(names = "--skip-micro", description = "Do not run the JMH micro-benchmarks.")
  boolean skipMicro;

  @Option(
      names = "--skip-patterns",
      description = "Do not run the STIX pattern benchmark (brute force vs PatternIndex).")
  boolean skipPatterns;

  @Option(
      names = "--pattern-counts",
      split = ",",
      description =
          "Pattern counts of the STIX pattern benchmark (default: 100,1000,10000,100000 quick;"
              + " and 1000000 full).")
  int[] patternCounts;

  @Option(names = "--skip-e2e", description = "Do not run the end-to-end harness.")
  boolean skipE2e;

  @Option(
      names = "--skip-latency",
      description = "Do not run the latency run (unbounded correlate at a fixed rate).")
  boolean skipLatency;

  @Option(
      names = "--latency-seconds",
      description =
          "Measured seconds of the latency run, after its warm-up (default: 30 quick, 120 full).")
  Integer latencySeconds;

  @Option(
      names = "--latency-warmup-seconds",
      defaultValue = "10",
      description = "Seconds of the latency run excluded as warm-up. Default: ${DEFAULT-VALUE}")
  int latencyWarmupSeconds;

  @Option(
      names = "--latency-rate",
      description =
          "Events per second offered in the latency run (default: half of correlate's measured"
              + " throughput).")
  Double latencyRate;

  @Option(
      names = "--latency-flink-option",
      description =
          "KEY=VALUE Flink option for the latency run's job only, e.g."
              + " execution.buffer-timeout=10ms (repeatable; experiments, not the suite).")
  Map<String, String> latencyFlinkOptions = new LinkedHashMap<>();

  @Option(
      names = "--footprint-indicators",
      description =
          "Entries of the HashMap stand-in whose heap per indicator is measured (default: 1M;"
              + " 0 skips).")
  Integer footprintIndicators;

  @Option(
      names = "--output-dir",
      description =
          "Where RESULTS.md and results/ go. Default: the benchmarks folder of the checkout"
              + " (system property signalbox.bench.home), else the current directory.")
  Path outputDir;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path dir =
        outputDir != null ? outputDir : Path.of(System.getProperty("signalbox.bench.home", "."));
    long n = events != null ? events : suite == Suite.quick ? 200_000 : 2_000_000;
    int m = indicators != null ? indicators : suite == Suite.quick ? 10_000 : 1_000_000;

    Collection<RunResult> micro = List.of();
    if (!skipMicro) {
      out.println("Micro-benchmarks (JMH) ...");
      micro = new Runner(jmhOptions().build()).run();
    }
    List<PatternIndexBenchmark.Row> patterns = List.of();
    if (!skipPatterns) {
      int[] counts =
          patternCounts != null
              ? patternCounts
              : suite == Suite.quick
                  ? new int[] {100, 1_000, 10_000, 100_000}
                  : new int[] {100, 1_000, 10_000, 100_000, 1_000_000};
      Duration warmup = Duration.ofSeconds(suite == Suite.quick ? 1 : 2);
      Duration measure = Duration.ofSeconds(suite == Suite.quick ? 2 : 5);
      out.printf(
          "STIX patterns, brute force vs PatternIndex (%s s warm-up, %s s measured each) ...%n",
          warmup.toSeconds(), measure.toSeconds());
      patterns = PatternIndexBenchmark.run(counts, warmup, measure, out);
    }
    E2eHarness.Outcome e2e = null;
    if (!skipE2e) {
      out.printf(
          "End to end: %,d events, %,d exact indicators, %d%% hits, parallelism %d%n",
          n, m, hitPercent, parallelism);
      E2eSettings settings =
          new E2eSettings(n, m, hitPercent, parallelism, parallelism, 42L, systems);
      E2eHarness harness = new E2eHarness(settings, out);
      if (!skipLatency) {
        int measure = latencySeconds != null ? latencySeconds : suite == Suite.quick ? 30 : 120;
        harness.withLatency(
            Duration.ofSeconds(latencyWarmupSeconds),
            Duration.ofSeconds(measure),
            latencyRate,
            latencyFlinkOptions);
      }
      e2e = harness.run();
    }
    BenchReport report = new BenchReport(suite.name(), micro, e2e).withPatternIndex(patterns);
    int fp = footprintIndicators != null ? footprintIndicators : 1_000_000;
    if (fp > 0) {
      out.printf("Heap per indicator of the HashMap stand-in (%,d entries) ...%n", fp);
      report.withHashMapFootprint(fp, HashMapFootprint.bytesPerIndicator(fp));
    }
    out.println();
    out.println(report.table());
    Path json = report.writeJson(dir.resolve("results"));
    Path md = report.writeMarkdown(dir.resolve("RESULTS.md"));
    out.printf("Wrote %s and %s%n", json, md);
    return 0;
  }

  private ChainedOptionsBuilder jmhOptions() {
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include("org\\.signalbox\\.benchmarks\\.micro\\..*")
            .shouldFailOnError(true);
    List<String> jvmArgs = new ArrayList<>();
    if (suite == Suite.quick) {
      jvmArgs.add("-Xmx2g");
      o.forks(1)
          .warmupIterations(2)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(3)
          .measurementTime(TimeValue.seconds(1));
    } else {
      jvmArgs.add("-Xmx6g");
      o.forks(2)
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2))
          .param("indicators", "1000", "1000000", "10000000");
    }
    return o.jvmArgsAppend(jvmArgs.toArray(String[]::new));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }
}
