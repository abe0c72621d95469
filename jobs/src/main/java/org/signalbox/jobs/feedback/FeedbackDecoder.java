package org.signalbox.jobs.feedback;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.SignalboxTopics;

/**
 * Members' verdicts from their {@code feedback.<member>} topics. The topic is what proves the
 * sender (a literal write ACL per member), so a verdict is accepted only when the topic names a
 * member of the directory and the verdict's {@code member} field is that same member. Everything
 * else goes to dead letters with the reason, and never reaches the scorer:
 *
 * <ul>
 *   <li>{@code undecodable-avro}: not a Feedback record;
 *   <li>{@code unknown-member}: the topic names no member of the directory (or is not a {@code
 *       feedback.<member>} topic at all, so it cannot say who sent it);
 *   <li>{@code forged-member}: read from member A's topic but claiming to be member B's vote;
 *   <li>{@code absurd-event-time}: reported more than {@code maxFutureSkew} ahead of now, which
 *       would anchor the indicator's decay in the future.
 * </ul>
 */
public final class FeedbackDecoder extends ProcessFunction<RawRecord, ReceivedFeedback> {
  private static final long serialVersionUID = 1L;

  static final String STAGE = "feedback-decode";

  private final MemberDirectory directory;
  private final long maxFutureMillis;
  private transient AvroCodec<Feedback> codec;
  private transient Counter rejected;

  public FeedbackDecoder(MemberDirectory directory, Duration maxFutureSkew) {
    this.directory = directory;
    this.maxFutureMillis = maxFutureSkew.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    codec = AvroCodec.feedback();
    rejected =
        getRuntimeContext().getMetricGroup().addGroup("signalbox").counter("feedbackRejected");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<ReceivedFeedback> out) {
    Feedback f;
    try {
      f = codec.decode(raw.value);
    } catch (IOException e) {
      reject(raw, ctx, "undecodable-avro", e.getMessage());
      return;
    }
    String sender = senderOf(raw.topic);
    if (sender == null) {
      reject(
          raw,
          ctx,
          "unknown-member",
          "topic "
              + raw.topic
              + " is not a member's feedback topic ("
              + SignalboxTopics.FEEDBACK_PREFIX
              + "<member>), so nothing proves who sent the verdict of "
              + f.getMember()
              + " on "
              + f.getIndicatorId());
      return;
    }
    if (!directory.contains(sender)) {
      reject(
          raw,
          ctx,
          "unknown-member",
          "verdict on "
              + f.getIndicatorId()
              + " from topic "
              + raw.topic
              + ": "
              + sender
              + " is not a member of the directory");
      return;
    }
    if (!sender.equals(f.getMember())) {
      reject(
          raw,
          ctx,
          "forged-member",
          "verdict on "
              + f.getIndicatorId()
              + " claims member "
              + f.getMember()
              + " but was written to "
              + raw.topic
              + ", the topic of "
              + sender);
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    if (f.getReportedAt().toEpochMilli() > now + maxFutureMillis) {
      reject(
          raw,
          ctx,
          "absurd-event-time",
          "verdict of "
              + f.getMember()
              + " on "
              + f.getIndicatorId()
              + " is dated "
              + f.getReportedAt()
              + ", more than "
              + Duration.ofMillis(maxFutureMillis)
              + " ahead of now");
      return;
    }
    out.collect(ReceivedFeedback.of(f, raw));
  }

  /** The member a feedback topic belongs to, or null when the topic is not named per member. */
  static String senderOf(String topic) {
    if (topic == null
        || !topic.startsWith(SignalboxTopics.FEEDBACK_PREFIX)
        || topic.length() == SignalboxTopics.FEEDBACK_PREFIX.length()) {
      return null;
    }
    return topic.substring(SignalboxTopics.FEEDBACK_PREFIX.length());
  }

  private void reject(RawRecord raw, Context ctx, String reason, String error) {
    rejected.inc();
    ctx.output(DeadLetters.TAG, DeadLetters.of(raw, STAGE, reason, error));
  }
}
