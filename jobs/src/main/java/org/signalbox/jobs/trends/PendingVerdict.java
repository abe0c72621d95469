package org.signalbox.jobs.trends;

import org.signalbox.schema.FeedbackVerdict;

/** A verdict waiting for the watermark to pass its report time. A Flink POJO. */
public class PendingVerdict {
  public String member;
  public FeedbackVerdict verdict;
  public long reportedAt;

  public PendingVerdict() {}
}
