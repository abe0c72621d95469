package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * Rescaling (issue 19): a savepoint of the correlate job taken at parallelism 2 restores at 3, and
 * a savepoint taken there restores at 1, and every index (exact keyed state, the range and pattern
 * broadcast state, the lifecycle) still matches what was loaded before the first savepoint; each
 * sighting comes once. No indicator record is read after the first job: all of them are in state.
 */
class CorrelateRescaleITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(3)
              .build());

  static final String SUFFIX = "rescale";
  static final String INDICATORS = CorrelateItSupport.indicatorsTopic(SUFFIX);
  static final String SIGHTINGS = CorrelateItSupport.sightingsTopic(SUFFIX);
  static final String MEMBER = "rail-s";
  static final int EXACT = 12;

  static LocalKafkaBroker broker;

  @TempDir static Path savepoints;

  static String exactId(int i) {
    return String.format("indicator--7a000000-0000-4000-8000-%012d", i);
  }

  static final String CIDR = "indicator--7b000000-0000-4000-8000-000000000001";
  static final String SUFFIX_ID = "indicator--7b000000-0000-4000-8000-000000000002";
  static final String PATTERN = "indicator--7b000000-0000-4000-8000-000000000003";

  @BeforeAll
  static void startBroker() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    List<NewTopic> topics = new ArrayList<>(CorrelateItSupport.topics(SUFFIX, 2, MEMBER));
    topics.removeIf(t -> t.name().equals(SignalboxTopics.telemetryTopic(MEMBER)));
    topics.add(SignalboxTopics.telemetry(MEMBER, 3));
    SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
    AvroCodec<Indicator> ic = AvroCodec.indicator();
    List<Indicator> all = new ArrayList<>();
    for (int i = 0; i < EXACT; i++) {
      all.add(indicator(exactId(i), ObservableType.IPV4, "198.51.100." + (10 + i)).build());
    }
    all.add(
        indicator(CIDR, ObservableType.IPV4, "203.0.113.0/24")
            .setMatchKind(MatchKind.CIDR)
            .build());
    all.add(
        indicator(SUFFIX_ID, ObservableType.DOMAIN, "*.stager.rescale.example")
            .setMatchKind(MatchKind.DOMAIN_SUFFIX)
            .build());
    all.add(
        indicator(PATTERN, null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[domain-name:value = 'beacon.rescale.example']")
            .build());
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (Indicator i : all) {
        p.send(
                new ProducerRecord<>(
                    INDICATORS, i.getId().getBytes(StandardCharsets.UTF_8), ic.encode(i)))
            .get();
      }
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static JobClient submit(int parallelism, String savepoint) throws Exception {
    Configuration conf = CorrelateItSupport.jobConf(broker.bootstrapServers(), SUFFIX, MEMBER);
    if (savepoint != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(conf);
    env.setParallelism(parallelism);
    CorrelateJob.reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, false);
    return env.executeAsync("correlate-rescale-p" + parallelism);
  }

  static String stopWithSavepoint(JobClient job) throws Exception {
    return job.stopWithSavepoint(
            false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(120, TimeUnit.SECONDS);
  }

  @Test
  void aSavepointAtParallelismTwoRestoresAtThreeAndAtOneWithTheSameMatches() throws Exception {
    List<String> expected = new ArrayList<>();

    JobClient two = submit(2, null);
    String fromTwo;
    try {
      for (int i = 0; i < 4; i++) {
        expected.add(send("p2-" + i, ObservableType.IPV4, "198.51.100." + (10 + i), exactId(i)));
      }
      expected.add(send("p2-cidr", ObservableType.IPV4, "203.0.113.7", CIDR));
      awaitSightings(expected);
    } finally {
      fromTwo = stopWithSavepoint(two);
    }

    JobClient three = submit(3, fromTwo);
    String fromThree;
    try {
      for (int i = 4; i < 8; i++) {
        expected.add(send("p3-" + i, ObservableType.IPV4, "198.51.100." + (10 + i), exactId(i)));
      }
      expected.add(send("p3-suffix", ObservableType.DOMAIN, "x.stager.rescale.example", SUFFIX_ID));
      expected.add(send("p3-pattern", ObservableType.DOMAIN, "beacon.rescale.example", PATTERN));
      awaitSightings(expected);
    } finally {
      fromThree = stopWithSavepoint(three);
    }

    JobClient one = submit(1, fromThree);
    try {
      for (int i = 8; i < EXACT; i++) {
        expected.add(send("p1-" + i, ObservableType.IPV4, "198.51.100." + (10 + i), exactId(i)));
      }
      expected.add(send("p1-cidr", ObservableType.IPV4, "203.0.113.200", CIDR));
      expected.add(send("p1-suffix", ObservableType.DOMAIN, "y.stager.rescale.example", SUFFIX_ID));
      expected.add(send("p1-pattern", ObservableType.DOMAIN, "beacon.rescale.example", PATTERN));
      // A value no indicator covers: nothing may match it after any rescale.
      send("p1-none", ObservableType.IPV4, "192.0.2.99", null);
      awaitSightings(expected);
      assertThat(sightings()).containsExactlyInAnyOrderElementsOf(expected);
    } finally {
      one.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  /** Sends one event and returns the sighting it must make ("event -> indicator"). */
  static String send(String id, ObservableType type, String value, String indicatorId)
      throws Exception {
    byte[] bytes =
        AvroCodec.telemetry()
            .encode(
                event(
                    id,
                    MEMBER,
                    Sector.RAIL,
                    T0.plus(Duration.ofDays(1)),
                    obs(type, value, ObservableRole.QUERY)));
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      p.send(new ProducerRecord<>(SignalboxTopics.telemetryTopic(MEMBER), id.getBytes(), bytes))
          .get();
    }
    return id + " -> " + indicatorId;
  }

  static void awaitSightings(List<String> expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    List<String> got = sightings();
    while (!got.containsAll(expected) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      got = sightings();
    }
    assertThat(got).as("sightings on %s", SIGHTINGS).containsAll(expected);
  }

  static List<String> sightings() throws java.io.IOException {
    AvroCodec<Sighting> sc = AvroCodec.sighting();
    List<String> out = new ArrayList<>();
    for (byte[] value : CorrelateItSupport.readAll(broker.bootstrapServers(), SIGHTINGS)) {
      Sighting s = sc.decode(value);
      out.add(s.getEventId() + " -> " + s.getIndicatorId());
    }
    return out;
  }

  static KafkaProducer<byte[], byte[]> producer() {
    return CorrelateItSupport.producer(broker.bootstrapServers());
  }
}
