package org.signalbox.jobs.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.support.AvroCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record every job sink hands the producer: the output itself when it fits, else a dead letter
 * about it. No single record may fail a sink: one the broker would refuse as too large fails the
 * producer, the job restarts, produces the same record again and so on for ever, stopping every
 * member's output.
 */
public final class SinkRecords {
  private static final Logger LOG = LoggerFactory.getLogger(SinkRecords.class);

  private SinkRecords() {}

  /**
   * {@code key} and {@code value} for {@code topic}, timestamped by the producer; or, when together
   * larger than {@code maxRecordBytes}, a dead letter ({@code output-too-large}, with the first
   * bytes, length and SHA-256 of the value, see {@link DeadLetterRecords}) for {@code
   * deadLetterTopic}; or, without a dead-letter topic (on the dead-letter sink itself), null after
   * counting it in {@code dropped} and logging it. Counters may be null (not opened).
   */
  public static ProducerRecord<byte[], byte[]> bounded(
      String topic,
      byte[] key,
      byte[] value,
      String deadLetterTopic,
      int maxRecordBytes,
      Counter tooLarge,
      Counter dropped) {
    long size = value.length + (key == null ? 0 : key.length);
    if (size <= maxRecordBytes) {
      return new ProducerRecord<>(topic, null, null, key, value);
    }
    if (tooLarge != null) {
      tooLarge.inc();
    }
    String error =
        "a record of "
            + size
            + " bytes for topic "
            + topic
            + " exceeds the limit of "
            + maxRecordBytes
            + " bytes; its first bytes are kept here";
    if (deadLetterTopic == null) {
      if (dropped != null) {
        dropped.inc();
      }
      LOG.error("dropped {}: {}", topic, error);
      return null;
    }
    DeadLetter.Builder letter =
        DeadLetter.newBuilder()
            .setOriginTopic(topic)
            .setPartition(-1)
            .setOffset(-1)
            .setStage("sink")
            .setReason("output-too-large")
            .setError(error)
            .setFailedAt(Instant.now());
    DeadLetterRecords.withRaw(letter, key, value);
    // A new codec each time: this path is rare, and codecs are not thread-safe.
    byte[] letterBytes = AvroCodec.deadLetter().encode(letter.build());
    return new ProducerRecord<>(
        deadLetterTopic, null, null, topic.getBytes(StandardCharsets.UTF_8), letterBytes);
  }
}
