package org.signalbox.jobs.correlate;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/**
 * Drops sightings whose matched value is known benign, whatever indicator matched it: a CIDR or
 * domain-suffix indicator (or a pattern) can cover 8.8.8.8 or a cloud range even when its own value
 * is on no list. Each drop is counted per list and reported on the dead-letter topic with stage
 * {@code suppress}, naming the indicator, so the secretariat sees which indicators are too broad.
 */
public final class WarninglistSightingFilter extends ProcessFunction<Sighting, Sighting> {
  private static final long serialVersionUID = 1L;

  private final KnownBenign benign;
  private transient MetricGroup metrics;
  private transient Map<String, Counter> perList;
  private transient AvroCodec<Sighting> codec;

  public WarninglistSightingFilter(String warninglistDir) {
    this.benign = new KnownBenign(warninglistDir);
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    benign.open();
    metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    perList = new HashMap<>();
    codec = AvroCodec.sighting();
  }

  @Override
  public void processElement(Sighting s, Context ctx, Collector<Sighting> out) {
    List<String> lists = benign.listsHolding(s.getMatchedType(), s.getMatchedValue());
    if (lists.isEmpty()) {
      out.collect(s);
      return;
    }
    for (String list : lists) {
      perList
          .computeIfAbsent(
              list,
              l ->
                  metrics
                      .addGroup(CorrelateMetrics.WARNINGLIST, l)
                      .counter(CorrelateMetrics.SIGHTINGS_SUPPRESSED))
          .inc();
    }
    ctx.output(
        DeadLetters.TAG,
        DeadLetter.newBuilder()
            .setOriginTopic("sightings")
            .setPartition(0)
            .setOffset(0)
            .setStage("suppress")
            .setReason("warninglist-sighting")
            .setError(
                "indicator "
                    + s.getIndicatorId()
                    + " matched "
                    + s.getMatchedValue()
                    + " ("
                    + s.getMember()
                    + ", event "
                    + s.getEventId()
                    + "), which is on MISP warninglist(s) "
                    + lists
                    + ": sighting dropped; the indicator is too broad")
            .setRawKey(null)
            .setRaw(ByteBuffer.wrap(codec.encode(s)))
            .setFailedAt(Instant.now())
            .build());
  }
}
