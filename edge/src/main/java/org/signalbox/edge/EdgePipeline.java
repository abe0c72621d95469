package org.signalbox.edge;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import org.signalbox.edge.parse.CefParser;
import org.signalbox.edge.parse.EveArrayReader;
import org.signalbox.edge.parse.LineParser;
import org.signalbox.edge.parse.MalformedRecordException;
import org.signalbox.edge.parse.ParsedRecord;
import org.signalbox.edge.parse.SuricataEveParser;
import org.signalbox.edge.parse.SyslogParser;
import org.signalbox.edge.parse.ZeekJsonParser;
import org.signalbox.edge.parse.ZeekTsvParser;
import org.signalbox.edge.sanitize.EdgeCounters;
import org.signalbox.edge.sanitize.Sanitizer;
import org.signalbox.schema.TelemetryEvent;

/**
 * Reads one input (plain or gzip, detected from its first bytes), parses it in the given format,
 * sanitizes every record and hands the events on. Bad lines are reported with the file name and
 * line number, counted, and skipped; the input always runs to its end.
 */
public final class EdgePipeline {
  /** Default longest line: beyond this a line is skipped and reported, never buffered whole. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

  /** At most this many rejects are printed one by one; all of them are counted. */
  static final int MAX_PRINTED_REJECTS = 100;

  private final LogFormat format;
  private final Sanitizer sanitizer;
  private final EdgeCounters counters;
  private final PrintStream report;
  private final LongSupplier clock;
  private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
  private long printed;
  private Runnable onLine = () -> {};

  /**
   * @param report where rejects are reported (standard error on the command line)
   */
  public EdgePipeline(
      LogFormat format, Sanitizer sanitizer, PrintStream report, LongSupplier clock) {
    this.format = format;
    this.sanitizer = sanitizer;
    this.counters = sanitizer.counters();
    this.report = report;
    this.clock = clock;
  }

  public EdgePipeline maxLineBytes(int bytes) {
    this.maxLineBytes = bytes;
    return this;
  }

  /** Called after every line, e.g. to print progress. */
  public EdgePipeline onLine(Runnable r) {
    this.onLine = r;
    return this;
  }

  public EdgeCounters counters() {
    return counters;
  }

  /**
   * Runs {@code input} to its end.
   *
   * @param origin the file name (no directory) for reports and provenance
   */
  public void run(InputStream input, String origin, Consumer<TelemetryEvent> out)
      throws IOException {
    BufferedInputStream in = new BufferedInputStream(input, 1 << 16);
    in.mark(4);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    InputStream body = in;
    if (b0 == 0x1f && b1 == 0x8b) {
      body = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    if (format == LogFormat.SURICATA && startsWithArray(body)) {
      runEveArray(body, origin, out);
      return;
    }
    LineParser parser = parserFor(origin);
    LineReader lines = new LineReader(body, maxLineBytes);
    LineReader.Line line;
    while ((line = lines.next()) != null) {
      counters.linesRead++;
      if (line.problem() != null) {
        reject(origin, line.number(), line.problem());
      } else {
        try {
          List<ParsedRecord> records = parser.parseLine(line.text(), line.number());
          for (ParsedRecord r : records) {
            counters.recordsParsed++;
            out.accept(sanitizer.sanitize(r));
          }
        } catch (MalformedRecordException e) {
          reject(origin, line.number(), e.getMessage());
        } catch (RuntimeException e) {
          // A parser bug must not end the stream or lose the other lines; it is a reject like any
          // other.
          reject(origin, line.number(), "internal error: " + e);
        }
      }
      onLine.run();
    }
  }

  private void runEveArray(InputStream body, String origin, Consumer<TelemetryEvent> out)
      throws IOException {
    SuricataEveParser parser = new SuricataEveParser(origin);
    try (EveArrayReader reader =
        new EveArrayReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      while (true) {
        EveArrayReader.Element el;
        try {
          el = reader.next();
        } catch (MalformedRecordException e) {
          counters.linesRead++;
          reject(origin, -1, e.getMessage());
          return;
        }
        if (el == null) {
          return;
        }
        counters.linesRead++;
        if (el.problem() != null) {
          // One bad element is one reject; the elements after it are still read.
          reject(origin, el.line(), el.problem());
          onLine.run();
          continue;
        }
        try {
          counters.recordsParsed++;
          ParsedRecord r = parser.parse(el.node(), el.line(), el.node().toString());
          out.accept(sanitizer.sanitize(r));
        } catch (MalformedRecordException e) {
          counters.recordsParsed--;
          reject(origin, el.line(), e.getMessage());
        }
        onLine.run();
      }
    }
  }

  private LineParser parserFor(String origin) {
    String path = pathFromFileName(origin);
    return switch (format) {
      case ZEEK -> new ZeekTsvParser(origin, path);
      case ZEEK_JSON -> new ZeekJsonParser(origin, path);
      case SURICATA -> new SuricataEveParser(origin);
      case SYSLOG -> new SyslogParser(origin, clock);
      case CEF -> new CefParser(origin, clock);
    };
  }

  /** "dns.log.gz", "dns.2024-04-12.log" and "dns.json" all name the Zeek path "dns". */
  static String pathFromFileName(String origin) {
    int dot = origin.indexOf('.');
    String p = dot > 0 ? origin.substring(0, dot) : origin;
    return p.isEmpty() || p.equals("stdin") ? null : p;
  }

  private static boolean startsWithArray(InputStream in) throws IOException {
    in.mark(1 << 12);
    try {
      for (int i = 0; i < 1 << 12; i++) {
        int c = in.read();
        if (c < 0) {
          return false;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xef || c == 0xbb
            || c == 0xbf) {
          continue;
        }
        return c == '[';
      }
      return false;
    } finally {
      in.reset();
    }
  }

  private void reject(String origin, long line, String reason) {
    counters.rejected(reason);
    if (printed < MAX_PRINTED_REJECTS) {
      report.println(origin + (line > 0 ? ":" + line : "") + ": rejected: " + reason);
    } else if (printed == MAX_PRINTED_REJECTS) {
      report.println("(further rejects are counted, not printed; see the summary)");
    }
    printed++;
  }
}
