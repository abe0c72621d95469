package org.signalbox.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.signalbox.core.IndicatorOwnership;
import org.signalbox.kafka.KafkaClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collection fed from Kafka topics, read from the beginning on every start (the store is in
 * memory). Partitions are assigned, not subscribed: the gateway keeps no consumer group offsets,
 * and a topic that does not exist yet (a feed the router has not written to) is picked up when it
 * appears.
 */
public final class KafkaCollectionFeed implements CollectionFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaCollectionFeed.class);
  private static final Duration TOPIC_RECHECK = Duration.ofSeconds(10);

  private final String audience;
  private final List<String> topics;
  private final Properties props;
  private final FeedRecordConverter converter;
  private final IndicatorShelf shelf;
  private final GatewayMetrics metrics;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running = true;
  private Thread thread;

  KafkaCollectionFeed(
      KafkaClientConfig client,
      String audience,
      List<String> topics,
      FeedRecordConverter converter,
      IndicatorShelf shelf,
      GatewayMetrics metrics) {
    this.audience = audience;
    this.topics = List.copyOf(topics);
    this.converter = converter;
    this.shelf = shelf;
    this.metrics = metrics;
    // read_committed (the factory's consumer): the sharing router writes feeds in transactions, and
    // a member must be served each committed record once and never one of an aborted transaction.
    props = client.consumer("signalbox-gateway-" + audience.replace(':', '.'));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
  }

  @Override
  public void start(Consumer<ObjectNode> sink) {
    if (shelf != null) {
      // New versions of indicators this collection's records refer to, served as they arrive.
      shelf.onNewVersion(
          i ->
              converter
                  .onIndicator(i)
                  .ifPresent(
                      o -> {
                        sink.accept(o);
                        metrics.record(audience, "indicator_update");
                      }));
    }
    consumer = new KafkaConsumer<>(props);
    thread = new Thread(() -> run(sink), "gateway-feed-" + audience);
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Consumer<ObjectNode> sink) {
    Set<TopicPartition> assigned = new HashSet<>();
    long nextCheck = 0;
    ReadBackoff backoff = new ReadBackoff(LOG, "collection " + audience);
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
              LOG.info("collection {}: reading {}", audience, found);
            }
            nextCheck = System.nanoTime() + TOPIC_RECHECK.toNanos();
          }
          if (assigned.isEmpty()) {
            Thread.sleep(200);
            nextCheck = Math.min(nextCheck, System.nanoTime() + Duration.ofSeconds(1).toNanos());
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            deliver(r, sink);
          }
          backoff.succeeded();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          // A broker that is away (a timeout listing the topics), a login refused, an ACL missing.
          metrics.record(audience, "read_error");
          backoff.failed(topics, e);
          nextCheck = Math.min(nextCheck, System.nanoTime());
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // close() asked us to stop.
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void deliver(ConsumerRecord<byte[], byte[]> r, Consumer<ObjectNode> sink) {
    FeedRecordConverter.Result result;
    try {
      result = converter.convert(r.value());
    } catch (RuntimeException e) {
      result =
          new FeedRecordConverter.Result(
              FeedRecordConverter.Outcome.UNDECODABLE, java.util.List.of(), e.toString());
    }
    switch (result.outcome()) {
      case CONVERTED:
        result.objects().forEach(sink);
        break;
      case UNDECODABLE:
        // Not dropped silently: the origin is logged and counted; the record stays in Kafka.
        LOG.warn(
            "collection {}: skipped {}-{}@{}: {}",
            audience,
            r.topic(),
            r.partition(),
            r.offset(),
            result.reason());
        metrics.record(audience, "undecodable");
        break;
      case WITHHELD_TLP:
        metrics.record(audience, "withheld_tlp");
        break;
      case NOT_ORIGINAL_SOURCE:
        LOG.warn(
            "collection {}: not served {}-{}@{}: {}",
            audience,
            r.topic(),
            r.partition(),
            r.offset(),
            result.reason());
        metrics.record(audience, IndicatorOwnership.REFUSED_REASON.replace('-', '_'));
        break;
      default:
        metrics.record(audience, "tombstone");
    }
  }

  private Set<TopicPartition> partitions() {
    Set<TopicPartition> out = new HashSet<>();
    Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(10));
    for (String t : topics) {
      for (PartitionInfo p : all.getOrDefault(t, new ArrayList<>())) {
        out.add(new TopicPartition(t, p.partition()));
      }
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
