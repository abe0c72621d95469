package org.signalbox.jobs.campaign;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/**
 * Sightings from Kafka, checked against the member directory before they can count towards a
 * campaign or be routed. Rejected records go to dead letters with the reason and their origin, and
 * never reach the windows:
 *
 * <ul>
 *   <li>{@code undecodable-avro}: not a Sighting record;
 *   <li>{@code unknown-member}: the member is not in the directory. A name nobody vouches for could
 *       be invented to push an indicator over the campaign threshold, and would get a feed topic of
 *       its own;
 *   <li>{@code sector-mismatch}: the sector differs from the directory's. Usually an edge
 *       configured with the wrong {@code --sector}; counted as given, it would inflate the sector
 *       count (and the severity) of every alert the member contributes to;
 *   <li>{@code absurd-event-time}: dated more than {@code maxFutureSkew} ahead of now. A single
 *       sighting from next year would drag the watermark forward and close every open window.
 * </ul>
 */
public final class SightingDecoder extends ProcessFunction<RawRecord, Sighting> {
  private static final long serialVersionUID = 1L;

  static final String STAGE = "campaign-decode";

  private final MemberDirectory directory;
  private final long maxFutureMillis;
  private transient AvroCodec<Sighting> codec;
  private transient Counter rejected;

  public SightingDecoder(MemberDirectory directory, Duration maxFutureSkew) {
    this.directory = directory;
    this.maxFutureMillis = maxFutureSkew.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    codec = AvroCodec.sighting();
    rejected =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup("signalbox")
            .counter("campaignSightingsRejected");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Sighting> out) {
    Sighting s;
    try {
      s = codec.decode(raw.value);
    } catch (IOException e) {
      reject(raw, ctx, "undecodable-avro", e.getMessage());
      return;
    }
    Optional<MemberDirectory.Member> member = directory.member(s.getMember());
    if (member.isEmpty()) {
      reject(
          raw,
          ctx,
          "unknown-member",
          "sighting "
              + s.getSightingId()
              + " names member "
              + s.getMember()
              + ", who is not in the member directory");
      return;
    }
    if (member.get().sector() != s.getSector()) {
      reject(
          raw,
          ctx,
          "sector-mismatch",
          "sighting "
              + s.getSightingId()
              + " of "
              + s.getMember()
              + " says sector "
              + s.getSector()
              + ", the member directory says "
              + member.get().sector());
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    long t = s.getEventTime().toEpochMilli();
    if (t > now + maxFutureMillis) {
      reject(
          raw,
          ctx,
          "absurd-event-time",
          "sighting "
              + s.getSightingId()
              + " is dated "
              + s.getEventTime()
              + ", more than "
              + Duration.ofMillis(maxFutureMillis)
              + " ahead of now");
      return;
    }
    out.collect(s);
  }

  private void reject(RawRecord raw, Context ctx, String reason, String error) {
    rejected.inc();
    ctx.output(DeadLetters.TAG, DeadLetters.of(raw, STAGE, reason, error));
  }
}
