package org.signalbox.jobs.campaign;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.connectors.kafka.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/**
 * Sightings from Kafka. Undecodable records and sightings dated absurdly far in the future go to
 * dead letters with the reason: a single sighting from next year would otherwise drag the watermark
 * forward and close every open window.
 */
public final class SightingDecoder extends ProcessFunction<RawRecord, Sighting> {
  private static final long serialVersionUID = 1L;

  private final long maxFutureMillis;
  private transient AvroCodec<Sighting> codec;

  public SightingDecoder(Duration maxFutureSkew) {
    this.maxFutureMillis = maxFutureSkew.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    codec = AvroCodec.sighting();
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Sighting> out) {
    Sighting s;
    try {
      s = codec.decode(raw.value);
    } catch (IOException e) {
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(raw, "campaign-decode", "undecodable-avro", e.getMessage()));
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    long t = s.getEventTime().toEpochMilli();
    if (t > now + maxFutureMillis) {
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(
              raw,
              "campaign-decode",
              "absurd-event-time",
              "sighting "
                  + s.getSightingId()
                  + " is dated "
                  + s.getEventTime()
                  + ", more than "
                  + Duration.ofMillis(maxFutureMillis)
                  + " ahead of now"));
      return;
    }
    out.collect(s);
  }
}
