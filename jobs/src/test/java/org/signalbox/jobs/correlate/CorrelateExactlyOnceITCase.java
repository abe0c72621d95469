package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.jobs.common.KafkaSinkOptions;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * Exactly-once out of the correlate job, against our own Kafka 4.2 broker (transactions v2), the
 * only proof that counts for this connector line: a {@code read_committed} reader sees sightings
 * only once the checkpoint after them has completed; when the TaskManager is killed after writing
 * sightings into an open transaction, the restarted job aborts that transaction and writes them
 * again, and the committed reader sees each sighting once while the log holds the aborted copies.
 *
 * <p>Checkpoints are taken by the test (the interval is ten minutes), so "before" and "after" a
 * commit are moments the test chooses, not races with a timer.
 */
class CorrelateExactlyOnceITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final String SUFFIX = "eos";
  static final String INDICATORS = CorrelateItSupport.indicatorsTopic(SUFFIX);
  static final String SIGHTINGS = CorrelateItSupport.sightingsTopic(SUFFIX);
  static final String MEMBER = "rail-eos";
  static final int INDICATOR_COUNT = 6;

  static LocalKafkaBroker broker;

  static String indicatorId(int i) {
    return String.format("indicator--7e000000-0000-4000-8000-%012d", i);
  }

  @BeforeAll
  static void startBroker() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        CorrelateItSupport.topics(SUFFIX, 1, MEMBER),
        Duration.ofSeconds(60));
    AvroCodec<Indicator> ic = AvroCodec.indicator();
    try (KafkaProducer<byte[], byte[]> p = CorrelateItSupport.producer(broker.bootstrapServers())) {
      for (int i = 0; i < INDICATOR_COUNT; i++) {
        Indicator ind = indicator(indicatorId(i), ObservableType.IPV4, value(i)).build();
        p.send(
                new ProducerRecord<>(
                    INDICATORS, ind.getId().getBytes(StandardCharsets.UTF_8), ic.encode(ind)))
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

  static String value(int i) {
    return "198.51.100." + (40 + i);
  }

  @Test
  void readCommittedSeesSightingsOnceCommittedAndNothingOfTheTransactionAKilledTaskLeftOpen(
      @InjectMiniCluster MiniCluster mini) throws Exception {
    Configuration conf = CorrelateItSupport.jobConf(broker.bootstrapServers(), SUFFIX, MEMBER);
    // Checkpoints only when the test triggers them.
    conf.set(CorrelateOptions.CHECKPOINT_INTERVAL, Duration.ofMinutes(10));
    conf.set(CorrelateOptions.SINKS.transactionTimeout(), Duration.ofMinutes(12));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    assertThat(conf.get(CorrelateOptions.SINKS.deliveryGuarantee()))
        .as("exactly-once is the default")
        .isEqualTo(KafkaSinkOptions.EXACTLY_ONCE);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(conf);
    env.setParallelism(1);
    CorrelateJob.reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, false);
    assertThat(env.getCheckpointConfig().isCheckpointingEnabled())
        .as("exactly-once sinks turn checkpointing on")
        .isTrue();
    JobClient job = env.executeAsync("correlate exactly-once itcase");
    JobID id = job.getJobID();
    try {
      List<String> first = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        first.add(send("before-" + i, value(i), indicatorId(i)));
      }
      // Written, in an open transaction: visible to read_uncommitted, not to read_committed.
      awaitCount(false, first, 1);
      assertThat(sightings(true)).as("committed before the first checkpoint").isEmpty();

      checkpoint(mini, id);
      awaitCount(true, first, 1);
      assertThat(sightings(true)).containsExactlyInAnyOrderElementsOf(first);

      List<String> second = new ArrayList<>();
      for (int i = 3; i < INDICATOR_COUNT; i++) {
        second.add(send("after-" + i, value(i), indicatorId(i)));
      }
      awaitCount(false, second, 1);
      assertThat(sightings(true))
          .as("the second batch is in an open transaction")
          .containsExactlyInAnyOrderElementsOf(first);

      // Kill the TaskManager with the transaction open. The job restarts from the checkpoint
      // above: its telemetry offsets are before the second batch, which is read and matched again.
      mini.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
      mini.startTaskManager();
      // The restarted job writes the second batch again, into a new transaction; until the next
      // checkpoint completes, read_committed still sees the first batch only.
      awaitCount(false, second, 2);
      assertThat(sightings(true))
          .as("after the restart, before its first checkpoint")
          .containsExactlyInAnyOrderElementsOf(first);
      checkpoint(mini, id);

      List<String> all = new ArrayList<>(first);
      all.addAll(second);
      awaitCount(true, all, 1);
      List<String> committed = sightings(true);
      assertThat(committed)
          .as("each sighting once in a read_committed read")
          .containsExactlyInAnyOrderElementsOf(all)
          .doesNotHaveDuplicates();
      // The aborted transaction's copies are in the log: read_uncommitted sees the second batch
      // twice. That is what read_committed was protecting its readers from.
      Map<String, Long> uncommitted = counts(sightings(false));
      for (String s : second) {
        assertThat(uncommitted.get(s)).as("copies of %s in the log", s).isEqualTo(2L);
      }
      for (String s : first) {
        assertThat(uncommitted.get(s)).as("copies of %s in the log", s).isEqualTo(1L);
      }
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTransactionTimeoutAboveTheBrokersMaximumIsRefusedWhenTheJobIsBuilt() {
    // The connector's default (an hour) is what this catches: the broker allows 15 minutes, and
    // every sink would fail at its first transaction and the job restart for ever.
    Configuration conf = CorrelateItSupport.jobConf(broker.bootstrapServers(), SUFFIX, MEMBER);
    conf.set(CorrelateOptions.SINKS.transactionTimeout(), Duration.ofHours(1));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(conf);
    assertThatThrownBy(() -> CorrelateKafka.attach(env, conf, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("correlate.transaction-timeout is PT1H")
        .hasMessageContaining("transaction.max.timeout.ms = 900000 ms")
        .hasMessageContaining("Lower correlate.transaction-timeout or raise");
  }

  /** Triggers a checkpoint, retrying while the job is (re)starting; waits for it to complete. */
  static void checkpoint(MiniCluster mini, JobID id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        if (mini.getJobStatus(id).get(10, TimeUnit.SECONDS) == JobStatus.RUNNING) {
          mini.triggerCheckpoint(id).get(60, TimeUnit.SECONDS);
          return;
        }
      } catch (java.util.concurrent.ExecutionException e) {
        // Not all tasks running yet after the restart: try again.
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      assertThat(System.nanoTime() < deadline).as("a checkpoint completed in time").isTrue();
      Thread.sleep(500);
    }
  }

  static String send(String eventId, String value, String indicatorId) throws Exception {
    byte[] bytes =
        AvroCodec.telemetry()
            .encode(
                event(
                    eventId,
                    MEMBER,
                    Sector.RAIL,
                    T0.plus(Duration.ofDays(1)),
                    obs(ObservableType.IPV4, value, ObservableRole.QUERY)));
    try (KafkaProducer<byte[], byte[]> p = CorrelateItSupport.producer(broker.bootstrapServers())) {
      p.send(
              new ProducerRecord<>(
                  SignalboxTopics.telemetryTopic(MEMBER),
                  eventId.getBytes(StandardCharsets.UTF_8),
                  bytes))
          .get();
    }
    return eventId + " -> " + indicatorId;
  }

  /** Waits until every expected sighting is there at least {@code copies} times. */
  static void awaitCount(boolean committed, List<String> expected, long copies) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      Map<String, Long> got = counts(sightings(committed));
      if (expected.stream().allMatch(s -> got.getOrDefault(s, 0L) >= copies)
          || System.nanoTime() > deadline) {
        assertThat(got.keySet())
            .as(
                "sightings on %s (%s)",
                SIGHTINGS, committed ? "read_committed" : "read_uncommitted")
            .containsAll(expected);
        assertThat(expected)
            .as("each at least %d times in %s", copies, got)
            .allMatch(s -> got.get(s) >= copies);
        return;
      }
      Thread.sleep(300);
    }
  }

  static Map<String, Long> counts(List<String> sightings) {
    return sightings.stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  /** Every sighting of the topic as "event -> indicator", read committed or uncommitted. */
  static List<String> sightings(boolean committed) throws Exception {
    Properties p = KafkaClientConfig.plaintext(broker.bootstrapServers()).consumer("eos-it-reader");
    if (!committed) {
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    }
    AvroCodec<Sighting> sc = AvroCodec.sighting();
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(SIGHTINGS)) {
        parts.add(new TopicPartition(SIGHTINGS, info.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      // read_committed: the last stable offset; read_uncommitted: the high watermark.
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          Sighting s = sc.decode(r.value());
          out.add(s.getEventId() + " -> " + s.getIndicatorId());
        }
      }
    }
    return out;
  }
}
