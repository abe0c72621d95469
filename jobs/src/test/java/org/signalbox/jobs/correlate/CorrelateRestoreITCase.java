package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The correlate job on a real broker through a crash: it runs unbounded with checkpoints, is
 * cancelled (its retained checkpoint is all that survives, as after a kill), and a new job restores
 * from that checkpoint. Sightings must come for events sent before the crash, while the job was
 * down and after the restore, each once.
 *
 * <p>The indicators topic has four partitions of which only 2 and 3 hold records: the bootstrap
 * gate must not wait for the empty ones (it did, for ever). After the restore no indicator record
 * is left to read, so the source says nothing: the gate must open from the state it checkpointed
 * (it stayed shut, and the job matched nothing while showing RUNNING).
 */
class CorrelateRestoreITCase {

  @RegisterExtension static final MiniClusterExtension FLINK = CorrelateItSupport.miniCluster();

  static final String SUFFIX = "restore";
  static final String INDICATORS = CorrelateItSupport.indicatorsTopic(SUFFIX);
  static final String SIGHTINGS = CorrelateItSupport.sightingsTopic(SUFFIX);
  static final String MEMBER = "rail-r";
  static final String A = "indicator--6f0c8a4e-2d1b-4c3a-9e5f-0a1b2c3d4e01";
  static final String B = "indicator--6f0c8a4e-2d1b-4c3a-9e5f-0a1b2c3d4e02";
  static final String C = "indicator--6f0c8a4e-2d1b-4c3a-9e5f-0a1b2c3d4e03";

  static LocalKafkaBroker broker;

  @TempDir static Path checkpoints;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        CorrelateItSupport.topics(SUFFIX, 4, MEMBER),
        Duration.ofSeconds(60));
    AvroCodec<Indicator> ic = AvroCodec.indicator();
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      p.send(indicatorRecord(2, indicator(A, ObservableType.IPV4, "198.51.100.10").build(), ic))
          .get();
      p.send(indicatorRecord(3, indicator(B, ObservableType.IPV4, "198.51.100.20").build(), ic))
          .get();
      p.send(
              indicatorRecord(
                  3, indicator(C, ObservableType.DOMAIN, "c2.restore.example").build(), ic))
          .get();
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static ProducerRecord<byte[], byte[]> indicatorRecord(
      int partition, Indicator i, AvroCodec<Indicator> codec) {
    return new ProducerRecord<>(
        INDICATORS, partition, i.getId().getBytes(StandardCharsets.UTF_8), codec.encode(i));
  }

  Configuration conf() {
    Configuration conf = CorrelateItSupport.jobConf(broker.bootstrapServers(), SUFFIX, MEMBER);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    return conf;
  }

  JobClient submit(Configuration conf) throws Exception {
    return CorrelateItSupport.submit(conf, "correlate-restore");
  }

  @Test
  void sightingsBeforeDuringAndAfterARestoreFromACheckpoint() throws Exception {
    JobClient first = submit(conf());
    try {
      sendEvent("e1", ObservableType.IPV4, "198.51.100.10");
      awaitSightings(List.of("e1 -> " + A));
      // A checkpoint completed after the sighting: the crash loses nothing the sink wrote.
      int before = latestCheckpoint().map(CorrelateRestoreITCase::number).orElse(0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (latestCheckpoint().map(CorrelateRestoreITCase::number).orElse(0) <= before + 1
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    } finally {
      first.cancel().get(60, TimeUnit.SECONDS);
    }
    Path restoreFrom = latestCheckpoint().orElseThrow();

    // While the job is down: held in Kafka, read after the restore.
    sendEvent("e2", ObservableType.IPV4, "198.51.100.20");

    Configuration restored = conf();
    restored.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
    JobClient second = submit(restored);
    try {
      sendEvent("e3", ObservableType.DOMAIN, "c2.restore.example");
      awaitSightings(List.of("e1 -> " + A, "e2 -> " + B, "e3 -> " + C));
      assertThat(sightings()).containsExactlyInAnyOrder("e1 -> " + A, "e2 -> " + B, "e3 -> " + C);
    } finally {
      second.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  /** The newest completed checkpoint of any job under the checkpoint directory. */
  static Optional<Path> latestCheckpoint() throws IOException {
    try (Stream<Path> files = Files.walk(checkpoints, 3)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> Files.exists(p.resolve("_metadata")))
          .max(Comparator.comparingInt(CorrelateRestoreITCase::number));
    }
  }

  static int number(Path chk) {
    return Integer.parseInt(chk.getFileName().toString().substring(4));
  }

  static void sendEvent(String id, ObservableType type, String value) throws Exception {
    byte[] bytes =
        AvroCodec.telemetry()
            .encode(
                event(
                    id,
                    MEMBER,
                    Sector.RAIL,
                    T0.plus(Duration.ofDays(1)),
                    obs(type, value, ObservableRole.DESTINATION)));
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      p.send(new ProducerRecord<>(SignalboxTopics.telemetryTopic(MEMBER), null, bytes)).get();
    }
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

  static List<String> sightings() throws IOException {
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
