package org.signalbox.cli.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.signalbox.topics.SignalboxTopics;

/**
 * Watches the sightings topic while the chaos run streams, read_committed, to see when output flows
 * again after a fault and when it has settled. It only counts records; what they are is counted
 * afterwards, from the start of the topic ({@link ChaosReport}).
 */
final class ChaosMonitor implements AutoCloseable {
  private final String bootstrap;
  private final AtomicLong sightings = new AtomicLong();
  private final AtomicLong lastAdvance = new AtomicLong(System.nanoTime());
  private volatile boolean running = true;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  ChaosMonitor(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  void start() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer = new KafkaConsumer<>(p);
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo info :
        consumer.partitionsFor(SignalboxTopics.SIGHTINGS, Duration.ofSeconds(30))) {
      parts.add(new TopicPartition(SignalboxTopics.SIGHTINGS, info.partition()));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    thread = new Thread(this::poll, "signalbox-chaos-monitor");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (running) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          n++;
        }
        if (n > 0) {
          sightings.addAndGet(n);
          lastAdvance.set(System.nanoTime());
        }
      }
    } catch (WakeupException closing) {
      // close() asked
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  long sightings() {
    return sightings.get();
  }

  /**
   * Waits until more than {@code before} sightings were delivered.
   *
   * @return seconds from {@code since} (a nanoTime) until then, or NaN at the timeout
   */
  double awaitMoreThan(long before, Duration timeout, long since) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sightings.get() <= before) {
      if (System.nanoTime() > deadline) {
        return Double.NaN;
      }
      Thread.sleep(100);
    }
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * Waits until {@code expected} sightings arrived, or none arrived for {@code quiet}: then
   * whatever is missing is missing.
   */
  void awaitSettled(long expected, Duration quiet, Consumer<String> progress)
      throws InterruptedException {
    long lastSaid = System.nanoTime();
    while (sightings.get() < expected && System.nanoTime() - lastAdvance.get() < quiet.toNanos()) {
      Thread.sleep(200);
      if (System.nanoTime() - lastSaid > 10_000_000_000L) {
        lastSaid = System.nanoTime();
        progress.accept(String.format("%,d of %,d sightings delivered", sightings(), expected));
      }
    }
    // A duplicate would come with the same checkpoint: one more interval's worth of waiting.
    Thread.sleep(5000);
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
