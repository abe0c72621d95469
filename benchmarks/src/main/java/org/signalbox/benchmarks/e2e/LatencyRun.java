package org.signalbox.benchmarks.e2e;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.cli.demo.DemoData;
import org.signalbox.cli.demo.DemoMember;
import org.signalbox.jobs.common.KafkaSinkOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.SignalboxTopics;

/**
 * Latency at a fixed offered load, and the state the job checkpoints, from one unbounded correlate
 * run: the job is started on the pre-loaded indicators, telemetry is produced at a fixed rate to
 * topics of its own, and each sighting's latency is its Kafka record timestamp (stamped by the
 * sink's producer when it writes the sighting) minus its {@code telemetryIngestTime} (the Kafka
 * timestamp of the telemetry record, stamped by the generator's producer when it sent it). Both
 * clocks are this machine's. After the drain the harness waits for a checkpoint completed after the
 * last event and measures its directory.
 */
public final class LatencyRun {
  static final String TOPIC_PREFIX = "latency.telemetry.";

  /**
   * @param offeredPerSecond the fixed rate events were produced at
   * @param produced events produced, warm-up included
   * @param sightingsDue sightings the generator planted in them
   * @param sightingsReceived sightings read back
   * @param measured sightings counted in the percentiles (warm-up excluded)
   * @param p50Millis latency percentiles, nearest rank, in ms
   * @param checkpointBytes size of the newest completed checkpoint's files (-1 if none completed)
   * @param liveIndicators indicators the job holds (newest version live and not expired)
   */
  public record Result(
      double offeredPerSecond,
      long warmupSeconds,
      long measureSeconds,
      long produced,
      long sightingsDue,
      long sightingsReceived,
      long measured,
      long p50Millis,
      long p99Millis,
      long p999Millis,
      long maxMillis,
      long checkpointBytes,
      long liveIndicators,
      Map<String, Long> stateBytesByOperator) {

    public double checkpointBytesPerIndicator() {
      return checkpointBytes < 0 || liveIndicators == 0
          ? -1
          : (double) checkpointBytes / liveIndicators;
    }
  }

  private LatencyRun() {}

  static Result run(
      String bootstrap,
      DemoData data,
      E2eSettings settings,
      double rate,
      Duration warmup,
      Duration measure,
      Path work,
      Map<String, String> flinkOptions,
      PrintStream log)
      throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (DemoMember m : DemoData.MEMBERS) {
      topics.add(new NewTopic(TOPIC_PREFIX + m.id(), settings.partitions(), (short) 1));
    }
    String out = E2eHarness.outputTopic("correlate-latency");
    topics.add(new NewTopic(out, settings.partitions(), (short) 1));
    SignalboxTopics.ensure(bootstrap, topics, Duration.ofSeconds(60));

    Path checkpoints = work.resolve("latency-checkpoints");
    Configuration conf = new Configuration();
    conf.setString("parallelism.default", String.valueOf(settings.parallelism()));
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
    conf.set(CorrelateOptions.TELEMETRY_TOPICS, TOPIC_PREFIX.replace(".", "\\.") + ".*");
    // Each member's events go to its own topic here too, so the forged-member check runs (and
    // costs) what it does in production.
    conf.set(CorrelateOptions.MEMBER_TOPIC_PREFIX, TOPIC_PREFIX);
    conf.set(CorrelateOptions.SIGHTINGS_TOPIC, out);
    conf.set(CorrelateOptions.GROUP_ID, "bench-correlate-latency");
    conf.set(CorrelateOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(5));
    // At-least-once: this measures the matching path's latency, not the checkpoint interval an
    // exactly-once sink adds (its sightings become visible only at checkpoints; README).
    conf.set(CorrelateOptions.SINKS.deliveryGuarantee(), KafkaSinkOptions.AT_LEAST_ONCE);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    flinkOptions.forEach(conf::setString);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    CorrelateJob.reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, false);
    JobClient job = env.executeAsync("bench correlate latency");
    try {
      // Start-up (MiniCluster, index load) is not latency: give the job time to load the index.
      Thread.sleep(5_000);
      long dueBefore = data.expectedSightings();
      long[] window = new long[2];
      long produced =
          produce(
              bootstrap,
              data,
              settings.hitPercent(),
              rate,
              warmup.plus(measure),
              warmup,
              window,
              log);
      long due = data.expectedSightings() - dueBefore;

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (BenchTopics.endOffsetSum(bootstrap, out) < due && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      long drainedAt = System.currentTimeMillis();

      List<Long> latencies = new ArrayList<>();
      long[] received = new long[1];
      AvroCodec<Sighting> codec = AvroCodec.sighting();
      BenchTopics.readRecords(
          bootstrap,
          out,
          r -> {
            received[0]++;
            try {
              long ingest = codec.decode(r.value()).getTelemetryIngestTime().toEpochMilli();
              if (ingest >= window[0] && ingest < window[1]) {
                latencies.add(r.timestamp() - ingest);
              }
            } catch (IOException e) {
              throw new IllegalStateException("correlate wrote an undecodable sighting", e);
            }
          });
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();

      Optional<Path> chk = checkpointAfter(checkpoints, drainedAt, Duration.ofSeconds(30));
      long checkpointBytes = -1;
      Map<String, Long> byOperator = Map.of();
      if (chk.isPresent()) {
        Path shared = chk.get().getParent().resolve("shared");
        checkpointBytes = sizeOf(chk.get()) + (Files.isDirectory(shared) ? sizeOf(shared) : 0);
        byOperator = stateByOperator(chk.get());
      }
      return new Result(
          rate,
          warmup.toSeconds(),
          measure.toSeconds(),
          produced,
          due,
          received[0],
          sorted.length,
          percentile(sorted, 50),
          percentile(sorted, 99),
          percentile(sorted, 99.9),
          sorted.length == 0 ? -1 : sorted[sorted.length - 1],
          checkpointBytes,
          data.liveIndicatorCount(),
          byOperator);
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  /** Produces at a fixed rate; {@code window} receives the measured [start, end) in epoch ms. */
  private static long produce(
      String bootstrap,
      DemoData data,
      int hitPercent,
      double rate,
      Duration total,
      Duration warmup,
      long[] window,
      PrintStream log) {
    AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
    Properties p = KafkaClientConfig.plaintext(bootstrap).producer("bench-latency");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    long n = (long) (rate * total.toMillis() / 1000.0);
    double intervalNanos = 1e9 / rate;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      long startMillis = System.currentTimeMillis();
      window[0] = startMillis + warmup.toMillis();
      window[1] = startMillis + total.toMillis();
      long start = System.nanoTime();
      long behind = 0;
      for (long i = 0; i < n; i++) {
        long due = start + (long) (i * intervalNanos);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        } else if (wait < -10_000_000) {
          behind++;
        }
        TelemetryEvent e = data.nextEvent(hitPercent);
        producer.send(
            new ProducerRecord<>(
                TOPIC_PREFIX + e.getMember(),
                e.getEventId().getBytes(StandardCharsets.UTF_8),
                codec.encode(e)));
      }
      producer.flush();
      if (behind > n / 100) {
        log.printf(
            "    warning: the generator fell more than 10 ms behind its schedule for %,d of %,d"
                + " events; the offered rate was lower than intended%n",
            behind, n);
      }
      return n;
    }
  }

  /** Nearest-rank percentile of an ascending array; -1 when empty. */
  static long percentile(long[] sorted, double pct) {
    if (sorted.length == 0) {
      return -1;
    }
    // The epsilon keeps 99.9 % of 1,000 at rank 999: 0.999 * 1000 is 999.0000000000001 in doubles.
    int rank = (int) Math.ceil(pct / 100.0 * sorted.length - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * Waits for a checkpoint completed after {@code afterMillis} and returns the bytes of its files:
   * {@code chk-N} holds a full snapshot (correlate does not turn on incremental checkpoints), plus
   * {@code shared/} in case a deployment does.
   */
  private static Optional<Path> checkpointAfter(Path root, long afterMillis, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Path> chk = newestCompleted(root, afterMillis);
      if (chk.isPresent()) {
        return chk;
      }
      Thread.sleep(500);
    }
    return Optional.empty();
  }

  /**
   * State size per operator as the checkpoint's metadata records it, labelled by correlate's
   * operator uid where one matches (Flink derives an operator's id from its uid with murmur3_128),
   * else by the operator id.
   */
  static Map<String, Long> stateByOperator(Path chk) throws IOException {
    Map<OperatorID, String> names = new HashMap<>();
    for (String uid : CORRELATE_UIDS) {
      byte[] hash =
          Hashing.murmur3_128(0)
              .newHasher()
              .putString(uid, StandardCharsets.UTF_8)
              .hash()
              .asBytes();
      names.put(new OperatorID(hash), uid);
    }
    Map<String, Long> out = new TreeMap<>();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(chk.resolve("_metadata")))) {
      CheckpointMetadata meta =
          Checkpoints.loadCheckpointMetadata(
              in, LatencyRun.class.getClassLoader(), chk.toUri().toString());
      for (OperatorState op : meta.getOperatorStates()) {
        if (op.getStateSize() == 0) {
          continue;
        }
        String label =
            op.getOperatorUid()
                .filter(u -> !u.isEmpty())
                .orElse(names.getOrDefault(op.getOperatorID(), "operator " + op.getOperatorID()));
        out.merge(label, op.getStateSize(), Long::sum);
      }
    }
    return out;
  }

  /** The uids correlate gives its stateful operators (CorrelatePipeline, CorrelateKafka). */
  static final List<String> CORRELATE_UIDS =
      List.of(
          "telemetry-source",
          "indicators-source",
          "sightings-sink",
          "dead-letter-sink",
          "indicator-audit-sink",
          "decode-telemetry",
          "decode-indicators",
          "indicator-lifecycle",
          "observables",
          "exact-changes",
          "exact-index",
          "range-changes",
          "range-probes",
          "range-index",
          "pattern-changes",
          "pattern-index");

  private static Optional<Path> newestCompleted(Path root, long afterMillis) throws IOException {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.walk(root, 3)) {
      return s.filter(f -> f.getFileName().toString().equals("_metadata"))
          .filter(f -> f.toFile().lastModified() > afterMillis)
          .map(Path::getParent)
          .max(
              (a, b) ->
                  Long.compare(
                      Long.parseLong(a.getFileName().toString().substring(4)),
                      Long.parseLong(b.getFileName().toString().substring(4))));
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static String describe(Result r) {
    return String.format(
        "offered %,.0f events/s; p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms over %,d sightings"
            + " (%,d received, %,d due); checkpoint %,d bytes = %.0f bytes per live indicator"
            + " (%,d); by operator %s",
        r.offeredPerSecond(),
        r.p50Millis(),
        r.p99Millis(),
        r.p999Millis(),
        r.maxMillis(),
        r.measured(),
        r.sightingsReceived(),
        r.sightingsDue(),
        r.checkpointBytes(),
        r.checkpointBytesPerIndicator(),
        r.liveIndicators(),
        r.stateBytesByOperator());
  }
}
