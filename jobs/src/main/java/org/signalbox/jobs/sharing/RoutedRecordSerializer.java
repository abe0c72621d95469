package org.signalbox.jobs.sharing;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.jobs.common.AvroRecordSerializer;
import org.signalbox.jobs.common.SinkRecords;

/**
 * Writes each routed record to its own feed topic; one too large to write goes to the dead letters
 * instead of failing the job ({@link SinkRecords}).
 */
public final class RoutedRecordSerializer implements KafkaRecordSerializationSchema<RoutedRecord> {
  private static final long serialVersionUID = 1L;

  private final String deadLetterTopic;
  private transient Counter tooLarge;

  public RoutedRecordSerializer(String deadLetterTopic) {
    this.deadLetterTopic = deadLetterTopic;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    tooLarge = context.getMetricGroup().counter("outputsTooLarge");
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      RoutedRecord r, KafkaSinkContext context, Long timestamp) {
    // The producer stamps the write time: an alert's stream timestamp is the event time of the
    // sighting that raised it, which can be hours old and would mislead retention and latency.
    return SinkRecords.bounded(
        r.topic,
        r.key,
        r.value,
        deadLetterTopic,
        AvroRecordSerializer.DEFAULT_MAX_RECORD_BYTES,
        tooLarge,
        null);
  }
}
