package org.signalbox.jobs.feedback;

import org.signalbox.jobs.common.RawRecord;
import org.signalbox.schema.Feedback;

/**
 * A member's verdict together with where it was read (topic, partition, offset), so that a verdict
 * the scorer rejects later (on an unknown indicator, of an unknown kind) becomes a dead letter that
 * points at the record itself, as every other dead letter does. A Flink POJO.
 */
public class ReceivedFeedback {
  public Feedback feedback;
  public String originTopic;
  public int partition;
  public long offset;

  public ReceivedFeedback() {}

  public ReceivedFeedback(Feedback feedback, String originTopic, int partition, long offset) {
    this.feedback = feedback;
    this.originTopic = originTopic;
    this.partition = partition;
    this.offset = offset;
  }

  /** The verdict decoded from {@code raw}, with the raw record's origin. */
  public static ReceivedFeedback of(Feedback feedback, RawRecord raw) {
    return new ReceivedFeedback(feedback, raw.topic, raw.partition, raw.offset);
  }

  public String indicatorId() {
    return feedback.getIndicatorId();
  }
}
