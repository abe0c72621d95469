package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.deploy.LocalKafkaBroker;
import org.signalbox.deploy.SignalboxTopics;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/**
 * End to end through a real Kafka broker (KRaft, child JVM) and a Flink MiniCluster: telemetry and
 * indicators are produced to their topics, the production Kafka wiring runs bounded to the end
 * offsets, and the exact sets of sightings and dead letters are read back from Kafka.
 */
class CorrelateKafkaITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static LocalKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    List<org.apache.kafka.clients.admin.NewTopic> topics = new ArrayList<>(SignalboxTopics.core(2));
    topics.add(SignalboxTopics.telemetry("rail-a", 2));
    topics.add(SignalboxTopics.telemetry("airport-b", 1));
    SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static final Instant SEEN = T0.plus(Duration.ofDays(2));

  @Test
  void producesExactlyTheExpectedSightingsAndDeadLetters() throws Exception {
    AvroCodec<Indicator> ic = AvroCodec.indicator();
    AvroCodec<TelemetryEvent> tc = AvroCodec.telemetry();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      // Indicators: late older version after a newer one, revoked, expired, CIDR, suffix, bad.
      List<Indicator> inds =
          List.of(
              indicator("indicator--c2", ObservableType.IPV4, "198.51.100.7").build(),
              indicator("indicator--moved", ObservableType.DOMAIN, "new.evil.example")
                  .setVersion(T0.plusSeconds(60))
                  .build(),
              indicator("indicator--moved", ObservableType.DOMAIN, "old.evil.example").build(),
              indicator("indicator--revoked", ObservableType.IPV4, "192.0.2.66").build(),
              indicator("indicator--revoked", ObservableType.IPV4, "192.0.2.66")
                  .setVersion(T0.plusSeconds(30))
                  .setRevoked(true)
                  .build(),
              indicator("indicator--expired", ObservableType.DOMAIN, "stale.example")
                  .setValidUntil(T0.plus(Duration.ofDays(1)))
                  .build(),
              indicator("indicator--net", ObservableType.IPV4, "203.0.113.0/24")
                  .setMatchKind(MatchKind.CIDR)
                  .setTlp(Tlp.AMBER)
                  .build(),
              indicator("indicator--suffix", ObservableType.DOMAIN, "*.tracking-parcel.example")
                  .setMatchKind(MatchKind.DOMAIN_SUFFIX)
                  .build());
      for (Indicator i : inds) {
        producer.send(record(SignalboxTopics.INDICATORS, i.getId(), ic.encode(i))).get();
      }
      producer
          .send(
              record(
                  SignalboxTopics.INDICATORS,
                  "indicator--junk",
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

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    conf.set(CorrelateOptions.GROUP_ID, "correlate-itcase");
    env.configure(conf);
    env.setParallelism(2);
    CorrelateJob.reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, true);
    env.execute("correlate kafka itcase");

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
            "r1 -> indicator--c2",
            "r3 -> indicator--moved",
            "a2 -> indicator--net",
            "a4 -> indicator--suffix");
    assertThat(byEvent.get("a2").getTlp()).isEqualTo(Tlp.AMBER);
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
            "telemetry.rail-a undecodable-avro",
            "telemetry.airport-b undecodable-avro");
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
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
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
