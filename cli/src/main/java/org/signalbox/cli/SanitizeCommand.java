package org.signalbox.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.signalbox.edge.EdgePipeline;
import org.signalbox.edge.FollowingInputStream;
import org.signalbox.edge.LogFormat;
import org.signalbox.edge.ResumePoint;
import org.signalbox.edge.TelemetryKafkaWriter;
import org.signalbox.edge.sanitize.EdgeCounters;
import org.signalbox.edge.sanitize.EdgeKeys;
import org.signalbox.edge.sanitize.SanitizationPolicy;
import org.signalbox.edge.sanitize.Sanitizer;
import org.signalbox.json.TelemetryJson;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

@Command(
    name = "sanitize",
    mixinStandardHelpOptions = true,
    description = {
      "The member edge: parses Zeek, Suricata, syslog or CEF logs, sanitizes every record by the"
          + " member's policy and writes TelemetryEvents as JSON lines (the input of 'signalbox"
          + " match --telemetry') or to Kafka (Avro single-object encoding, keyed by eventId).",
      "Plain and gzip input are detected. Bad lines are reported on standard error with file and"
          + " line number and counted; a summary follows at the end."
    })
final class SanitizeCommand implements Callable<Integer> {
  @Option(
      names = "--format",
      required = true,
      converter = FormatConverter.class,
      description = "zeek, zeek-json, suricata, syslog or cef.")
  LogFormat format;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "Sanitization policy (YAML, see edge/EDGE.md). Default: RFC 1918,"
              + " loopback, link-local and IPv6 unique-local ranges are internal.")
  Path policyFile;

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description =
          "Key file (created with fresh keys if absent). Default: the policy's keyFile,"
              + " else ~/.signalbox/edge-keys-<member>.yaml.")
  Path keyFile;

  @Option(names = "--member", required = true, description = "Member identifier.")
  String member;

  @Option(
      names = "--sector",
      required = true,
      description = "Member's sector: ${COMPLETION-CANDIDATES}.")
  Sector sector;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      arity = "1..*",
      description = "Input files, read in order by one edge (default: standard input).")
  List<Path> in;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "JSON lines output file (default: standard output).")
  Path out;

  @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Kafka bootstrap servers.")
  String kafka;

  @picocli.CommandLine.Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(
      names = "--topic",
      description =
          "Kafka topic (default: telemetry.<member>). The correlate job refuses events on another"
              + " member's telemetry topic (dead letter forged-member).")
  String topic;

  @Option(
      names = "--follow",
      description = "Keep reading the (single) input file as it grows, like tail -F.")
  boolean follow;

  @Option(
      names = "--max-line-bytes",
      defaultValue = "1048576",
      description = "Longer lines are reported and skipped (default: ${DEFAULT-VALUE}).")
  int maxLineBytes;

  @Option(
      names = "--broker-wait",
      defaultValue = "PT10M",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "With --kafka: how long to wait for a broker that is down or does not take records"
              + " (default: 10m). Meanwhile events wait in a bounded buffer (32 MB) and, once it"
              + " is full, reading stops; nothing is lost or sent twice. After that the edge gives"
              + " up and writes a --resume-file.")
  Duration brokerWait;

  @Option(
      names = "--resume-file",
      paramLabel = "FILE",
      description =
          "With --kafka: where to write the resume point if the edge gives up on the broker"
              + " (default: sanitize-resume-<member>.json in the current directory).")
  Path resumeFile;

  @Option(
      names = "--resume",
      paramLabel = "FILE",
      description =
          "Continue a run that gave up on the broker, from the resume file it wrote: run with the"
              + " same --in files (and policy and keys); events it delivered are not sent again.")
  Path resumeFrom;

  @Override
  public Integer call() throws Exception {
    if (maxLineBytes < 1) {
      System.err.println(
          "error: --max-line-bytes must be a positive number of bytes (got " + maxLineBytes + ")");
      return 2;
    }
    if (out != null && kafka != null) {
      System.err.println("error: give --out or --kafka, not both");
      return 2;
    }
    if (follow && (in == null || in.size() != 1)) {
      System.err.println("error: --follow needs exactly one --in file");
      return 2;
    }
    if (!member.matches("[A-Za-z0-9._-]{1,64}")) {
      System.err.println("error: --member must be 1-64 letters, digits, '.', '_' or '-'");
      return 2;
    }
    SanitizationPolicy policy;
    EdgeKeys keys;
    try {
      policy =
          policyFile == null
              ? SanitizationPolicy.defaultPolicy()
              : SanitizationPolicy.load(policyFile);
      Path kf = keyFile;
      if (kf == null && policyFile != null && policy.keyFile != null) {
        Path parent = policyFile.toAbsolutePath().getParent();
        kf = parent == null ? Path.of(policy.keyFile) : parent.resolve(policy.keyFile);
      }
      if (kf == null) {
        kf =
            Path.of(System.getProperty("user.home"), ".signalbox", "edge-keys-" + member + ".yaml");
      }
      boolean existed = Files.exists(kf);
      keys = EdgeKeys.loadOrCreate(kf);
      System.err.println((existed ? "keys: " : "keys: generated new keys in ") + kf);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    EdgeCounters counters = new EdgeCounters();
    Sanitizer sanitizer = new Sanitizer(policy, keys, member, sector, counters);
    EdgePipeline pipeline =
        new EdgePipeline(format, sanitizer, System.err, System::currentTimeMillis)
            .maxLineBytes(maxLineBytes);
    if (kafka != null) {
      String t =
          topic == null ? org.signalbox.topics.SignalboxTopics.telemetryTopic(member) : topic;
      org.signalbox.kafka.KafkaClientConfig client;
      try {
        client = kafkaConfig.client(kafka);
      } catch (IllegalArgumentException e) {
        System.err.println("error: " + e.getMessage());
        return 2;
      }
      if (brokerWait.isNegative() || brokerWait.isZero()) {
        System.err.println("error: --broker-wait must be positive, e.g. 10m");
        return 2;
      }
      List<String> inputNames =
          in == null ? List.of("-") : in.stream().map(f -> f.toAbsolutePath().toString()).toList();
      ResumePoint resumePoint = null;
      if (resumeFrom != null) {
        try {
          resumePoint = ResumePoint.read(resumeFrom);
        } catch (IllegalArgumentException e) {
          System.err.println("error: " + e.getMessage());
          return 2;
        }
        if (!resumePoint.inputs().equals(inputNames)) {
          System.err.println(
              "error: --resume "
                  + resumeFrom
                  + " continues a run over "
                  + resumePoint.inputs()
                  + "; give the same --in files in the same order (this run has "
                  + inputNames
                  + ")");
          return 2;
        }
      }
      Path resumeOut =
          resumeFile != null ? resumeFile : Path.of("sanitize-resume-" + member + ".json");
      try (TelemetryKafkaWriter writer = new TelemetryKafkaWriter(client, t, brokerWait)) {
        try {
          writer.requireTopic(java.time.Duration.ofSeconds(30));
        } catch (IllegalStateException e) {
          System.err.println("error: " + e.getMessage());
          return 1;
        }
        writer.inputs(inputNames);
        if (resumePoint != null) {
          writer.resumeFrom(resumePoint);
          System.err.printf(
              "resuming at %s line %d (%d later events were delivered before and are skipped)%n",
              resumePoint.inputs().get(resumePoint.input()),
              resumePoint.line(),
              resumePoint.delivered().size());
        }
        runAll(pipeline, counters, writer, writer::startInput);
        writer.flush();
        if (resumePoint != null) {
          System.err.printf(
              "resumed: %d events delivered by the earlier run were not sent again%n",
              writer.skipped());
        }
        if (writer.gaveUp()) {
          ResumePoint point = writer.resumePoint();
          point.write(resumeOut);
          System.err.println(
              "error: the broker did not take "
                  + (writer.failures() + writer.notSent())
                  + " events within --broker-wait "
                  + brokerWait.toString().substring(2).toLowerCase()
                  + " ("
                  + writer.firstFailure()
                  + ").");
          System.err.println(
              "Nothing before "
                  + point.inputs().get(point.input())
                  + " line "
                  + point.line()
                  + " is missing, and the later events the broker acknowledged are listed so that"
                  + " they are not sent again. When the broker is back, run the same command with"
                  + " --resume "
                  + resumeOut
                  + " to send the rest. (A batch that timed out while the broker was failing may"
                  + " have landed even so: it would arrive twice, with the same event ids.)");
          System.err.print(counters.summary());
          return 1;
        }
        if (writer.failures() > 0) {
          System.err.println(
              "error: "
                  + writer.failures()
                  + " events were not accepted by Kafka: "
                  + writer.firstFailure());
          if (String.valueOf(writer.firstFailure()).contains("not present in metadata")) {
            System.err.println(
                "hint: topic "
                    + t
                    + " does not exist (any more); the ISAC creates member topics with: "
                    + org.signalbox.topics.RequiredTopics.CREATE_COMMAND);
          }
          System.err.print(counters.summary());
          return 1;
        }
      }
    } else {
      OutputStream os = out == null ? System.out : Files.newOutputStream(out);
      try (Writer w =
          new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
        runAll(
            pipeline,
            counters,
            e -> {
              try {
                w.write(TelemetryJson.write(e));
                w.write('\n');
                if (follow) {
                  w.flush();
                }
              } catch (IOException x) {
                throw new java.io.UncheckedIOException(x);
              }
            });
      }
    }
    System.err.print(counters.summary());
    return 0;
  }

  private void runAll(EdgePipeline pipeline, EdgeCounters counters, Consumer<TelemetryEvent> sink)
      throws IOException {
    runAll(pipeline, counters, sink, index -> {});
  }

  /** Runs every input in order, telling {@code onInput} the index of each before it starts. */
  private void runAll(
      EdgePipeline pipeline,
      EdgeCounters counters,
      Consumer<TelemetryEvent> sink,
      java.util.function.IntConsumer onInput)
      throws IOException {
    if (in == null) {
      onInput.accept(0);
      pipeline.run(System.in, "stdin", sink);
      return;
    }
    for (int index = 0; index < in.size(); index++) {
      Path p = in.get(index);
      onInput.accept(index);
      String name = p.getFileName().toString();
      if (follow) {
        try (InputStream s = new FollowingInputStream(p, 500)) {
          pipeline.run(s, name, sink);
        }
        continue;
      }
      long size = Files.size(p);
      Progress progress = new Progress(name, size, counters, System.err);
      try (InputStream s = progress.wrap(Files.newInputStream(p))) {
        pipeline.onLine(progress::tick).run(s, name, sink);
      }
      progress.done();
    }
  }

  /** Progress on standard error for finite files, at most every two seconds. */
  static final class Progress {
    private final String name;
    private final long size;
    private final EdgeCounters counters;
    private final PrintStream err;
    private long bytes;
    private long lastPrint = System.nanoTime();
    private int ticks;

    Progress(String name, long size, EdgeCounters counters, PrintStream err) {
      this.name = name;
      this.size = size;
      this.counters = counters;
      this.err = err;
    }

    InputStream wrap(InputStream s) {
      return new java.io.FilterInputStream(s) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            bytes++;
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          int n = super.read(buf, off, len);
          if (n > 0) {
            bytes += n;
          }
          return n;
        }
      };
    }

    void tick() {
      if ((++ticks & 1023) != 0) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastPrint > 2_000_000_000L) {
        lastPrint = now;
        err.printf(
            "%s: %d%% read, %d lines, %d events, %d rejected%n",
            name,
            size == 0 ? 100 : bytes * 100 / size,
            counters.linesRead,
            counters.eventsOut,
            counters.linesRejected);
      }
    }

    void done() {
      err.printf(
          "%s: done, %d lines, %d events, %d rejected%n",
          name, counters.linesRead, counters.eventsOut, counters.linesRejected);
    }
  }

  static final class FormatConverter implements ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return LogFormat.parse(value);
    }
  }
}
