package org.signalbox.jobs.common;

import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.schema.support.AvroCodec;

/**
 * Writes Avro records in the project's wire format ({@link AvroCodec}) to one topic, keyed by a
 * field of the record so that everything about one key lands in one partition, in order.
 *
 * <p>No single record may fail the sink: a record the broker would refuse as too large fails the
 * producer, the job restarts, produces the same record again and so on for ever, stopping every
 * member's output. So a record larger than {@code maxRecordBytes} (key and value) is written as a
 * dead letter instead ({@code output-too-large}, with its first bytes and the SHA-256 of all of
 * them, see {@link DeadLetterRecords}); on the dead-letter sink itself, where that cannot help, it
 * is counted ({@code outputsDropped}) and logged. Dead letters are cut to a bound well below the
 * limit, so the last case means a bug, not input.
 */
public final class AvroRecordSerializer<T extends SpecificRecordBase>
    implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  /**
   * Largest key plus value written: below the producer's default {@code max.request.size} (1 MiB)
   * and the broker's default {@code message.max.bytes}, with room for headers and batch overhead.
   */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

  private final String topic;
  private final AvroCodec.Factory<T> codecFactory;
  private final SerializableFunction<T, String> key;
  private final String deadLetterTopic;
  private final int maxRecordBytes;
  private transient AvroCodec<T> codec;
  private transient Counter tooLarge;
  private transient Counter dropped;

  public AvroRecordSerializer(
      String topic, AvroCodec.Factory<T> codecFactory, SerializableFunction<T, String> key) {
    this(topic, codecFactory, key, null, DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * @param deadLetterTopic where a record too large to write goes instead; null on the dead-letter
   *     sink itself
   */
  public AvroRecordSerializer(
      String topic,
      AvroCodec.Factory<T> codecFactory,
      SerializableFunction<T, String> key,
      String deadLetterTopic,
      int maxRecordBytes) {
    this.topic = topic;
    this.codecFactory = codecFactory;
    this.key = key;
    this.deadLetterTopic = deadLetterTopic;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    tooLarge = context.getMetricGroup().counter("outputsTooLarge");
    dropped = context.getMetricGroup().counter("outputsDropped");
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    if (codec == null) {
      codec = codecFactory.get();
    }
    String k = key.apply(element);
    byte[] keyBytes = k == null ? null : k.getBytes(StandardCharsets.UTF_8);
    byte[] value = codec.encode(element);
    // The producer stamps the record with the time it is written. The stream timestamp is not
    // usable here: records released by a timer carry the timer's time, which can be far in the
    // past (Long.MIN_VALUE + 1 for the bootstrap gate), and consumers measure latency by it.
    return SinkRecords.bounded(
        topic, keyBytes, value, deadLetterTopic, maxRecordBytes, tooLarge, dropped);
  }
}
