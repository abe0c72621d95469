package org.signalbox.connectors.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.schema.support.AvroCodec;

/**
 * Writes Avro records in the project's wire format ({@link AvroCodec}) to one topic, keyed by a
 * field of the record so that everything about one key lands in one partition, in order.
 */
public final class AvroRecordSerializer<T extends SpecificRecordBase>
    implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final AvroCodec.Factory<T> codecFactory;
  private final SerializableFunction<T, String> key;
  private transient AvroCodec<T> codec;

  public AvroRecordSerializer(
      String topic, AvroCodec.Factory<T> codecFactory, SerializableFunction<T, String> key) {
    this.topic = topic;
    this.codecFactory = codecFactory;
    this.key = key;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    if (codec == null) {
      codec = codecFactory.get();
    }
    String k = key.apply(element);
    // The producer stamps the record with the time it is written. The stream timestamp is not
    // usable here: records released by a timer carry the timer's time, which can be far in the
    // past (Long.MIN_VALUE + 1 for the bootstrap gate), and consumers measure latency by it.
    return new ProducerRecord<>(
        topic,
        null,
        null,
        k == null ? null : k.getBytes(StandardCharsets.UTF_8),
        codec.encode(element));
  }
}
