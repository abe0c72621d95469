package org.signalbox.benchmarks.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.signalbox.cli.demo.DemoData;
import org.signalbox.cli.demo.DemoMember;
import org.signalbox.jobs.common.KafkaSinkOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The end-to-end harness: one local broker, one pre-loaded data set, and each system run on it in
 * turn, in this JVM, from the first offset to the last. Every system reads the same topics; each
 * writes to its own output topic, which the harness then reads back to count.
 */
public final class E2eHarness {
  static final String TELEMETRY_PATTERN = "telemetry\\..*";

  private final E2eSettings settings;
  private final PrintStream log;

  private Duration latencyWarmup;
  private Duration latencyMeasure;
  private Double latencyRate;
  private Map<String, String> latencyFlinkOptions = Map.of();

  public E2eHarness(E2eSettings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Adds the latency run after the throughput runs.
   *
   * @param rate events per second to offer; null for half of correlate's measured throughput
   */
  public E2eHarness withLatency(Duration warmup, Duration measure, Double rate) {
    return withLatency(warmup, measure, rate, Map.of());
  }

  /** As above, with Flink options for the latency run's job only (experiments). */
  public E2eHarness withLatency(
      Duration warmup, Duration measure, Double rate, Map<String, String> flinkOptions) {
    this.latencyFlinkOptions = Map.copyOf(flinkOptions);
    this.latencyWarmup = warmup;
    this.latencyMeasure = measure;
    this.latencyRate = rate;
    return this;
  }

  /** What a whole run measured. */
  public record Outcome(
      E2eSettings settings,
      long indicatorRecords,
      long plantedSightingsDue,
      long loadMillis,
      List<SystemResult> results,
      LatencyRun.Result latency) {}

  public Outcome run() throws Exception {
    Path work = Files.createTempDirectory("signalbox-bench-");
    try (LocalKafkaBroker broker =
        LocalKafkaBroker.start(new LocalKafkaBroker.Options().heap("1g"))) {
      String bootstrap = broker.bootstrapServers();
      List<NewTopic> topics = new ArrayList<>(SignalboxTopics.core(settings.partitions()));
      for (DemoMember m : DemoData.MEMBERS) {
        topics.add(SignalboxTopics.telemetry(m.id(), settings.partitions()));
      }
      for (String s : settings.systems()) {
        topics.add(new NewTopic(outputTopic(s), settings.partitions(), (short) 1));
      }
      SignalboxTopics.ensure(bootstrap, topics, Duration.ofSeconds(60));

      Instant now = Instant.now();
      long loadStart = System.nanoTime();
      DemoData data = new DemoData(settings.seed(), settings.indicators(), now);
      long indicatorRecords = load(bootstrap, data);
      long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
      log.printf(
          "  loaded %,d indicator records and %,d telemetry events in %,d ms%n",
          indicatorRecords, settings.events(), loadMillis);

      List<SystemResult> results = new ArrayList<>();
      for (String system : settings.systems()) {
        log.printf("  running %s ...%n", system);
        SystemResult r =
            switch (system) {
              case "passthrough" -> passThrough(bootstrap);
              case "correlate" -> correlate(bootstrap, work, "correlate", true);
              case E2eSettings.CORRELATE_UNFILTERED ->
                  correlate(bootstrap, work, E2eSettings.CORRELATE_UNFILTERED, false);
              case E2eSettings.CORRELATE_NO_RETRO ->
                  correlate(bootstrap, work, E2eSettings.CORRELATE_NO_RETRO, true);
              case "kafka-streams" -> kafkaStreams(bootstrap, work, now);
              case "flink-sql" -> flinkSql(bootstrap, now);
              default -> throw new IllegalArgumentException(system);
            };
        log.printf(
            "    %,d ms, %,.0f events/s, %,d output records%n",
            r.wallMillis(), r.eventsPerSecond(), r.outputRecords());
        results.add(r);
      }
      long plantedDue = data.expectedSightings();
      LatencyRun.Result latency = null;
      if (latencyMeasure != null) {
        Double rate = latencyRate;
        if (rate == null) {
          rate =
              results.stream()
                  .filter(r -> r.system().equals("correlate"))
                  .map(r -> r.eventsPerSecond() / 2)
                  .findFirst()
                  .orElse(null);
        }
        if (rate == null) {
          log.println("  latency run skipped: no rate given and correlate's throughput not run");
        } else {
          log.printf("  latency run: correlate unbounded at %,.0f events/s ...%n", rate);
          latency =
              LatencyRun.run(
                  bootstrap,
                  data,
                  settings,
                  rate,
                  latencyWarmup,
                  latencyMeasure,
                  work,
                  latencyFlinkOptions,
                  log);
          log.println("    " + LatencyRun.describe(latency));
        }
      }
      return new Outcome(settings, indicatorRecords, plantedDue, loadMillis, results, latency);
    } finally {
      deleteQuietly(work);
    }
  }

  static String outputTopic(String system) {
    return "bench." + system + ".out";
  }

  private long load(String bootstrap, DemoData data) {
    AvroCodec<Indicator> indicatorCodec = AvroCodec.indicator();
    AvroCodec<TelemetryEvent> telemetryCodec = AvroCodec.telemetry();
    Properties p = KafkaClientConfig.plaintext(bootstrap).producer("bench-load");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (Indicator ind : data.indicators()) {
        producer.send(
            new ProducerRecord<>(
                SignalboxTopics.INDICATORS,
                ind.getId().getBytes(StandardCharsets.UTF_8),
                indicatorCodec.encode(ind)));
      }
      // Every indicator is written before the first event, so every system can see the whole
      // index before it matches (Kafka Streams picks records by timestamp across its inputs).
      producer.flush();
      for (long i = 0; i < settings.events(); i++) {
        TelemetryEvent e = data.nextEvent(settings.hitPercent());
        producer.send(
            new ProducerRecord<>(
                SignalboxTopics.telemetryTopic(e.getMember()),
                e.getEventId().getBytes(StandardCharsets.UTF_8),
                telemetryCodec.encode(e)));
      }
      producer.flush();
    }
    return data.indicators().size();
  }

  private SystemResult passThrough(String bootstrap) throws Exception {
    Configuration conf = flinkConf();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    PassThroughJob.attach(
        env, bootstrap, TELEMETRY_PATTERN, "bench-passthrough", outputTopic("passthrough"));
    long wall;
    ResourceSampler sampler = new ResourceSampler();
    try (sampler) {
      long start = System.nanoTime();
      env.execute("bench passthrough");
      wall = (System.nanoTime() - start) / 1_000_000;
    }
    long out = BenchTopics.readAll(bootstrap, outputTopic("passthrough"), v -> {});
    return new SystemResult(
        "passthrough",
        wall,
        settings.events(),
        out,
        -1,
        -1,
        sampler.peakHeapBytes(),
        sampler.peakRssBytes(),
        sampler.cpuMillis());
  }

  private SystemResult correlate(String bootstrap, Path work, String system, boolean prefilter)
      throws Exception {
    Configuration conf = flinkConf();
    conf.set(CorrelateOptions.EXACT_PREFILTER, prefilter);
    if (system.equals(E2eSettings.CORRELATE_NO_RETRO)) {
      conf.set(CorrelateOptions.RETRO_WINDOW, java.time.Duration.ZERO);
    }
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
    conf.set(CorrelateOptions.TELEMETRY_TOPICS, TELEMETRY_PATTERN);
    conf.set(CorrelateOptions.SIGHTINGS_TOPIC, outputTopic(system));
    conf.set(CorrelateOptions.GROUP_ID, "bench-" + system);
    // At-least-once, as the pass-through, Kafka Streams and Flink SQL systems it is compared with
    // write, and as the baselines in RESULTS.md were measured; exactly-once adds the wait for the
    // final checkpoint's commit (up to one interval) to a bounded run.
    conf.set(CorrelateOptions.SINKS.deliveryGuarantee(), KafkaSinkOptions.AT_LEAST_ONCE);
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    CorrelateJob.reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, true);
    long wall;
    ResourceSampler sampler = new ResourceSampler();
    try (sampler) {
      long start = System.nanoTime();
      env.execute("bench " + system);
      wall = (System.nanoTime() - start) / 1_000_000;
    }
    return withSightings(system, bootstrap, wall, sampler);
  }

  private SystemResult flinkSql(String bootstrap, Instant now) throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(flinkConf());
    FlinkSqlJoin.attach(
        env,
        bootstrap,
        TELEMETRY_PATTERN,
        SignalboxTopics.INDICATORS,
        "bench-flink-sql",
        outputTopic("flink-sql"),
        now.toEpochMilli(),
        true);
    long wall;
    ResourceSampler sampler = new ResourceSampler();
    try (sampler) {
      long start = System.nanoTime();
      env.execute("bench flink-sql");
      wall = (System.nanoTime() - start) / 1_000_000;
    }
    // Upsert semantics: a sighting counts if the last record under its key is not a tombstone.
    Map<String, byte[]> latest = new HashMap<>();
    long records =
        BenchTopics.readRecords(
            bootstrap,
            outputTopic("flink-sql"),
            (ConsumerRecord<byte[], byte[]> r) ->
                latest.put(new String(r.key(), StandardCharsets.UTF_8), r.value()));
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    long exact = 0;
    long live = 0;
    for (byte[] v : latest.values()) {
      if (v == null) {
        continue;
      }
      live++;
      if (codec.decode(v).getMatchKind() == MatchKind.EXACT) {
        exact++;
      }
    }
    return new SystemResult(
        "flink-sql",
        wall,
        settings.events(),
        records,
        exact,
        live,
        sampler.peakHeapBytes(),
        sampler.peakRssBytes(),
        sampler.cpuMillis());
  }

  private SystemResult kafkaStreams(String bootstrap, Path work, Instant now) throws Exception {
    KafkaStreamsJoin.Progress progress = new KafkaStreamsJoin.Progress();
    Properties p = KafkaClientConfig.plaintext(bootstrap).admin();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-kafka-streams");
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.parallelism());
    p.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("kafka-streams").toString());
    // Lets the join task wait briefly for the indicator side instead of racing ahead of it.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "2000");
    p.put("consumer.auto.offset.reset", "earliest");
    KafkaStreams streams =
        new KafkaStreams(
            KafkaStreamsJoin.topology(
                TELEMETRY_PATTERN,
                SignalboxTopics.INDICATORS,
                outputTopic("kafka-streams"),
                now,
                progress),
            p);
    AtomicLong failures = new AtomicLong();
    streams.setUncaughtExceptionHandler(
        e -> {
          failures.incrementAndGet();
          log.println("    kafka streams failed: " + e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    long wall;
    ResourceSampler sampler = new ResourceSampler();
    try (sampler) {
      long start = System.nanoTime();
      streams.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      // A streams application never finishes by itself: it is done when it has read every event
      // and every probe it split off has come back through the repartition topic to the join.
      while (progress.eventsRead.get() < settings.events()
          || progress.probesJoined.get() < progress.probesSent.get()) {
        if (failures.get() > 0 || System.nanoTime() > deadline) {
          streams.close(Duration.ofSeconds(30));
          throw new IllegalStateException(
              "kafka streams did not finish: read "
                  + progress.eventsRead.get()
                  + " of "
                  + settings.events()
                  + " events");
        }
        Thread.sleep(20);
      }
      streams.close(Duration.ofSeconds(60));
      wall = (System.nanoTime() - start) / 1_000_000;
    }
    streams.cleanUp();
    return withSightings("kafka-streams", bootstrap, wall, sampler);
  }

  private SystemResult withSightings(
      String system, String bootstrap, long wall, ResourceSampler sampler) {
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    AtomicLong exact = new AtomicLong();
    long all =
        BenchTopics.readAll(
            bootstrap,
            outputTopic(system),
            v -> {
              try {
                if (codec.decode(v).getMatchKind() == MatchKind.EXACT) {
                  exact.incrementAndGet();
                }
              } catch (IOException e) {
                throw new IllegalStateException(system + " wrote an undecodable sighting", e);
              }
            });
    return new SystemResult(
        system,
        wall,
        settings.events(),
        all,
        exact.get(),
        all,
        sampler.peakHeapBytes(),
        sampler.peakRssBytes(),
        sampler.cpuMillis());
  }

  private Configuration flinkConf() {
    Configuration conf = new Configuration();
    conf.setString("parallelism.default", String.valueOf(settings.parallelism()));
    return conf;
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
