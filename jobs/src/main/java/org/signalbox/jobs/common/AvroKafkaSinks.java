package org.signalbox.jobs.common;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;
import org.signalbox.schema.support.AvroCodec;

/**
 * The one way the jobs write Avro records to Kafka: the project's wire format ({@link AvroCodec}),
 * keyed by a field of the record, at-least-once. Consumers deduplicate by the records'
 * deterministic ids; exactly-once would need transactions and checkpoint-bound latency.
 */
public final class AvroKafkaSinks {
  private AvroKafkaSinks() {}

  public static <T extends SpecificRecordBase> KafkaSink<T> of(
      String bootstrapServers,
      String topic,
      AvroCodec.Factory<T> codec,
      SerializableFunction<T, String> key) {
    return of(bootstrapServers, topic, codec, key, null);
  }

  /**
   * @param deadLetterTopic where a record too large to write goes instead of failing the job (see
   *     {@link AvroRecordSerializer}); null for the dead-letter sink itself
   */
  public static <T extends SpecificRecordBase> KafkaSink<T> of(
      String bootstrapServers,
      String topic,
      AvroCodec.Factory<T> codec,
      SerializableFunction<T, String> key,
      String deadLetterTopic) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrapServers)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(
            new AvroRecordSerializer<>(
                topic, codec, key, deadLetterTopic, AvroRecordSerializer.DEFAULT_MAX_RECORD_BYTES))
        .build();
  }
}
