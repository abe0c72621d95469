package org.signalbox.jobs.correlate;

import java.time.Instant;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.OutputTag;
import org.signalbox.jobs.common.DeadLetterRecords;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.schema.DeadLetter;

/** Building dead letters, and the side output every stage routes them to. */
public final class DeadLetters {
  private DeadLetters() {}

  public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  /**
   * The dead letters of a job, counted by reason ({@link DeadLetterCounter}) on their way to the
   * sink; every job passes its union of dead letters through here once.
   */
  public static DataStream<DeadLetter> counted(DataStream<DeadLetter> letters, String uid) {
    return letters.map(new DeadLetterCounter()).name("count dead letters").uid(uid);
  }

  public static DeadLetter of(RawRecord raw, String stage, String reason, String error) {
    DeadLetter.Builder letter =
        DeadLetter.newBuilder()
            .setOriginTopic(raw.topic == null ? "unknown" : raw.topic)
            .setPartition(raw.partition)
            .setOffset(raw.offset)
            .setStage(stage)
            .setReason(reason)
            .setError(DeadLetterRecords.errorText(error == null ? reason : error))
            .setFailedAt(Instant.now());
    // Cut to a bound: a record near the broker's size limit must not make a dead letter above it.
    return DeadLetterRecords.withRaw(letter, raw.key, raw.value).build();
  }
}
