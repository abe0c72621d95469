package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.InProcessMetrics;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * End to end through a real Kafka broker (KRaft, child JVM) and a Flink MiniCluster: telemetry and
 * indicators are produced to their topics, the production Kafka wiring runs bounded to the end
 * offsets, and the exact sets of sightings and dead letters are read back from Kafka.
 */
class CorrelateKafkaITCase {

  // Before FLINK: static fields are initialised in order, and the cluster needs the port.
  static final int PROMETHEUS_PORT = freePort();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(reporters())
              .build());

  /** The demo's in-process reporter and Flink's Prometheus reporter, as production adds it. */
  static Configuration reporters() {
    Configuration c = new Configuration();
    InProcessMetrics.register(c);
    CorrelateMetrics.enablePrometheus(c, PROMETHEUS_PORT);
    return c;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LocalKafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    List<org.apache.kafka.clients.admin.NewTopic> topics = new ArrayList<>(SignalboxTopics.core(2));
    topics.add(SignalboxTopics.telemetry("rail-a", 2));
    topics.add(SignalboxTopics.telemetry("airport-b", 1));
    SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
    publishInputs();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static final Instant SEEN = T0.plus(Duration.ofDays(2));

  /** The indicators and telemetry both runs read, published once before either. */
  static void publishInputs() throws Exception {
    AvroCodec<Indicator> ic = AvroCodec.indicator();
    AvroCodec<TelemetryEvent> tc = AvroCodec.telemetry();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      // Indicators: late older version after a newer one, revoked, expired, CIDR, suffix, bad.
      List<Indicator> inds =
          List.of(
              indicator(
                      "indicator--63320000-0000-4000-8000-000000000000",
                      ObservableType.IPV4,
                      "198.51.100.7")
                  .build(),
              indicator(
                      "indicator--6d6f7665-6400-4000-8000-000000000000",
                      ObservableType.DOMAIN,
                      "new.evil.example")
                  .setVersion(T0.plusSeconds(60))
                  .build(),
              indicator(
                      "indicator--6d6f7665-6400-4000-8000-000000000000",
                      ObservableType.DOMAIN,
                      "old.evil.example")
                  .build(),
              indicator(
                      "indicator--7265766f-6b65-4640-8000-000000000000",
                      ObservableType.IPV4,
                      "192.0.2.66")
                  .build(),
              indicator(
                      "indicator--7265766f-6b65-4640-8000-000000000000",
                      ObservableType.IPV4,
                      "192.0.2.66")
                  .setVersion(T0.plusSeconds(30))
                  .setRevoked(true)
                  .build(),
              indicator(
                      "indicator--65787069-7265-4640-8000-000000000000",
                      ObservableType.DOMAIN,
                      "stale.example")
                  .setValidUntil(T0.plus(Duration.ofDays(1)))
                  .build(),
              indicator(
                      "indicator--6e657400-0000-4000-8000-000000000000",
                      ObservableType.IPV4,
                      "203.0.113.0/24")
                  .setMatchKind(MatchKind.CIDR)
                  .setTlp(Tlp.AMBER)
                  .build(),
              indicator(
                      "indicator--73756666-6978-4000-8000-000000000000",
                      ObservableType.DOMAIN,
                      "*.tracking-parcel.example")
                  .setMatchKind(MatchKind.DOMAIN_SUFFIX)
                  .build(),
              // Another source's revocation is refused: the c2 indicator keeps matching.
              indicator(
                      "indicator--63320000-0000-4000-8000-000000000000",
                      ObservableType.IPV4,
                      "198.51.100.7")
                  .setVersion(T0.plusSeconds(90))
                  .setSource("member-mallory")
                  .setRevoked(true)
                  .build(),
              // The secretariat's is applied and audited.
              indicator(
                      "indicator--6e657400-0000-4000-8000-000000000000",
                      ObservableType.IPV4,
                      "203.0.113.0/24")
                  .setMatchKind(MatchKind.CIDR)
                  .setTlp(Tlp.AMBER)
                  .setVersion(T0.plusSeconds(90))
                  // Expiry runs on the wall clock: valid well past any day this test runs.
                  .setValidUntil(SEEN.plus(Duration.ofDays(36500)))
                  .setSource("secretariat")
                  .build());
      for (Indicator i : inds) {
        producer.send(record(SignalboxTopics.INDICATORS, i.getId(), ic.encode(i))).get();
      }
      producer
          .send(
              record(
                  SignalboxTopics.INDICATORS,
                  "indicator--6a756e6b-0000-4000-8000-000000000000",
                  "junk".getBytes(StandardCharsets.UTF_8)))
          .get();

      String rail = SignalboxTopics.telemetryTopic("rail-a");
      String airport = SignalboxTopics.telemetryTopic("airport-b");
      send(
          producer,
          rail,
          tc.encode(ev("r1", "rail-a", Sector.RAIL, ObservableType.IPV4, "198.51.100.7")));
      send(producer, rail, new byte[] {1, 2, 3, 4, 5});
      send(
          producer,
          rail,
          tc.encode(ev("r2", "rail-a", Sector.RAIL, ObservableType.DOMAIN, "old.evil.example")));
      send(
          producer,
          rail,
          tc.encode(ev("r3", "rail-a", Sector.RAIL, ObservableType.DOMAIN, "NEW.evil.example.")));
      send(
          producer,
          rail,
          tc.encode(ev("r4", "rail-a", Sector.RAIL, ObservableType.IPV4, "192.0.2.66")));
      // rail-a's topic, claiming to be airport-b: a forgery, whatever it would have matched.
      send(
          producer,
          rail,
          tc.encode(ev("r5", "airport-b", Sector.AIRPORT, ObservableType.IPV4, "198.51.100.7")));
      send(
          producer,
          airport,
          tc.encode(ev("a1", "airport-b", Sector.AIRPORT, ObservableType.DOMAIN, "stale.example")));
      send(
          producer,
          airport,
          tc.encode(ev("a2", "airport-b", Sector.AIRPORT, ObservableType.IPV4, "203.0.113.200")));
      byte[] truncated =
          tc.encode(ev("a3", "airport-b", Sector.AIRPORT, ObservableType.IPV4, "203.0.113.201"));
      send(producer, airport, java.util.Arrays.copyOf(truncated, truncated.length - 3));
      send(
          producer,
          airport,
          tc.encode(
              ev(
                  "a4",
                  "airport-b",
                  Sector.AIRPORT,
                  ObservableType.DOMAIN,
                  "cdn.tracking-parcel.example")));
      send(
          producer,
          airport,
          tc.encode(
              ev(
                  "a5",
                  "airport-b",
                  Sector.AIRPORT,
                  ObservableType.DOMAIN,
                  "tracking-parcel.example")));
    }
  }

  @Test
  void producesExactlyTheExpectedSightingsAndDeadLetters() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    conf.set(CorrelateOptions.GROUP_ID, "correlate-itcase");
    env.configure(conf);
    env.setParallelism(2);
    CorrelateJob.reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, true);
    String job = "correlate kafka itcase";
    env.execute(job);

    List<String> sightings = new ArrayList<>();
    Map<String, Sighting> byEvent = new HashMap<>();
    AvroCodec<Sighting> sc = AvroCodec.sighting();
    for (ConsumerRecord<byte[], byte[]> r : readAll(SignalboxTopics.SIGHTINGS)) {
      Sighting s = sc.decode(r.value());
      sightings.add(s.getEventId() + " -> " + s.getIndicatorId());
      byEvent.put(s.getEventId(), s);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(s.getIndicatorId());
    }
    assertThat(sightings)
        .containsExactlyInAnyOrder(
            "r1 -> indicator--63320000-0000-4000-8000-000000000000",
            "r3 -> indicator--6d6f7665-6400-4000-8000-000000000000",
            "a2 -> indicator--6e657400-0000-4000-8000-000000000000",
            "a4 -> indicator--73756666-6978-4000-8000-000000000000");
    assertThat(byEvent.get("a2").getTlp()).isEqualTo(Tlp.AMBER);
    // The secretariat's version is the one in force; the refused revocation left c2's alone.
    assertThat(byEvent.get("a2").getIndicatorSource()).isEqualTo("secretariat");
    assertThat(byEvent.get("r1").getIndicatorVersion()).isEqualTo(T0);
    assertThat(byEvent.get("r3").getMatchedValue()).isEqualTo("new.evil.example");

    List<String> dead = new ArrayList<>();
    AvroCodec<DeadLetter> dc = AvroCodec.deadLetter();
    for (ConsumerRecord<byte[], byte[]> r : readAll(SignalboxTopics.DEAD_LETTER)) {
      DeadLetter d = dc.decode(r.value());
      dead.add(d.getOriginTopic() + " " + d.getReason());
      assertThat(d.getRaw()).isNotNull();
    }
    assertThat(dead)
        .containsExactlyInAnyOrder(
            "indicators undecodable-avro",
            "indicators not-original-source",
            "telemetry.rail-a undecodable-avro",
            "telemetry.rail-a forged-member",
            "telemetry.airport-b undecodable-avro");

    AvroCodec<IndicatorAudit> ac = AvroCodec.indicatorAudit();
    List<String> audits = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(SignalboxTopics.INDICATOR_AUDIT)) {
      IndicatorAudit a = ac.decode(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(a.getIndicatorId());
      audits.add(
          a.getIndicatorId()
              + " "
              + a.getAction()
              + " by "
              + a.getActor()
              + " (owner "
              + a.getOriginalSource()
              + ") from "
              + a.getOriginTopic());
    }
    assertThat(audits)
        .containsExactly(
            "indicator--6e657400-0000-4000-8000-000000000000 UPDATE by secretariat (owner isac) from indicators");

    // The job's own metrics agree with what reached Kafka.
    Map<String, String> thisJob = Map.of("job_name", job);
    assertThat(
            InProcessMetrics.sum(
                CorrelateMetrics.DEAD_LETTERS,
                Map.of("job_name", job, CorrelateMetrics.REASON, "undecodable-avro")))
        .isEqualTo(3);
    assertThat(InProcessMetrics.sum(CorrelateMetrics.SIGHTINGS_OUT, thisJob)).isEqualTo(4);
    List<Histogram> latency = InProcessMetrics.histograms(CorrelateMetrics.MATCH_LATENCY, thisJob);
    assertThat(latency.stream().mapToLong(Histogram::getCount).sum()).isEqualTo(4);
    for (Histogram h : latency) {
      if (h.getCount() > 0) {
        // From the telemetry record's Kafka timestamp to the match: never negative.
        assertThat(h.getStatistics().getMin()).isGreaterThanOrEqualTo(0);
        assertThat(h.getStatistics().getQuantile(0.99))
            .isGreaterThanOrEqualTo(h.getStatistics().getQuantile(0.5));
      }
    }
  }

  /**
   * What an operator scrapes: the same data through the job running unbounded, and Flink's
   * Prometheus reporter serving every series the dashboard and the README name, with the labels
   * they rely on (a summary with quantiles for the match latency, dead letters by reason).
   */
  @Test
  void prometheusServesTheJobsSeriesWhileItRuns() throws Exception {
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        List.of(
            new org.apache.kafka.clients.admin.NewTopic("sightings-scraped", 1, (short) 1),
            new org.apache.kafka.clients.admin.NewTopic("indicator-audit-scraped", 1, (short) 1),
            new org.apache.kafka.clients.admin.NewTopic("deadletter-scraped", 1, (short) 1)),
        Duration.ofSeconds(60));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    conf.set(CorrelateOptions.GROUP_ID, "correlate-scraped");
    conf.set(CorrelateOptions.SIGHTINGS_TOPIC, "sightings-scraped");
    // It reads the same indicators: its audits must not land beside the other test's.
    conf.set(CorrelateOptions.INDICATOR_AUDIT_TOPIC, "indicator-audit-scraped");
    conf.set(CorrelateOptions.DEAD_LETTER_TOPIC, "deadletter-scraped");
    // Only the airport's one partition, read by one subtask: an unbounded job waits for an empty
    // partition (rail-a has one), or a source reader without any, to go idle (30 s) before the
    // bootstrap gate opens, which would only make the test slow.
    conf.set(CorrelateOptions.TELEMETRY_TOPICS, "telemetry\\.airport-b");
    env.configure(conf);
    env.setParallelism(1);
    CorrelateKafka.attach(env, conf, false);
    JobClient job = env.executeAsync("correlate-scraped");
    try {
      String thisJob = "job_name=\"correlate-scraped\"";
      String held = CorrelateMetrics.prometheusName(CorrelateMetrics.INDICATORS_HELD);
      String latencyCount =
          CorrelateMetrics.prometheusName(CorrelateMetrics.MATCH_LATENCY) + "_count";
      String sightingsOut = CorrelateMetrics.prometheusName(CorrelateMetrics.SIGHTINGS_OUT);
      String dead =
          CorrelateMetrics.prometheusName(CorrelateMetrics.REASON, CorrelateMetrics.DEAD_LETTERS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      List<String> lines;
      // One scrape reads each series at its own instant, so a scrape taken while the sightings are
      // emitted can show the histogram's count already and the counter not yet: wait for all of
      // them. The dead letters take their own path (a union in front of the counter), so they can
      // be counted after the sightings are out.
      do {
        Thread.sleep(500);
        lines = scrape().stream().filter(l -> l.contains(thisJob)).toList();
      } while ((sum(lines, latencyCount) < 2
              || sum(lines, sightingsOut) < 2
              || sum(lines, held) != 4
              || undecodable(lines, dead) < 2)
          && System.nanoTime() < deadline);

      // a2 matched the CIDR range, a4 the domain suffix.
      String scraped = String.join("\n", lines);
      assertThat(sum(lines, latencyCount)).as(scraped).isEqualTo(2);
      assertThat(sum(lines, sightingsOut)).as(scraped).isEqualTo(2);
      for (String m : CorrelateMetrics.ALL) {
        assertThat(lines)
            .as("series of %s", m)
            .anyMatch(l -> l.startsWith(CorrelateMetrics.prometheusName(m) + "{"));
      }
      String latency = CorrelateMetrics.prometheusName(CorrelateMetrics.MATCH_LATENCY) + "{";
      assertThat(lines)
          .filteredOn(l -> l.startsWith(latency))
          .anyMatch(
              l -> l.contains("quantile=\"0.95\"") && l.contains("operator_name=\"exact index\""))
          .anyMatch(
              l -> l.contains("quantile=\"0.5\"") && l.contains("operator_name=\"range index\""));
      assertThat(undecodable(lines, dead))
          .as("the junk indicator and the truncated airport record")
          .isEqualTo(2);
      assertThat(sum(lines, held))
          .as(
              "live: c2, moved, net, suffix; not the revoked one, nor the expired one past its grace")
          .isEqualTo(4);
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  private static double undecodable(List<String> lines, String dead) {
    return sum(
        lines.stream().filter(l -> l.contains("reason=\"undecodable-avro\"")).toList(), dead);
  }

  static List<String> scrape() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + PROMETHEUS_PORT + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().lines().filter(l -> !l.startsWith("#")).toList();
  }

  /** Sum of the values of every sample of {@code series} (any labels) in the exposition lines. */
  static double sum(List<String> lines, String series) {
    double total = 0;
    for (String l : lines) {
      if (l.startsWith(series + "{") || l.startsWith(series + " ")) {
        total += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  static TelemetryEvent ev(
      String id, String member, Sector sector, ObservableType type, String value) {
    return event(id, member, sector, SEEN, obs(type, value, ObservableRole.DESTINATION));
  }

  static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(
        topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }

  static void send(KafkaProducer<byte[], byte[]> p, String topic, byte[] value) throws Exception {
    // Same key for all records of a member: one partition, so "around" means in offset order.
    p.send(new ProducerRecord<>(topic, topic.getBytes(StandardCharsets.UTF_8), value)).get();
  }

  static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Every record of the topic up to its current end. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    // read_committed: what the job committed (exactly-once sinks), as its readers see it.
    Properties p =
        org.signalbox.kafka.KafkaClientConfig.plaintext(broker.bootstrapServers())
            .consumer("correlate-itcase-reader");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
