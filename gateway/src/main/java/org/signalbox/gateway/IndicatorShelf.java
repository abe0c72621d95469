package org.signalbox.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.signalbox.core.IndicatorOwnership;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.support.AvroCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest version of every indicator on the indicators topic, read from the beginning, so that
 * each collection can serve the indicators its sightings and alerts refer to ({@link
 * FeedRecordConverter}). One shelf per gateway, shared by all collections: the topic is read once
 * and held once, not once per audience. Changes from a source other than an id's original one (and
 * not the secretariat) are refused here as the correlate job refuses them; a tombstone takes the id
 * off the shelf.
 *
 * <p>Held in memory like the collections (a restart rebuilds it); the price is one decoded record
 * per live indicator id.
 */
final class IndicatorShelf implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IndicatorShelf.class);
  private static final Duration TOPIC_RECHECK = Duration.ofSeconds(10);

  private final String topic;
  private final String secretariatSource;
  private final Properties props;
  private final Map<String, Indicator> newest = new ConcurrentHashMap<>();
  private final Map<String, String> owners = new HashMap<>();
  private final List<Consumer<Indicator>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final AvroCodec<Indicator> codec = AvroCodec.indicator();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running = true;
  private Thread thread;

  IndicatorShelf(String bootstrapServers, String topic, String secretariatSource) {
    this(KafkaClientConfig.plaintext(bootstrapServers), topic, secretariatSource);
  }

  IndicatorShelf(KafkaClientConfig client, String topic, String secretariatSource) {
    this.topic = topic;
    this.secretariatSource = secretariatSource;
    props = client.consumer("signalbox-gateway-indicators");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
  }

  /** The newest accepted version of an indicator, or null when the shelf holds none. */
  Indicator get(String id) {
    return newest.get(id);
  }

  /**
   * Calls {@code listener} (on the shelf's thread) with every version accepted from now on. Add
   * listeners before {@link #start}, or accept that versions before the call are only in {@link
   * #get}.
   */
  void onNewVersion(Consumer<Indicator> listener) {
    listeners.add(listener);
  }

  void start() {
    consumer = new KafkaConsumer<>(props);
    thread = new Thread(this::run, "gateway-indicators");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits until the shelf has read the topic up to the end offsets it had when reading began (at
   * once when the topic does not exist yet), so that sightings read after it find their indicators.
   *
   * @return whether it got there within {@code timeout}
   */
  boolean awaitLoaded(Duration timeout) throws InterruptedException {
    return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    Set<TopicPartition> assigned = new HashSet<>();
    Map<TopicPartition, Long> loadTo = null;
    long nextCheck = 0;
    ReadBackoff backoff = new ReadBackoff(LOG, "indicators");
    try {
      while (running) {
        try {
          if (System.nanoTime() - nextCheck >= 0) {
            Set<TopicPartition> found = partitions();
            if (!found.equals(assigned)) {
              Set<TopicPartition> added = new HashSet<>(found);
              added.removeAll(assigned);
              consumer.assign(found);
              consumer.seekToBeginning(added);
              assigned = found;
              LOG.info("indicators: reading {}", found);
            }
            if (loadTo == null) {
              loadTo = consumer.endOffsets(found);
            }
            nextCheck = System.nanoTime() + TOPIC_RECHECK.toNanos();
          }
          if (loaded.getCount() > 0 && caughtUp(loadTo)) {
            LOG.info("indicators: {} held after reading {} to its end", newest.size(), topic);
            loaded.countDown();
          }
          if (assigned.isEmpty()) {
            Thread.sleep(200);
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            accept(r);
          }
          backoff.succeeded();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          // A broker that is away or a refused read: the collections keep the indicators held.
          backoff.failed(topic, e);
          nextCheck = Math.min(nextCheck, System.nanoTime());
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // close() asked us to stop.
    } finally {
      loaded.countDown();
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean caughtUp(Map<TopicPartition, Long> loadTo) {
    if (loadTo == null) {
      return false;
    }
    for (Map.Entry<TopicPartition, Long> e : loadTo.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void accept(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      if (r.key() != null) {
        newest.remove(new String(r.key(), StandardCharsets.UTF_8));
      }
      return;
    }
    Indicator i;
    try {
      i = codec.decode(r.value());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "indicators: skipped {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return;
    }
    offer(i, r.topic() + "-" + r.partition() + "@" + r.offset());
  }

  /**
   * Takes a version onto the shelf and tells the listeners, unless its source may not change the id
   * or a newer version is already held.
   *
   * @param where the record's origin, for the log
   * @return whether it was taken
   */
  boolean offer(Indicator i, String where) {
    synchronized (owners) {
      String original = owners.get(i.getId());
      if (IndicatorOwnership.judge(original, i.getSource(), secretariatSource)
          == IndicatorOwnership.Verdict.REFUSED) {
        LOG.warn(
            "indicators: not served {}: {}",
            where,
            IndicatorOwnership.refusal(i.getId(), i.getSource(), original, secretariatSource));
        return false;
      }
      owners.putIfAbsent(i.getId(), IndicatorOwnership.ownerAfter(original, i.getSource()));
      Indicator held = newest.get(i.getId());
      if (held != null && !i.getVersion().isAfter(held.getVersion())) {
        return false; // a replay or an older version arriving late
      }
      newest.put(i.getId(), i);
    }
    for (Consumer<Indicator> l : listeners) {
      try {
        l.accept(i);
      } catch (RuntimeException e) {
        LOG.warn("indicators: a collection could not take {}: {}", i.getId(), e.toString());
      }
    }
    return true;
  }

  private Set<TopicPartition> partitions() {
    Set<TopicPartition> out = new HashSet<>();
    Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(10));
    for (PartitionInfo p : all.getOrDefault(topic, List.of())) {
      out.add(new TopicPartition(topic, p.partition()));
    }
    return out;
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
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
