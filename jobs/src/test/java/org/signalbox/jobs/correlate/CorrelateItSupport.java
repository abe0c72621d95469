package org.signalbox.jobs.correlate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.topics.SignalboxTopics;

/**
 * What the correlate job's broker ITCases share: a MiniCluster, the job's topics and options named
 * after one suffix, a submit, and plain byte clients (a producer, a read of a whole topic).
 */
final class CorrelateItSupport {
  private CorrelateItSupport() {}

  static MiniClusterExtension miniCluster() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());
  }

  static String indicatorsTopic(String suffix) {
    return "indicators-" + suffix;
  }

  static String sightingsTopic(String suffix) {
    return "sightings-" + suffix;
  }

  static String deadLetterTopic(String suffix) {
    return "deadletter-" + suffix;
  }

  /** The job's topics for {@code suffix}, and the telemetry topic of {@code member}. */
  static List<NewTopic> topics(String suffix, int indicatorPartitions, String member) {
    return List.of(
        new NewTopic(indicatorsTopic(suffix), indicatorPartitions, (short) 1),
        new NewTopic(sightingsTopic(suffix), 1, (short) 1),
        new NewTopic(deadLetterTopic(suffix), 1, (short) 1),
        new NewTopic("indicator-audit-" + suffix, 1, (short) 1),
        SignalboxTopics.telemetry(member, 1));
  }

  /** Options of a correlate job on {@link #topics}, reading {@code member}'s telemetry. */
  static Configuration jobConf(String bootstrapServers, String suffix, String member) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrapServers);
    conf.set(CorrelateOptions.GROUP_ID, "correlate-" + suffix);
    conf.set(CorrelateOptions.INDICATORS_TOPIC, indicatorsTopic(suffix));
    conf.set(CorrelateOptions.SIGHTINGS_TOPIC, sightingsTopic(suffix));
    conf.set(CorrelateOptions.DEAD_LETTER_TOPIC, deadLetterTopic(suffix));
    conf.set(CorrelateOptions.INDICATOR_AUDIT_TOPIC, "indicator-audit-" + suffix);
    conf.set(CorrelateOptions.TELEMETRY_TOPICS, "telemetry\\." + member);
    // The sinks are exactly-once: sightings are visible at checkpoints. One a second keeps the
    // tests' waits short.
    conf.set(CorrelateOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    return conf;
  }

  /** The unbounded correlate job with {@code conf}, at parallelism 1. */
  static JobClient submit(Configuration conf, String name) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(conf);
    env.setParallelism(1);
    CorrelateJob.reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, false);
    return env.executeAsync(name);
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Every record value of {@code topic} up to its current end, partition by partition. */
  static List<byte[]> readAll(String bootstrapServers, String topic) {
    // read_committed, as every reader of the job's output: committed sightings, each once.
    Properties p = KafkaClientConfig.plaintext(bootstrapServers).consumer("correlate-it");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
