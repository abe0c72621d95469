package org.signalbox.jobs.feedback;

import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.connectors.kafka.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.support.AvroCodec;

/** Members' verdicts from Kafka; undecodable records go to dead letters with the reason. */
public final class FeedbackDecoder extends ProcessFunction<RawRecord, Feedback> {
  private static final long serialVersionUID = 1L;

  private transient AvroCodec<Feedback> codec;

  @Override
  public void open(OpenContext openContext) {
    codec = AvroCodec.feedback();
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Feedback> out) {
    try {
      out.collect(codec.decode(raw.value));
    } catch (IOException e) {
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(raw, "feedback-decode", "undecodable-avro", e.getMessage()));
    }
  }
}
