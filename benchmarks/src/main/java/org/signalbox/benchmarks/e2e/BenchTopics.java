package org.signalbox.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.signalbox.kafka.KafkaClientConfig;

/** Reading a whole topic back, to count what a system under test produced. */
final class BenchTopics {
  private BenchTopics() {}

  /** Reads every record of {@code topic} present now; returns how many there were. */
  static long readAll(String bootstrap, String topic, Consumer<byte[]> valueConsumer) {
    return readRecords(bootstrap, topic, r -> valueConsumer.accept(r.value()));
  }

  /** Reads every record of {@code topic} present now, whole; returns how many there were. */
  static long readRecords(String bootstrap, String topic, RecordConsumer recordConsumer) {
    // read_committed, as every reader of a job's output: a system under test that writes in
    // transactions is counted by what it committed.
    Properties p = KafkaClientConfig.plaintext(bootstrap).consumer("bench-read");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        return 0;
      }
      for (PartitionInfo info : infos) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
      long n = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (!caughtUp(consumer, ends)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read topic " + topic + " to its end");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          n++;
          recordConsumer.accept(r);
        }
      }
      return n;
    }
  }

  /** Sum of the end offsets of every partition of {@code topic}: records written so far. */
  static long endOffsetSum(String bootstrap, String topic) {
    // The last stable offsets (read_committed): with transactional writers they also count the
    // commit markers, so this is a count of records only for at-least-once writers (the latency
    // run's correlate is one).
    Properties p = KafkaClientConfig.plaintext(bootstrap).consumer("bench-offsets");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      return consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Sees each record read back. */
  @FunctionalInterface
  interface RecordConsumer {
    void accept(ConsumerRecord<byte[], byte[]> record);
  }

  private static boolean caughtUp(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
