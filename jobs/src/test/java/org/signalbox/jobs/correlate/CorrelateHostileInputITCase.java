package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.jobs.common.DeadLetterRecords;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * One hostile record must not stop the job for every member. On a real broker, with restarts
 * switched off (so any failure fails the test instead of hiding in a restart loop): a random record
 * of 1,048,000 bytes with a 400-byte key on a telemetry topic, whose dead letter used to exceed the
 * producer's request limit and crash-loop the job; and a value carried by 30,000 indicators, whose
 * merged sighting used to be over 1 MiB. Both must leave the job running and producing sightings.
 */
class CorrelateHostileInputITCase {

  @RegisterExtension static final MiniClusterExtension FLINK = CorrelateItSupport.miniCluster();

  static final String SUFFIX = "hostile";
  static final String INDICATORS = CorrelateItSupport.indicatorsTopic(SUFFIX);
  static final String SIGHTINGS = CorrelateItSupport.sightingsTopic(SUFFIX);
  static final String DEAD_LETTERS = CorrelateItSupport.deadLetterTopic(SUFFIX);
  static final String MEMBER = "rail-h";
  static final int HOT_INDICATORS = 30_000;
  static final String PLAIN = "indicator--7a1c8a4e-2d1b-4c3a-9e5f-0a1b2c3d4e01";

  static LocalKafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        CorrelateItSupport.topics(SUFFIX, 2, MEMBER),
        Duration.ofSeconds(60));
    AvroCodec<Indicator> ic = AvroCodec.indicator();
    try (KafkaProducer<byte[], byte[]> p = CorrelateItSupport.producer(broker.bootstrapServers())) {
      send(p, ic, indicator(PLAIN, ObservableType.IPV4, "198.51.100.77").build());
      for (int i = 0; i < HOT_INDICATORS; i++) {
        String id = "indicator--" + UUID.nameUUIDFromBytes(("hot-" + i).getBytes());
        send(
            p,
            ic,
            indicator(id, ObservableType.DOMAIN, "sinkhole.hostile.example")
                .setSource("feed-" + (i % 500))
                .build());
      }
      p.flush();
    }
  }

  static void send(KafkaProducer<byte[], byte[]> p, AvroCodec<Indicator> codec, Indicator i) {
    p.send(
        new ProducerRecord<>(
            INDICATORS, i.getId().getBytes(StandardCharsets.UTF_8), codec.encode(i)));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aRecordAtTheSizeLimitAndAHotValueLeaveTheJobRunning() throws Exception {
    Configuration conf = CorrelateItSupport.jobConf(broker.bootstrapServers(), SUFFIX, MEMBER);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    JobClient job = CorrelateItSupport.submit(conf, "correlate-hostile");
    try {
      byte[] key = new byte[400];
      byte[] value = new byte[1_048_000];
      new Random(1).nextBytes(key);
      new Random(2).nextBytes(value);
      try (KafkaProducer<byte[], byte[]> p =
          CorrelateItSupport.producer(broker.bootstrapServers())) {
        String topic = SignalboxTopics.telemetryTopic(MEMBER);
        p.send(new ProducerRecord<>(topic, key, value)).get();
        p.send(new ProducerRecord<>(topic, null, telemetry("e-hot", "sinkhole.hostile.example")))
            .get();
        p.send(new ProducerRecord<>(topic, null, telemetry("e-plain", "198.51.100.77"))).get();
      }

      List<Sighting> got = awaitSightings(2);
      assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
      assertThat(got)
          .extracting(Sighting::getEventId)
          .containsExactlyInAnyOrder("e-hot", "e-plain");
      Sighting hot = got.stream().filter(s -> s.getEventId().equals("e-hot")).findFirst().get();
      assertThat(hot.getMergedIndicatorIds()).hasSize(Sightings.MAX_MERGED);
      assertThat(hot.getMergedIndicatorsOmitted())
          .isEqualTo(HOT_INDICATORS - 1 - Sightings.MAX_MERGED);

      List<DeadLetter> letters = new ArrayList<>();
      for (byte[] v : CorrelateItSupport.readAll(broker.bootstrapServers(), DEAD_LETTERS)) {
        letters.add(AvroCodec.deadLetter().decode(v));
      }
      assertThat(letters)
          .filteredOn(d -> d.getOriginTopic().equals(SignalboxTopics.telemetryTopic(MEMBER)))
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.getRawLength()).isEqualTo(1_048_000L);
                assertThat(d.getRawKeyLength()).isEqualTo(400L);
                assertThat(d.getRaw().remaining()).isEqualTo(DeadLetterRecords.MAX_RAW_BYTES);
                assertThat(d.getRawSha256()).hasSize(64);
              });
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  static byte[] telemetry(String id, String value) {
    ObservableType type = value.matches("[0-9.]+") ? ObservableType.IPV4 : ObservableType.DOMAIN;
    return AvroCodec.telemetry()
        .encode(
            event(
                id,
                MEMBER,
                Sector.RAIL,
                T0.plus(Duration.ofDays(1)),
                obs(type, value, ObservableRole.QUERY)));
  }

  static List<Sighting> awaitSightings(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    List<Sighting> got = read();
    while (got.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(500);
      got = read();
    }
    return got;
  }

  static List<Sighting> read() throws Exception {
    List<Sighting> out = new ArrayList<>();
    for (byte[] v : CorrelateItSupport.readAll(broker.bootstrapServers(), SIGHTINGS)) {
      out.add(AvroCodec.sighting().decode(v));
    }
    return out;
  }
}
