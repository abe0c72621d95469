package org.signalbox.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.signalbox.benchmarks.e2e.E2eHarness;
import org.signalbox.benchmarks.e2e.E2eSettings;
import org.signalbox.benchmarks.e2e.SystemResult;
import org.signalbox.benchmarks.micro.PatternIndexBenchmark;

/** A suite's results as a console table, a JSON file and RESULTS.md. */
public final class BenchReport {
  private static final double MB = 1024.0 * 1024.0;

  private final String suite;
  private final ZonedDateTime date = ZonedDateTime.now(ZoneOffset.UTC);
  private final Map<String, Object> machine = new LinkedHashMap<>();
  private final List<Map<String, Object>> micro = new ArrayList<>();
  private final E2eHarness.Outcome e2e;

  public BenchReport(String suite, Collection<RunResult> microResults, E2eHarness.Outcome e2e) {
    this.suite = suite;
    this.e2e = e2e;
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      machine.put("physicalMemoryMiB", os.getTotalMemorySize() / (1024 * 1024));
    }
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put(
        "jvm",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    machine.put("flink", EnvironmentInformation.getVersion());
    machine.put("kafka", AppInfoParser.getVersion());
    machine.put("avro", org.apache.avro.Schema.class.getPackage().getImplementationVersion());
    for (RunResult r : microResults) {
      BenchmarkParams p = r.getParams();
      Result<?> primary = r.getPrimaryResult();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("benchmark", p.getBenchmark().replace("org.signalbox.benchmarks.micro.", ""));
      Map<String, String> params = new TreeMap<>();
      for (String k : p.getParamsKeys()) {
        params.put(k, p.getParam(k));
      }
      row.put("params", params);
      row.put("mode", p.getMode().shortLabel());
      row.put("score", primary.getScore());
      row.put("error", primary.getScoreError());
      row.put("unit", primary.getScoreUnit());
      row.put("forks", p.getForks());
      row.put("measurementIterations", p.getMeasurement().getCount());
      micro.add(row);
    }
  }

  public String table() {
    StringBuilder sb = new StringBuilder();
    if (!micro.isEmpty()) {
      sb.append(
          String.format(
              "%-52s %-22s %14s %12s%n", "micro-benchmark", "params", "score", "± 99.9%"));
      for (Map<String, Object> r : micro) {
        sb.append(
            String.format(
                "%-52s %-22s %14.1f %12.1f %s%n",
                r.get("benchmark"),
                r.get("params"),
                (double) r.get("score"),
                (double) r.get("error"),
                r.get("unit")));
      }
      sb.append('\n');
    }
    if (!patternIndex.isEmpty()) {
      sb.append(
          String.format(
              "%-10s %14s %14s %8s %10s %12s %s%n",
              "patterns",
              "brute ev/s",
              "index ev/s",
              "speed-up",
              "build ms",
              "heap B/pat",
              "agreement"));
      for (String line :
          patternIndexLines(
              "%,10d %,14.0f %,14.0f %7.1fx %,10d %,12.0f equal on %,d matches / %,d events%n")) {
        sb.append(line);
      }
      sb.append('\n');
    }
    if (e2e != null) {
      sb.append(
          String.format(
              "%-14s %10s %12s %12s %10s %12s %12s %10s %12s %12s%n",
              "system",
              "wall ms",
              "events/s",
              "ev/s/core",
              "CPU ms",
              "ev/CPU-s",
              "output",
              "exact",
              "peak heap",
              "peak RSS"));
      int cores = Runtime.getRuntime().availableProcessors();
      for (SystemResult r : e2e.results()) {
        sb.append(
            String.format(
                "%-14s %,10d %,12.0f %,12.0f %,10d %,12.0f %,12d %10s %,10.0f M %,10.0f M%n",
                r.system(),
                r.wallMillis(),
                r.eventsPerSecond(),
                r.eventsPerSecond() / cores,
                r.cpuMillis(),
                r.eventsPerCpuSecond(),
                r.outputRecords(),
                r.exactSightings() < 0 ? "-" : String.format("%,d", r.exactSightings()),
                r.peakHeapBytes() / MB,
                r.peakRssBytes() / MB));
      }
      for (Map.Entry<String, Double> ratio : ratios().entrySet()) {
        sb.append(String.format("%s: %.2f%n", ratio.getKey(), ratio.getValue()));
      }
      sb.append(agreement()).append('\n');
    }
    return sb.toString();
  }

  private int footprintEntries;
  private double footprintBytes = -1;

  /** Records the heap per indicator of the HashMap stand-in. */
  public BenchReport withHashMapFootprint(int entries, double bytesPerIndicator) {
    this.footprintEntries = entries;
    this.footprintBytes = bytesPerIndicator;
    return this;
  }

  private static final Map<String, String> LABELS =
      Map.of(
          "passthrough",
          "pass-through",
          "kafka-streams",
          "Kafka Streams",
          "flink-sql",
          "Flink SQL");

  private List<PatternIndexBenchmark.Row> patternIndex = List.of();

  /** Records the STIX pattern benchmark (brute force vs PatternIndex) rows. */
  public BenchReport withPatternIndex(List<PatternIndexBenchmark.Row> rows) {
    this.patternIndex = List.copyOf(rows);
    return this;
  }

  /** Brute force and PatternIndex side by side, one line per pattern count. */
  private List<String> patternIndexLines(String format) {
    List<String> lines = new ArrayList<>();
    Map<Integer, Map<String, PatternIndexBenchmark.Row>> byCount = new TreeMap<>();
    for (PatternIndexBenchmark.Row r : patternIndex) {
      byCount.computeIfAbsent(r.patterns(), k -> new LinkedHashMap<>()).put(r.strategy(), r);
    }
    byCount.forEach(
        (n, rows) -> {
          PatternIndexBenchmark.Row b = rows.get("brute-force");
          PatternIndexBenchmark.Row i = rows.get("pattern-index");
          if (b != null && i != null) {
            lines.add(
                String.format(
                    format,
                    n,
                    b.eventsPerSecond(),
                    i.eventsPerSecond(),
                    i.eventsPerSecond() / b.eventsPerSecond(),
                    i.buildMillis(),
                    i.heapBytesPerPattern(),
                    i.probeMatches(),
                    i.probeEvents()));
          }
        });
    return lines;
  }

  private Map<String, Double> ratios() {
    Map<String, Double> out = new LinkedHashMap<>();
    SystemResult c = find("correlate");
    SystemResult p = find("passthrough");
    SystemResult k = find("kafka-streams");
    if (c != null && p != null) {
      out.put("correlate / pass-through throughput", c.eventsPerSecond() / p.eventsPerSecond());
    }
    if (c != null && k != null) {
      out.put("correlate / Kafka Streams throughput", c.eventsPerSecond() / k.eventsPerSecond());
    }
    SystemResult f = find("flink-sql");
    if (c != null && f != null) {
      out.put("correlate / Flink SQL throughput", c.eventsPerSecond() / f.eventsPerSecond());
    }
    SystemResult u = find(E2eSettings.CORRELATE_UNFILTERED);
    if (c != null && u != null) {
      out.put(
          "correlate / correlate without prefilter throughput",
          c.eventsPerSecond() / u.eventsPerSecond());
      if (c.cpuMillis() > 0 && u.cpuMillis() > 0) {
        out.put(
            "correlate / correlate without prefilter events per CPU second",
            c.eventsPerCpuSecond() / u.eventsPerCpuSecond());
      }
    }
    // The same comparisons per CPU second of this JVM: steadier than wall time when other
    // processes share the cores (the broker's CPU is in neither).
    for (SystemResult o : new SystemResult[] {p, k, f}) {
      if (c != null && o != null && c.cpuMillis() > 0 && o.cpuMillis() > 0) {
        out.put(
            "correlate / " + LABELS.get(o.system()) + " events per CPU second",
            c.eventsPerCpuSecond() / o.eventsPerCpuSecond());
      }
    }
    return out;
  }

  private String agreement() {
    SystemResult c = find("correlate");
    if (c == null) {
      return "exact-match agreement: not checked (correlate not run)";
    }
    List<String> same = new ArrayList<>();
    List<String> differ = new ArrayList<>();
    for (String other : List.of("kafka-streams", "flink-sql")) {
      SystemResult o = find(other);
      if (o == null) {
        continue;
      }
      if (o.exactSightings() == c.exactSightings()) {
        same.add(other);
      } else {
        differ.add(String.format("%s %,d", other, o.exactSightings()));
      }
    }
    if (same.isEmpty() && differ.isEmpty()) {
      return "exact-match agreement: not checked (no baseline that matches was run)";
    }
    return differ.isEmpty()
        ? String.format(
            "exact-match agreement: yes (%,d exact sightings from correlate and %s)",
            c.exactSightings(), String.join(", ", same))
        : String.format(
            "exact-match agreement: NO (correlate %,d, %s%s); a KStream-KTable join that finds fewer"
                + " missed telemetry that reached it before its table had loaded (no bootstrap)",
            c.exactSightings(),
            String.join(", ", differ),
            same.isEmpty() ? "" : "; equal: " + String.join(", ", same));
  }

  private SystemResult find(String system) {
    if (e2e == null) {
      return null;
    }
    return e2e.results().stream().filter(r -> r.system().equals(system)).findFirst().orElse(null);
  }

  private Map<String, Object> asMap() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("suite", suite);
    root.put("date", date.toString());
    root.put("machine", machine);
    root.put("micro", micro);
    if (!patternIndex.isEmpty()) {
      root.put("patternIndex", patternIndex);
    }
    if (footprintBytes >= 0) {
      root.put(
          "hashMapFootprint",
          Map.of("entries", footprintEntries, "heapBytesPerIndicator", footprintBytes));
    }
    if (e2e != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("settings", e2e.settings());
      e.put("indicatorRecords", e2e.indicatorRecords());
      e.put("plantedSightingsDue", e2e.plantedSightingsDue());
      e.put("loadMillis", e2e.loadMillis());
      List<Map<String, Object>> systems = new ArrayList<>();
      for (SystemResult r : e2e.results()) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("system", r.system());
        s.put("wallMillis", r.wallMillis());
        s.put("events", r.events());
        s.put("eventsPerSecond", r.eventsPerSecond());
        s.put(
            "eventsPerSecondPerCore",
            r.eventsPerSecond() / Runtime.getRuntime().availableProcessors());
        s.put("outputRecords", r.outputRecords());
        s.put("exactSightings", r.exactSightings());
        s.put("allSightings", r.allSightings());
        s.put("peakHeapBytes", r.peakHeapBytes());
        s.put("peakRssBytes", r.peakRssBytes());
        s.put("cpuMillis", r.cpuMillis());
        s.put("eventsPerCpuSecond", r.eventsPerCpuSecond());
        systems.add(s);
      }
      e.put("systems", systems);
      e.put("ratios", ratios());
      e.put("exactMatchAgreement", agreement());
      e.put("latency", e2e.latency());
      root.put("endToEnd", e);
    }
    return root;
  }

  public Path writeJson(Path resultsDir) throws IOException {
    Files.createDirectories(resultsDir);
    Path file =
        resultsDir.resolve(
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").format(date)
                + "-"
                + suite
                + ".json");
    new ObjectMapper()
        .findAndRegisterModules()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), asMap());
    return file;
  }

  public Path writeMarkdown(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Benchmark results\n\n");
    sb.append("Written by `./signalbox bench --suite ")
        .append(suite)
        .append("` on ")
        .append(DateTimeFormatter.ISO_LOCAL_DATE.format(date))
        .append(" (UTC ")
        .append(DateTimeFormatter.ofPattern("HH:mm").format(date))
        .append("). ")
        .append(
            "Metric definitions: [README.md](README.md). One run; treat small differences as noise.\n\n");
    sb.append("## Machine and versions\n\n| | |\n|---|---|\n");
    machine.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    if (e2e != null) {
      var s = e2e.settings();
      sb.append("\n## End to end\n\n");
      sb.append(
          String.format(
              "%,d telemetry events, %,d exact indicators (%,d indicator records with the CIDR,"
                  + " domain-suffix, withdrawn and expired ones), %d%% of events carry a planted"
                  + " value, %d partitions per topic, parallelism %d. Pre-loading took %,d ms.%n%n",
              s.events(),
              s.indicators(),
              e2e.indicatorRecords(),
              s.hitPercent(),
              s.partitions(),
              s.parallelism(),
              e2e.loadMillis()));
      sb.append(
          "| system | wall ms | events/s | events/s per core | CPU ms | events per CPU-s | output records | exact sightings | peak heap MiB | peak RSS MiB |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      int cores = Runtime.getRuntime().availableProcessors();
      for (SystemResult r : e2e.results()) {
        sb.append(
            String.format(
                "| %s | %,d | %,.0f | %,.0f | %,d | %,.0f | %,d | %s | %,.0f | %,.0f |%n",
                r.system(),
                r.wallMillis(),
                r.eventsPerSecond(),
                r.eventsPerSecond() / cores,
                r.cpuMillis(),
                r.eventsPerCpuSecond(),
                r.outputRecords(),
                r.exactSightings() < 0 ? "-" : String.format("%,d", r.exactSightings()),
                r.peakHeapBytes() / MB,
                r.peakRssBytes() / MB));
      }
      sb.append('\n');
      for (Map.Entry<String, Double> ratio : ratios().entrySet()) {
        sb.append(String.format("- %s: **%.2f**%n", ratio.getKey(), ratio.getValue()));
      }
      sb.append("- ").append(agreement()).append('\n');
      sb.append(
          String.format(
              "- correlate sightings of all kinds (exact, CIDR, domain suffix): %,d; planted hits due: %,d%n",
              find("correlate") == null ? -1 : find("correlate").allSightings(),
              e2e.plantedSightingsDue()));
    }
    if (e2e != null && e2e.latency() != null) {
      var l = e2e.latency();
      sb.append("\n## Latency and state (correlate, unbounded, fixed offered load)\n\n");
      sb.append(
          String.format(
              "Offered %,.0f events/s (%s) for %d s of warm-up (excluded) and %d s measured;"
                  + " %,d events produced, %,d sightings due, %,d received, %,d in the"
                  + " percentiles.%n%n",
              l.offeredPerSecond(),
              "half of correlate's measured throughput unless --latency-rate was given",
              l.warmupSeconds(),
              l.measureSeconds(),
              l.produced(),
              l.sightingsDue(),
              l.sightingsReceived(),
              l.measured()));
      sb.append("| p50 ms | p99 ms | p99.9 ms | max ms |\n|---:|---:|---:|---:|\n");
      sb.append(
          String.format(
              "| %d | %d | %d | %d |%n%n",
              l.p50Millis(), l.p99Millis(), l.p999Millis(), l.maxMillis()));
      sb.append(
          String.format(
              "- checkpointed state (newest completed checkpoint after the drain, all operators,"
                  + " RocksDB full snapshot): %,d bytes for %,d live indicators = **%.0f bytes per"
                  + " indicator**%n",
              l.checkpointBytes(), l.liveIndicators(), l.checkpointBytesPerIndicator()));
      if (!l.stateBytesByOperator().isEmpty()) {
        sb.append(
            "\nState by operator in that checkpoint (as its metadata records it; operators"
                + " labelled by uid):\n\n| operator | bytes | bytes per live indicator |\n"
                + "|---|---:|---:|\n");
        l.stateBytesByOperator()
            .forEach(
                (op, bytes) ->
                    sb.append(
                        String.format(
                            "| %s | %,d | %.1f |%n",
                            op, bytes, (double) bytes / Math.max(1, l.liveIndicators()))));
        sb.append('\n');
      }
    }
    if (footprintBytes >= 0) {
      sb.append(
          String.format(
              "- heap of the HashMap<String,String> stand-in (key to indicator id), %,d entries:"
                  + " **%.0f bytes per indicator**%n",
              footprintEntries, footprintBytes));
    }
    if (!patternIndex.isEmpty()) {
      sb.append(
          "\n## STIX patterns: brute force vs PatternIndex\n\n"
              + "One thread; events/s over a fixed time after a warm-up; workload and method in"
              + " README.md. Build: putting the patterns and applying them to the Monitor. Heap:"
              + " what the index adds per pattern beyond the compiled matchers. Both strategies"
              + " gave the same matches on the probe events.\n\n"
              + "| patterns | brute force events/s | PatternIndex events/s | speed-up | build ms |"
              + " heap bytes per pattern | probe matches / events |\n"
              + "|---:|---:|---:|---:|---:|---:|---:|\n");
      for (String line :
          patternIndexLines("| %,d | %,.0f | %,.0f | %.1fx | %,d | %,.0f | %,d / %,d |%n")) {
        sb.append(line);
      }
    }
    if (!micro.isEmpty()) {
      sb.append(
          "\n## Micro-benchmarks (JMH)\n\n| benchmark | params | score | ± (99.9% CI) | unit |\n|---|---|---:|---:|---|\n");
      for (Map<String, Object> r : micro) {
        sb.append(
            String.format(
                "| %s | %s | %.1f | %.1f | %s |%n",
                r.get("benchmark"),
                r.get("params"),
                (double) r.get("score"),
                (double) r.get("error"),
                r.get("unit")));
      }
    }
    sb.append(
        "\n## Not measured yet\n\n"
            + "Crypto-PAn micro-benchmarks, Zipf popularity, the broker's"
            + " memory and indicators beyond 1M end to end are not in this harness yet (see"
            + " README.md).\n");
    Files.writeString(file, sb.toString());
    return file;
  }
}
