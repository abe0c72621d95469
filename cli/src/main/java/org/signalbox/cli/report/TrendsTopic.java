package org.signalbox.cli.report;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.TrendRecord;
import org.signalbox.schema.support.AvroCodec;

/**
 * Reads the trends topic from its start up to the end offsets at the time of the call, without a
 * consumer group (a report must not move anyone's committed offsets), keeping the records whose
 * window overlaps {@code [from, to)}. Records that do not decode are reported with partition and
 * offset and skipped.
 */
public final class TrendsTopic {
  private TrendsTopic() {}

  public record Result(List<TrendRecord> trends, int badRecords) {}

  public static Result read(
      String bootstrap,
      String topic,
      Instant from,
      Instant to,
      Duration timeout,
      PrintStream errors)
      throws IOException {
    return read(KafkaClientConfig.plaintext(bootstrap), topic, from, to, timeout, errors);
  }

  /**
   * As {@link #read(String, String, Instant, Instant, Duration, PrintStream)} with a login.
   * Committed records only: the trends job writes in transactions, and a figure of an aborted one
   * would be counted twice after the job's restart writes it again.
   */
  public static Result read(
      KafkaClientConfig client,
      String topic,
      Instant from,
      Instant to,
      Duration timeout,
      PrintStream errors)
      throws IOException {
    String bootstrap = client.bootstrapServers();
    Properties p = client.consumer("signalbox-report");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    AvroCodec<TrendRecord> codec = AvroCodec.trendRecord();
    List<TrendRecord> out = new ArrayList<>();
    int bad = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IOException("topic '" + topic + "' does not exist at " + bootstrap);
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(c, end)) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "timed out reading '"
                  + topic
                  + "' up to its end offsets "
                  + end
                  + " after "
                  + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            TrendRecord t = codec.decode(r.value());
            if (overlaps(t, from, to)) {
              out.add(t);
            }
          } catch (IOException e) {
            errors.println(
                topic
                    + "-"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + ": not a TrendRecord: "
                    + e.getMessage());
            bad++;
          }
        }
      }
    }
    return new Result(out, bad);
  }

  /**
   * Whether a record's window overlaps {@code [from, to)}. Not "starts in it": a weekly figure
   * starts on the Monday before a range that begins mid-week and must still be read, whole, so that
   * the same week gives the same figure whatever range contains it.
   */
  static boolean overlaps(TrendRecord t, Instant from, Instant to) {
    return t.getWindowEnd().isAfter(from) && t.getWindowStart().isBefore(to);
  }

  private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
