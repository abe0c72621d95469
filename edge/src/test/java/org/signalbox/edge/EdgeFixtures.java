package org.signalbox.edge;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.signalbox.edge.sanitize.EdgeCounters;
import org.signalbox.edge.sanitize.EdgeKeys;
import org.signalbox.edge.sanitize.SanitizationPolicy;
import org.signalbox.edge.sanitize.Sanitizer;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;

/** Runs the edge in memory for tests. */
public final class EdgeFixtures {
  public static final long CLOCK = 1_790_000_000_000L; // 2026-09-21

  private EdgeFixtures() {}

  public static EdgeKeys fixedKeys() {
    EdgeKeys k = new EdgeKeys();
    k.cryptopan = "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202";
    k.pseudonym.current = "k1";
    k.pseudonym.keys.put("k1", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    return k;
  }

  public static SanitizationPolicy policy(String yaml) throws IOException {
    return SanitizationPolicy.read(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test-policy");
  }

  /** Result of one run: events, counters and what was reported. */
  public record Run(List<TelemetryEvent> events, EdgeCounters counters, String report) {}

  public static Run run(LogFormat format, SanitizationPolicy policy, InputStream in, String origin)
      throws IOException {
    EdgeCounters counters = new EdgeCounters();
    Sanitizer s = new Sanitizer(policy, fixedKeys(), "m-test", Sector.RAIL, counters);
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    List<TelemetryEvent> events = new ArrayList<>();
    try (PrintStream ps = new PrintStream(report, true, StandardCharsets.UTF_8)) {
      new EdgePipeline(format, s, ps, () -> CLOCK).run(in, origin, events::add);
    }
    return new Run(events, counters, report.toString(StandardCharsets.UTF_8));
  }

  public static Run run(LogFormat format, SanitizationPolicy policy, String text, String origin)
      throws IOException {
    return run(
        format, policy, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), origin);
  }

  /** Several files through one sanitizer, as one long-running edge sees them. */
  public static Run runFiles(LogFormat format, SanitizationPolicy policy, List<Path> files)
      throws IOException {
    EdgeCounters counters = new EdgeCounters();
    Sanitizer s = new Sanitizer(policy, fixedKeys(), "m-test", Sector.RAIL, counters);
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    List<TelemetryEvent> events = new ArrayList<>();
    try (PrintStream ps = new PrintStream(report, true, StandardCharsets.UTF_8)) {
      EdgePipeline p = new EdgePipeline(format, s, ps, () -> CLOCK);
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          p.run(in, f.getFileName().toString(), events::add);
        }
      }
    }
    return new Run(events, counters, report.toString(StandardCharsets.UTF_8));
  }

  public static Run runFile(LogFormat format, SanitizationPolicy policy, Path file)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return run(format, policy, in, file.getFileName().toString());
    }
  }
}
