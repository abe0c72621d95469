package org.signalbox.jobs.sharing;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes each routed record to its own feed topic. */
public final class RoutedRecordSerializer implements KafkaRecordSerializationSchema<RoutedRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      RoutedRecord r, KafkaSinkContext context, Long timestamp) {
    // The producer stamps the write time: an alert's stream timestamp is the event time of the
    // sighting that raised it, which can be hours old and would mislead retention and latency.
    return new ProducerRecord<>(r.topic, null, null, r.key, r.value);
  }
}
