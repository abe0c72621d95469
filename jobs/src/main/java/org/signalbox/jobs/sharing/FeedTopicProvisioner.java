package org.signalbox.jobs.sharing;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.topics.SignalboxTopics;

/**
 * Makes sure a feed topic exists before the first record for it reaches the Kafka sink. Feeds
 * appear with their audience (a member joins, a sharing group is named), brokers do not create
 * topics on demand, and a sink writing to a missing topic fails the whole job. The router is the
 * only writer of feed topics, so it is also the one that creates them.
 *
 * <p>Each subtask remembers the topics it has ensured; asking the broker is a rare event.
 */
public final class FeedTopicProvisioner extends RichMapFunction<RoutedRecord, RoutedRecord> {
  private static final long serialVersionUID = 1L;

  private final KafkaClientConfig client;
  private final int partitions;
  private transient Set<String> ensured;
  private transient Admin admin;

  public FeedTopicProvisioner(KafkaClientConfig client, int partitions) {
    this.client = client;
    this.partitions = partitions;
  }

  @Override
  public void open(OpenContext openContext) {
    ensured = new HashSet<>();
    java.util.Properties p = client.admin();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    admin = Admin.create(p);
  }

  @Override
  public RoutedRecord map(RoutedRecord record) throws Exception {
    if (ensured.add(record.topic)) {
      ensure(record.topic);
    }
    return record;
  }

  private void ensure(String topic) throws Exception {
    // The name was built by Audience; validate anyway, a bad name would fail every retry.
    SignalboxTopics.validateTopicName(topic);
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) -1)))
          .all()
          .get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        ensured.remove(topic);
        throw e;
      }
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
