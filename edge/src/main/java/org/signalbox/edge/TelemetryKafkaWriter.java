package org.signalbox.edge;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.RequiredTopics;

/**
 * Sends sanitized events to {@code telemetry.<member>}: Avro single-object encoding, keyed by event
 * id, idempotent producer so a retry never duplicates an event. Send failures are counted and the
 * first is kept for the summary; they do not stop the edge.
 *
 * <p>The Kafka timestamp of each record is the time it is sent; the event time stays in the record
 * ({@code eventTime}) and is what the jobs' event time is read from. Stamping records with the
 * event time instead made the broker delete them on arrival: retention counts from the Kafka
 * timestamp, and logs replayed from years ago are older than any topic's retention, so telemetry
 * could never be re-read (after a restart from an older checkpoint, for a replay, a retro-hunt).
 */
public final class TelemetryKafkaWriter implements Consumer<TelemetryEvent>, AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final KafkaClientConfig client;
  private final AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();

  /** A writer to a PLAINTEXT listener (no login). */
  public TelemetryKafkaWriter(String bootstrapServers, String topic) {
    this(KafkaClientConfig.plaintext(bootstrapServers), topic);
  }

  /** A writer that logs in as {@code client} says ({@code --kafka-config}). */
  public TelemetryKafkaWriter(KafkaClientConfig client, String topic) {
    // Idempotent with acks=all (the factory's producer): a retry never duplicates an event.
    Properties p = client.producer("signalbox-edge");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.client = client;
  }

  /**
   * Fails now, with the name of the missing topic and the command that creates it, instead of
   * letting every send wait a minute for a topic that will not appear; and when the broker refuses
   * the login or does not answer, says what to check.
   *
   * @throws RequiredTopics.MissingTopicsException when the topic does not exist
   * @throws IllegalStateException when the broker refuses the login or does not answer
   */
  public void requireTopic(Duration timeout) {
    RequiredTopics.require(client, List.of(topic), "sanitize --kafka", timeout, "--kafka-config");
  }

  @Override
  public void accept(TelemetryEvent e) {
    producer.send(
        new ProducerRecord<>(
            topic,
            null,
            // Null: the producer stamps the time of sending (see the class comment).
            null,
            e.getEventId().getBytes(StandardCharsets.UTF_8),
            codec.encode(e)),
        (meta, ex) -> {
          if (ex != null) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, ex.toString());
          }
        });
  }

  public void flush() {
    producer.flush();
  }

  public long failures() {
    return failures.get();
  }

  public String firstFailure() {
    return firstFailure.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
