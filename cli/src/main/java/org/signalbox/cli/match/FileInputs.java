package org.signalbox.cli.match;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.signalbox.edge.EdgePipeline;
import org.signalbox.edge.LineReader;
import org.signalbox.importers.stix.StixBundleReader;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.json.IndicatorJson;
import org.signalbox.json.JsonLineException;
import org.signalbox.json.TelemetryJson;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.support.AvroCodec;

/**
 * Reads the files of a bounded run into the same raw records the Kafka sources produce (file name
 * as topic, line number as offset), so the bounded run exercises exactly the streaming pipeline.
 * Lines that are not even JSON are reported here with their line number and counted.
 */
final class FileInputs {
  private final PrintStream errors;
  int badLines;

  FileInputs(PrintStream errors) {
    this.errors = errors;
  }

  /** A STIX 2.1 bundle (a JSON object with "type": "bundle") or indicator JSON lines. */
  List<RawRecord> indicators(Path file) throws IOException {
    AvroCodec<Indicator> codec = AvroCodec.indicator();
    List<RawRecord> out = new ArrayList<>();
    String name = file.getFileName().toString();
    if (isStixBundle(file)) {
      StixBundleReader.Result result = new StixBundleReader().read(file);
      for (StixBundleReader.Rejection r : result.rejected()) {
        errors.println(name + ": " + r.place() + ": " + r.reason());
        badLines++;
      }
      // The offset of a bundle's indicator is the line its object starts on, as for JSON lines,
      // so a dead letter points into the file (in a one-line bundle, all share line 1).
      for (int i = 0; i < result.indicators().size(); i++) {
        Indicator ind = result.indicators().get(i);
        out.add(record(name, result.lines().get(i), ind.getId(), codec.encode(ind)));
      }
      return out;
    }
    readLines(
        file,
        (lineNo, line) -> {
          Indicator ind = IndicatorJson.parse(name, lineNo, line);
          out.add(record(name, lineNo, ind.getId(), codec.encode(ind)));
        });
    return out;
  }

  /** Telemetry JSON lines (see TelemetryJson). */
  List<RawRecord> telemetry(Path file) throws IOException {
    AvroCodec<org.signalbox.schema.TelemetryEvent> codec = AvroCodec.telemetry();
    List<RawRecord> out = new ArrayList<>();
    String name = file.getFileName().toString();
    readLines(
        file,
        (lineNo, line) ->
            out.add(
                record(name, lineNo, null, codec.encode(TelemetryJson.parse(name, lineNo, line)))));
    return out;
  }

  private interface LineHandler {
    void accept(long lineNo, String line) throws JsonLineException;
  }

  /**
   * Longest line read; longer ones are skipped to their end and reported, never buffered whole.
   * Four times the edge's line limit, so any record the edge writes (and the broker accepts) fits.
   */
  static final int MAX_LINE_BYTES = 4 * EdgePipeline.DEFAULT_MAX_LINE_BYTES;

  private void readLines(Path file, LineHandler handler) throws IOException {
    String name = file.getFileName().toString();
    // LineReader, not a BufferedReader: one line of invalid UTF-8 (or NUL bytes, or a line of a
    // gigabyte) is a reported line, not an exception that ends the run.
    try (InputStream in = Files.newInputStream(file)) {
      LineReader lines = new LineReader(in, MAX_LINE_BYTES);
      LineReader.Line l;
      while ((l = lines.next()) != null) {
        if (l.problem() != null) {
          errors.println(name + ":" + l.number() + ": " + l.problem());
          badLines++;
          continue;
        }
        String line = l.text();
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        try {
          handler.accept(l.number(), line);
        } catch (JsonLineException e) {
          errors.println(e.getMessage());
          badLines++;
        }
      }
    }
  }

  static boolean isStixBundle(Path file) throws IOException {
    // Bytes, not a decoder: invalid UTF-8 at the start of a telemetry file must not end the run.
    try (InputStream in = Files.newInputStream(file)) {
      int b;
      do {
        b = in.read();
      } while (b == ' ' || b == '\t' || b == '\r' || b == '\n');
      if (b != '{') {
        return false;
      }
    }
    // A JSON-lines file also starts with '{': only a whole-file object with type bundle is STIX.
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      return root != null && "bundle".equals(root.path("type").asText());
    } catch (IOException notOneDocument) {
      return false;
    }
  }

  private static RawRecord record(String topic, long lineNo, String key, byte[] value) {
    return new RawRecord(
        topic, 0, lineNo, 0L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }
}
