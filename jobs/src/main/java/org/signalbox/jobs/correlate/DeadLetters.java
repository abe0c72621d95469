package org.signalbox.jobs.correlate;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.OutputTag;
import org.signalbox.connectors.kafka.RawRecord;
import org.signalbox.schema.DeadLetter;

/** Building dead letters, and the side output every stage routes them to. */
public final class DeadLetters {
  private DeadLetters() {}

  public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  /** Longest error text kept; the raw bytes are the evidence, the text is for people. */
  private static final int MAX_ERROR_CHARS = 2000;

  /**
   * The dead letters of a job, counted by reason ({@link DeadLetterCounter}) on their way to the
   * sink; every job passes its union of dead letters through here once.
   */
  public static DataStream<DeadLetter> counted(DataStream<DeadLetter> letters, String uid) {
    return letters.map(new DeadLetterCounter()).name("count dead letters").uid(uid);
  }

  public static DeadLetter of(RawRecord raw, String stage, String reason, String error) {
    String text = error == null ? reason : error;
    if (text.length() > MAX_ERROR_CHARS) {
      text = text.substring(0, MAX_ERROR_CHARS) + "...";
    }
    return DeadLetter.newBuilder()
        .setOriginTopic(raw.topic == null ? "unknown" : raw.topic)
        .setPartition(raw.partition)
        .setOffset(raw.offset)
        .setStage(stage)
        .setReason(reason)
        .setError(text)
        .setRawKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
        .setRaw(raw.value == null ? null : ByteBuffer.wrap(raw.value))
        .setFailedAt(Instant.now())
        .build();
  }
}
