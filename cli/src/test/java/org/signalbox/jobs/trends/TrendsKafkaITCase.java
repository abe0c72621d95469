package org.signalbox.jobs.trends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.trends.TrendFixtures.DAY1;
import static org.signalbox.jobs.trends.TrendFixtures.indicator;
import static org.signalbox.jobs.trends.TrendFixtures.sighting;
import static org.signalbox.jobs.trends.TrendFixtures.verdict;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.SignalboxCommand;
import org.signalbox.cli.report.TrendsTopic;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;
import org.signalbox.schema.TrendRecord;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The trends job end to end through a real Kafka broker: sightings (and one undecodable record),
 * members' verdicts on their own feedback topics (and one forged verdict) and the member directory
 * in, trend records and dead letters out, then {@code signalbox report --kafka} builds the report
 * from the topic.
 */
class TrendsKafkaITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static LocalKafkaBroker broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    List<NewTopic> topics = new ArrayList<>(SignalboxTopics.core(2));
    topics.add(new NewTopic("trends", 2, (short) 1));
    for (int m = 1; m <= 3; m++) {
      topics.add(new NewTopic(SignalboxTopics.feedbackTopic("m-rail-" + m), 1, (short) 1));
    }
    SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void sightingsBecomeTrendRecordsAndAReport() throws Exception {
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    Instant published = DAY1.minus(Duration.ofHours(4));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int m = 1; m <= 4; m++) {
        Sighting s =
            sighting(
                "indicator--61000000-0000-4000-8000-000000000000",
                "m-rail-" + m,
                Sector.RAIL,
                DAY1.plusSeconds(600L * m),
                published);
        producer.send(new ProducerRecord<>("sightings", key(s), codec.encode(s))).get();
      }
      producer
          .send(
              new ProducerRecord<>(
                  "sightings", key("x"), "not avro".getBytes(StandardCharsets.UTF_8)))
          .get();
      AvroCodec<Feedback> verdicts = AvroCodec.feedback();
      Instant reported = DAY1.plus(Duration.ofHours(3));
      for (int m = 1; m <= 3; m++) {
        Feedback f =
            verdict(
                "indicator--61000000-0000-4000-8000-000000000000",
                "m-rail-" + m,
                FeedbackVerdict.FALSE_POSITIVE,
                reported.plusSeconds(m));
        producer
            .send(
                new ProducerRecord<>(
                    SignalboxTopics.feedbackTopic(f.getMember()),
                    key("indicator--61000000-0000-4000-8000-000000000000"),
                    verdicts.encode(f)))
            .get();
      }
      // m-rail-1 writes a verdict in m-rail-3's name: its topic gives it away.
      producer
          .send(
              new ProducerRecord<>(
                  SignalboxTopics.feedbackTopic("m-rail-1"),
                  key("indicator--61000000-0000-4000-8000-000000000000"),
                  verdicts.encode(
                      verdict(
                          "indicator--61000000-0000-4000-8000-000000000000",
                          "m-rail-3",
                          FeedbackVerdict.TRUE_POSITIVE,
                          reported.plusSeconds(60)))))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  "indicators",
                  key("indicator--61000000-0000-4000-8000-000000000000"),
                  AvroCodec.indicator()
                      .encode(
                          indicator(
                              "indicator--61000000-0000-4000-8000-000000000000",
                              published,
                              "isac"))))
          .get();
    }

    // Four rail members with a capacity of one sighting a day each, and one that only consumes.
    Path members = dir.resolve("members.yaml");
    StringBuilder yaml = new StringBuilder("secretariat: isac\nmembers:\n");
    for (int m = 1; m <= 4; m++) {
      yaml.append("  - id: m-rail-").append(m).append("\n    sector: rail\n    dailyCapacity: 1\n");
    }
    yaml.append("  - id: m-air-9\n    sector: aviation\n");
    Files.writeString(members, yaml);

    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    conf.set(TrendsOptions.MEMBERS, members.toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    TrendsKafka.attach(env, conf, true);
    env.execute("trends kafka test");

    List<TrendRecord> trends =
        TrendsTopic.read(
                broker.bootstrapServers(),
                "trends",
                Instant.EPOCH,
                Instant.parse("2100-01-01T00:00:00Z"),
                Duration.ofSeconds(60),
                System.err)
            .trends();
    assertThat(trends)
        .filteredOn(
            r ->
                r.getPeriod() == TrendPeriod.DAY
                    && r.getSector() == Sector.RAIL
                    && r.getMetric() == TrendMetric.SIGHTINGS)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getValue()).isEqualTo(4L);
              assertThat(r.getMembers()).isEqualTo(4);
            });
    assertThat(trends)
        .filteredOn(
            r ->
                r.getPeriod() == TrendPeriod.DAY
                    && r.getSector() == null
                    && r.getMetric() == TrendMetric.TIME_TO_FIRST_SIGHTING)
        .singleElement()
        .satisfies(r -> assertThat(r.getSuppressed()).isTrue()); // one member sees it first
    assertThat(trends)
        .anySatisfy(
            r -> {
              assertThat(r.getMetric()).isEqualTo(TrendMetric.INDICATORS_PUBLISHED);
              assertThat(r.getDimension()).isEqualTo("isac");
            });
    assertThat(trends)
        .filteredOn(
            r ->
                r.getPeriod() == TrendPeriod.DAY
                    && r.getSector() == null
                    && r.getMetric() == TrendMetric.FEEDBACK_BY_SOURCE
                    && r.getDimension().equals("isac"))
        .singleElement()
        .satisfies(
            r -> {
              // The forged true positive is not among them.
              assertThat(r.getValue()).isEqualTo(3L);
              assertThat(r.getFalsePositives()).isEqualTo(3L);
              assertThat(r.getTruePositives()).isZero();
              assertThat(r.getRatio()).isEqualTo(1.0);
            });
    // The three voters are rail members: the same figure for their sector.
    assertThat(trends)
        .filteredOn(
            r ->
                r.getPeriod() == TrendPeriod.DAY
                    && r.getSector() == Sector.RAIL
                    && r.getMetric() == TrendMetric.FEEDBACK_BY_SOURCE
                    && r.getDimension().equals("isac"))
        .singleElement()
        .satisfies(r -> assertThat(r.getFalsePositives()).isEqualTo(3L));
    assertThat(trends)
        .filteredOn(
            r ->
                r.getPeriod() == TrendPeriod.DAY
                    && r.getSector() == null
                    && r.getMetric() == TrendMetric.PARTICIPATION
                    && r.getDimension().equals(Contributions.CONSUMER_ONLY))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getValue()).isEqualTo(1L); // m-air-9
              assertThat(r.getMembers()).isEqualTo(5);
            });
    assertThat(trends)
        .filteredOn(
            r ->
                r.getPeriod() == TrendPeriod.DAY
                    && r.getSector() == null
                    && r.getMetric() == TrendMetric.MEMBERS_OVER_CAPACITY)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getValue()).isZero(); // one sighting each, capacity one
              assertThat(r.getMembers()).isEqualTo(4);
            });

    // The undecodable record is a dead letter with its origin, not lost.
    AvroCodec<DeadLetter> dl = AvroCodec.deadLetter();
    List<DeadLetter> dead = new ArrayList<>();
    try (var c =
        new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
            props(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      var parts =
          c.partitionsFor("deadletter").stream()
              .map(i -> new org.apache.kafka.common.TopicPartition("deadletter", i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      var end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          dead.add(dl.decode(r.value()));
        }
      }
    }
    assertThat(dead)
        .hasSize(2)
        .anySatisfy(
            d -> {
              assertThat(d.getOriginTopic()).isEqualTo("sightings");
              assertThat(d.getReason()).isEqualTo("undecodable Sighting");
            })
        .anySatisfy(
            d -> {
              assertThat(d.getOriginTopic()).isEqualTo("feedback.m-rail-1");
              assertThat(d.getReason()).isEqualTo("forged-member");
              assertThat(d.getError()).contains("'m-rail-3'");
            });

    // The report from the topic.
    Path out = dir.resolve("report");
    int code =
        SignalboxCommand.newCommandLine()
            .execute(
                "report",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-07",
                "--out",
                out.toString(),
                "--kafka",
                broker.bootstrapServers(),
                "--members",
                members.toString());
    assertThat(code).isZero();
    String html = Files.readString(out.resolve("index.html"));
    assertThat(html).contains("<svg id=\"sightings-by-sector\"", "Rail");
    assertThat(html)
        .contains("<svg id=\"false-positive-rates\"", "<td>isac</td>", "100.0 %")
        .contains("<svg id=\"participation\"", "contributed nothing between", ": m-air-9.");
    assertThat(Files.readString(out.resolve("false-positives.csv")))
        .contains("isac,3,3,0,1.0000,1,0,TLP:AMBER");
    assertThat(Files.readString(out.resolve("sightings-per-day.csv")))
        .contains("2026-11-02,rail,4,4,false");
  }

  static Properties props() {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    return p;
  }

  static byte[] key(Sighting s) {
    return key(s.getIndicatorId());
  }

  static byte[] key(String k) {
    return k.getBytes(StandardCharsets.UTF_8);
  }
}
