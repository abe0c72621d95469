package org.signalbox.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.support.AvroCodec;

/**
 * No record can fail the sink: one above the limit becomes a dead letter that fits, and the dead
 * letter of a record at the broker's limit fits too.
 */
class AvroRecordSerializerTest {
  private static final int LIMIT = AvroRecordSerializer.DEFAULT_MAX_RECORD_BYTES;

  @Test
  void aDeadLetterOfARecordAtTheBrokerLimitIsCutAndCarriesLengthAndHash() throws Exception {
    byte[] raw = new byte[1_048_000];
    new Random(7).nextBytes(raw);
    byte[] key = new byte[400];
    new Random(8).nextBytes(key);

    DeadLetter letter = letter(raw, key);
    byte[] encoded = AvroCodec.deadLetter().encode(letter);

    assertThat(encoded.length).isLessThan(LIMIT / 10);
    assertThat(letter.getRaw().remaining()).isEqualTo(DeadLetterRecords.MAX_RAW_BYTES);
    assertThat(letter.getRawLength()).isEqualTo(1_048_000L);
    assertThat(letter.getRawKeyLength()).isEqualTo(400L);
    assertThat(letter.getRawSha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)));
    byte[] head = new byte[DeadLetterRecords.MAX_RAW_BYTES];
    letter.getRaw().duplicate().get(head);
    assertThat(ByteBuffer.wrap(head)).isEqualTo(ByteBuffer.wrap(raw, 0, head.length));
  }

  @Test
  void aSmallRecordIsKeptWhole() {
    byte[] raw = "{\"ts\":1}".getBytes(StandardCharsets.UTF_8);
    DeadLetter letter = letter(raw, null);
    assertThat(letter.getRaw()).isEqualTo(ByteBuffer.wrap(raw));
    assertThat(letter.getRawLength()).isEqualTo((long) raw.length);
    assertThat(letter.getRawKey()).isNull();
  }

  @Test
  void anOutputAboveTheLimitGoesToTheDeadLetterTopicAndFits() throws Exception {
    AvroRecordSerializer<DeadLetter> serializer =
        new AvroRecordSerializer<>(
            "sightings", AvroCodec::deadLetter, d -> "k", "dead-letters", LIMIT);
    byte[] huge = new byte[DeadLetterRecords.MAX_RAW_BYTES];
    DeadLetter big =
        base()
            .setError("x".repeat(LIMIT)) // the error text is not cut here: this record is "output"
            .setRaw(ByteBuffer.wrap(huge))
            .build();

    ProducerRecord<byte[], byte[]> out = serializer.serialize(big, null, null);

    assertThat(out.topic()).isEqualTo("dead-letters");
    assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("sightings");
    assertThat(out.value().length).isLessThan(LIMIT);
    DeadLetter letter = AvroCodec.deadLetter().decode(out.value());
    assertThat(letter.getReason()).isEqualTo("output-too-large");
    assertThat(letter.getStage()).isEqualTo("sink");
    assertThat(letter.getOriginTopic()).isEqualTo("sightings");
    assertThat(letter.getRawLength()).isGreaterThan((long) LIMIT);
  }

  @Test
  void anOutputWithinTheLimitGoesToItsTopic() throws Exception {
    AvroRecordSerializer<DeadLetter> serializer =
        new AvroRecordSerializer<>(
            "sightings", AvroCodec::deadLetter, d -> "k", "dead-letters", LIMIT);
    ProducerRecord<byte[], byte[]> out = serializer.serialize(base().build(), null, null);
    assertThat(out.topic()).isEqualTo("sightings");
    assertThat(AvroCodec.deadLetter().decode(out.value()).getReason()).isEqualTo("test");
  }

  @Test
  void onTheDeadLetterSinkItselfAnOversizeRecordIsDroppedNotThrown() {
    AvroRecordSerializer<DeadLetter> serializer =
        new AvroRecordSerializer<>("dead-letters", AvroCodec::deadLetter, d -> "k", null, 1000);
    DeadLetter big = base().setError("x".repeat(5000)).build();
    assertThat(serializer.serialize(big, null, null)).isNull();
  }

  private static DeadLetter letter(byte[] raw, byte[] key) {
    return DeadLetterRecords.withRaw(base(), key, raw).build();
  }

  private static DeadLetter.Builder base() {
    return DeadLetter.newBuilder()
        .setOriginTopic("telemetry.m1")
        .setPartition(0)
        .setOffset(1)
        .setStage("decode")
        .setReason("test")
        .setError("bad")
        .setFailedAt(Instant.parse("2026-11-01T00:00:00Z"));
  }
}
