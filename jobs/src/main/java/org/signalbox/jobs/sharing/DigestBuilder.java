package org.signalbox.jobs.sharing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.metrics.CampaignMetrics;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.AlertDigest;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DigestPeriod;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.SignalboxTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects, per audience (the key), the alert copies the router sent to that audience's feed, and
 * publishes them as one {@link AlertDigest} per configured period when the period closes: for
 * analysts who read an hourly or daily summary instead of every alert as it comes.
 *
 * <p>Windows are tumbling in processing time, aligned to UTC hours and days: a digest is a delivery
 * schedule ("what reached your feed in the last hour"), not an event-time aggregate. Its timer
 * fires when the period ends whether or not anything else arrives, so a daily digest is out minutes
 * after midnight even on a quiet weekend, when no sighting would move an event-time watermark; and
 * an alert escalated late must still reach the next digest rather than be dropped as late (see
 * jobs/DIGEST.md). Within a window only the latest revision of each alert is kept. An audience with
 * nothing in a window gets no digest, and its state and timer are gone after each emitted window.
 *
 * <p>The period boundary is testable: a harness drives the processing-time clock, and {@code
 * sharing.digest-window} shortens every period to seconds for end-to-end tests and demos against a
 * real clock, while the topics and the digest's {@code period} stay HOURLY/DAILY.
 */
public final class DigestBuilder extends KeyedProcessFunction<String, RoutedRecord, RoutedRecord> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DigestBuilder.class);

  private final List<DigestPeriod> periods;

  /** Window length of every period instead of an hour or a day; 0 for the real lengths. */
  private final long windowOverrideMillis;

  private transient AvroCodec<CampaignAlert> alertCodec;
  private transient AvroCodec<AlertDigest> digestCodec;
  private transient Map<DigestPeriod, MapState<String, byte[]>> alerts;
  private transient Map<DigestPeriod, ValueState<Long>> windowEnds;
  private transient Counter emitted;
  private transient Counter undecodable;

  public DigestBuilder(List<DigestPeriod> periods) {
    this(periods, null);
  }

  /**
   * @param windowOverride for tests and demos: every period's window lasts this long (aligned to
   *     multiples of it since the epoch) instead of an hour or a day; null for the real lengths
   */
  public DigestBuilder(List<DigestPeriod> periods, Duration windowOverride) {
    if (periods.isEmpty()) {
      throw new IllegalArgumentException("a digest needs at least one period");
    }
    if (windowOverride != null
        && (windowOverride.toMillis() < MIN_WINDOW.toMillis()
            || windowOverride.compareTo(Duration.ofDays(1)) > 0)) {
      throw new IllegalArgumentException(
          "sharing.digest-window must be between "
              + MIN_WINDOW.toMillis()
              + " ms and one day: "
              + windowOverride);
    }
    this.periods = List.copyOf(periods);
    this.windowOverrideMillis = windowOverride == null ? 0 : windowOverride.toMillis();
  }

  /** Shortest window {@code sharing.digest-window} accepts: a timer per audience per window. */
  static final Duration MIN_WINDOW = Duration.ofMillis(100);

  /** Parses {@code sharing.digest-periods}, e.g. "HOURLY,DAILY"; empty means no digests. */
  public static List<DigestPeriod> parsePeriods(String text) {
    List<DigestPeriod> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      try {
        DigestPeriod period = DigestPeriod.valueOf(p.toUpperCase(java.util.Locale.ROOT));
        if (!out.contains(period)) {
          out.add(period);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "digest period '" + p + "' is neither HOURLY nor DAILY", e);
      }
    }
    return out;
  }

  long length(DigestPeriod period) {
    if (windowOverrideMillis > 0) {
      return windowOverrideMillis;
    }
    return naturalLength(period);
  }

  static long naturalLength(DigestPeriod period) {
    return switch (period) {
      case HOURLY -> Duration.ofHours(1).toMillis();
      case DAILY -> Duration.ofDays(1).toMillis();
    };
  }

  @Override
  public void open(OpenContext openContext) {
    alertCodec = AvroCodec.campaignAlert();
    digestCodec = AvroCodec.alertDigest();
    alerts = new EnumMap<>(DigestPeriod.class);
    windowEnds = new EnumMap<>(DigestPeriod.class);
    for (DigestPeriod p : periods) {
      alerts.put(
          p,
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>(
                      "digest-alerts-" + p,
                      Types.STRING,
                      PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
      windowEnds.put(
          p,
          getRuntimeContext()
              .getState(new ValueStateDescriptor<>("digest-window-end-" + p, Types.LONG)));
    }
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    emitted = metrics.counter(CampaignMetrics.DIGESTS_EMITTED);
    undecodable = metrics.counter(CampaignMetrics.DIGEST_UNDECODABLE);
  }

  @Override
  public void processElement(RoutedRecord record, Context ctx, Collector<RoutedRecord> out)
      throws Exception {
    CampaignAlert alert;
    try {
      alert = alertCodec.decode(record.value);
    } catch (IOException e) {
      // The router of this job wrote it, so this is a bug upstream: count and report, never crash.
      undecodable.inc();
      LOG.error("routed record for {} is not a CampaignAlert: {}", record.audience, e.getMessage());
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    for (DigestPeriod p : periods) {
      ValueState<Long> end = windowEnds.get(p);
      Long current = end.value();
      if (current != null && current <= now) {
        // The window closed but its timer has not fired yet: publish it before starting the next.
        flush(ctx.getCurrentKey(), p, current, out);
        ctx.timerService().deleteProcessingTimeTimer(current);
        current = null;
      }
      if (current == null) {
        long len = length(p);
        current = now - Math.floorMod(now, len) + len;
        end.update(current);
        ctx.timerService().registerProcessingTimeTimer(current);
      }
      MapState<String, byte[]> kept = alerts.get(p);
      byte[] before = kept.get(alert.getAlertId());
      if (before == null || alertCodec.decode(before).getRevision() <= alert.getRevision()) {
        kept.put(alert.getAlertId(), record.value);
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RoutedRecord> out)
      throws Exception {
    for (DigestPeriod p : periods) {
      Long end = windowEnds.get(p).value();
      if (end != null && end == timestamp) {
        flush(ctx.getCurrentKey(), p, end, out);
      }
    }
  }

  private void flush(String audience, DigestPeriod p, long end, Collector<RoutedRecord> out)
      throws Exception {
    MapState<String, byte[]> kept = alerts.get(p);
    List<CampaignAlert> list = new ArrayList<>();
    for (byte[] value : kept.values()) {
      list.add(alertCodec.decode(value));
    }
    kept.clear();
    windowEnds.get(p).clear();
    if (list.isEmpty()) {
      return;
    }
    list.sort((a, b) -> a.getAlertId().compareTo(b.getAlertId()));
    Tlp tlp = list.get(0).getTlp();
    for (CampaignAlert a : list) {
      tlp = Tlps.mostRestrictive(tlp, a.getTlp());
    }
    long start = end - length(p);
    AlertDigest digest =
        AlertDigest.newBuilder()
            .setAudience(audience)
            .setPeriod(p)
            .setWindowStart(Instant.ofEpochMilli(start))
            .setWindowEnd(Instant.ofEpochMilli(end))
            .setAlerts(list)
            .setCount(list.size())
            .setTlp(tlp)
            .build();
    out.collect(
        new RoutedRecord(
            SignalboxTopics.digestTopic(audience, p.name()),
            audience,
            (audience + "/" + Instant.ofEpochMilli(start)).getBytes(StandardCharsets.UTF_8),
            digestCodec.encode(digest)));
    emitted.inc();
  }
}
