package org.signalbox.jobs.sharing;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes each routed record to its own feed topic. */
public final class RoutedRecordSerializer implements KafkaRecordSerializationSchema<RoutedRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      RoutedRecord r, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(r.topic, null, timestamp, r.key, r.value);
  }
}
