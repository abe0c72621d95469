package org.signalbox.jobs.trends;

import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.TrendsMetrics;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.SignalboxTopics;

/**
 * Members' verdicts from their {@code feedback.<member>} topics. Only the member can write to its
 * topic, so the topic is the proof of the sender: a verdict whose {@code member} field names anyone
 * else is a forgery and goes to dead letters ({@code forged-member}, counted by {@code
 * trendVerdictsForged}, as the correlate job does for telemetry), as does a record that does not
 * decode or has no value. Topics outside the {@code feedback.<member>} naming (a renamed pattern)
 * prove nothing and are taken as they are.
 */
public final class VerdictDecoder extends ProcessFunction<RawRecord, Feedback>
    implements ResultTypeQueryable<Feedback> {

  static final String STAGE = "trends-decode";

  private transient AvroCodec<Feedback> codec;
  private transient Counter forged;

  @Override
  public void open(OpenContext ctx) {
    codec = AvroCodec.feedback();
    forged =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup(CorrelateMetrics.GROUP)
            .counter(TrendsMetrics.TREND_VERDICTS_FORGED);
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Feedback> out) {
    if (raw.value == null) {
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(
              raw, STAGE, "tombstone", "verdict record has no value (a Kafka tombstone)"));
      return;
    }
    Feedback f;
    try {
      f = codec.decode(raw.value);
    } catch (IOException e) {
      ctx.output(
          DeadLetters.TAG, DeadLetters.of(raw, STAGE, "undecodable Feedback", e.getMessage()));
      return;
    }
    String sender = sender(raw.topic);
    if (sender != null && !sender.equals(f.getMember())) {
      forged.inc();
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(
              raw,
              STAGE,
              "forged-member",
              "forged-member: verdict names member '"
                  + f.getMember()
                  + "' but came from the topic of '"
                  + sender
                  + "'"));
      return;
    }
    out.collect(f);
  }

  /** The member a feedback topic belongs to, or null when the topic is not named for one. */
  static String sender(String topic) {
    if (topic == null
        || !topic.startsWith(SignalboxTopics.FEEDBACK_PREFIX)
        || topic.length() == SignalboxTopics.FEEDBACK_PREFIX.length()) {
      return null;
    }
    return topic.substring(SignalboxTopics.FEEDBACK_PREFIX.length());
  }

  @Override
  public TypeInformation<Feedback> getProducedType() {
    return TypeInformation.of(Feedback.class);
  }
}
