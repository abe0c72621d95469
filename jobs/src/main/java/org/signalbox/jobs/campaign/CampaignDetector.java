package org.signalbox.jobs.campaign;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.metrics.CampaignMetrics;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.HeldCounts;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

/**
 * Cross-member campaign detection for one key ("KIND|value", see {@link CampaignKeys}).
 *
 * <p>A sliding event-time window, kept by hand rather than with the window API so that escalation
 * and cleanup are explicit: per member the latest (and earliest) sighting time of the current
 * episode. A member counts while its latest sighting is less than {@code window} older than the
 * newest sighting of the key, and leaves state when the watermark passes its latest sighting plus
 * the window. An alert is raised when at least {@code minMembers} distinct members are in the
 * window, and re-emitted as a new revision of the same alert only when the member or sector count
 * exceeds every count emitted before, so the same situation never produces a duplicate, even when
 * members leave and others take their place.
 *
 * <p>A member stays in state until the watermark passes its last sighting plus the window plus the
 * allowed lateness, so that a sighting within the lateness still meets the members it overlapped.
 * An episode lasts while any member is in state; when the last one expires all state of the key
 * goes, and a later sighting starts a new episode with a new alert id. One event-time timer per key
 * at a time (the earliest member expiry) keeps timers from piling up on hot keys.
 *
 * <p>Sightings behind the watermark by at most {@code allowedLateness} are counted as usual (and in
 * {@code lateSightings}); older ones, and ones whose window has already closed, cannot be placed
 * honestly any more: they go to {@link #TOO_LATE} and the {@code campaignSightingsTooLate} counter
 * instead of disappearing.
 *
 * <p>Gauges {@code campaignWindowKeys} and {@code campaignWindowMembers} say how much the windows
 * hold, counted as keys and members come and go (never by scanning state) and checkpointed with the
 * state they count ({@link HeldCounts}).
 */
public final class CampaignDetector
    extends KeyedProcessFunction<String, CampaignObservation, CampaignAlert>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<CampaignObservation> TOO_LATE =
      new OutputTag<>("campaign-too-late", TypeInformation.of(CampaignObservation.class));

  /** Decisions to suppress a flooding indicator, for the secretariat. */
  public static final OutputTag<FloodDecision> FLOODED =
      new OutputTag<>("campaign-flooded", TypeInformation.of(FloodDecision.class));

  private static final long NO_TIMER = Long.MIN_VALUE;
  private static final int KEYS = 0;
  private static final int MEMBERS = 1;

  private final int minMembers;
  private final long windowMillis;
  private final long latenessMillis;
  private final int maxIndicatorIds;
  private final int floodMembers;
  private final long floodSuppressionMillis;

  private transient MapState<String, MemberPresence> members;
  private transient MapState<String, Boolean> indicatorsSeen;
  private transient ValueState<Episode> episode;
  private transient Counter tooLate;
  private transient Counter lateCounted;
  private transient Counter raised;
  private transient Counter escalated;
  private transient Counter floods;
  private transient Counter suppressedObservations;
  private final HeldCounts held = new HeldCounts("campaign-window-held", 2);

  public CampaignDetector(
      int minMembers, Duration window, Duration allowedLateness, int maxIndicatorIds) {
    this(minMembers, window, allowedLateness, maxIndicatorIds, 0, Duration.ZERO);
  }

  /**
   * @param floodMembers an indicator seen by this many members within the window is taken for a
   *     shared service or a warninglist gap, not a campaign; 0 turns the guard off
   * @param floodSuppression how long (event time) such an indicator raises no alerts
   */
  public CampaignDetector(
      int minMembers,
      Duration window,
      Duration allowedLateness,
      int maxIndicatorIds,
      int floodMembers,
      Duration floodSuppression) {
    if (minMembers < 1) {
      throw new IllegalArgumentException("campaign.min-members must be at least 1: " + minMembers);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("campaign.window must be positive: " + window);
    }
    this.minMembers = minMembers;
    this.windowMillis = window.toMillis();
    this.latenessMillis = allowedLateness.toMillis();
    this.maxIndicatorIds = maxIndicatorIds;
    if (floodMembers != 0 && floodMembers <= minMembers) {
      throw new IllegalArgumentException(
          "campaign.flood-members must be 0 (off) or more than campaign.min-members: "
              + floodMembers);
    }
    this.floodMembers = floodMembers;
    this.floodSuppressionMillis = floodSuppression.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    members =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "campaign-members", Types.STRING, TypeInformation.of(MemberPresence.class)));
    indicatorsSeen =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("campaign-indicators", Types.STRING, Types.BOOLEAN));
    episode =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("campaign-episode", TypeInformation.of(Episode.class)));
    MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    tooLate = metrics.counter(CampaignMetrics.SIGHTINGS_TOO_LATE);
    lateCounted = metrics.counter(CampaignMetrics.LATE_SIGHTINGS);
    raised = metrics.counter(CampaignMetrics.ALERTS_RAISED);
    escalated = metrics.counter(CampaignMetrics.ESCALATIONS);
    floods = metrics.counter(CampaignMetrics.FLOODS_SUPPRESSED);
    suppressedObservations = metrics.counter(CampaignMetrics.OBSERVATIONS_SUPPRESSED);
    metrics.gauge(CampaignMetrics.WINDOW_KEYS, () -> held.get(KEYS));
    metrics.gauge(CampaignMetrics.WINDOW_MEMBERS, () -> held.get(MEMBERS));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    held.initialize(context);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    held.snapshot();
  }

  @Override
  public void processElement(CampaignObservation o, Context ctx, Collector<CampaignAlert> out)
      throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    long t = o.eventTime;
    boolean behind = watermark != Long.MIN_VALUE && t <= watermark;
    if (behind && (t < watermark - latenessMillis || t + windowMillis <= watermark)) {
      tooLate.inc();
      ctx.output(TOO_LATE, o);
      return;
    }

    Episode ep = episode.value();
    if (ep == null) {
      held.add(KEYS, 1);
    }
    if (ep != null && allOutOfWindow(t)) {
      // Every member is a whole window older than this sighting: the episode is over even if
      // the watermark, held back by a slow partition, has not said so yet. Continuing it would
      // hide the new episode behind the old one's counts and id.
      long timer = ep.timer;
      int left = 0;
      for (String ignored : members.keys()) {
        left++;
      }
      held.add(MEMBERS, -left);
      members.clear();
      indicatorsSeen.clear();
      ep = null;
      if (timer != NO_TIMER) {
        ctx.timerService().deleteEventTimeTimer(timer);
      }
    }
    if (ep == null) {
      ep = new Episode();
      ep.start = t;
      ep.tlp = o.tlp;
      ep.timer = NO_TIMER;
      ep.indicatorIds = new String[0];
    } else if (ep.revision == 0) {
      // Until the alert is out its id is not fixed, so an earlier straggler may still date it.
      ep.start = Math.min(ep.start, t);
    }
    ep.tlp = Tlps.mostRestrictive(ep.tlp, o.tlp);
    if (behind) {
      ep.lateSightings++;
      lateCounted.inc();
    }
    if (!indicatorsSeen.contains(o.indicatorId)) {
      indicatorsSeen.put(o.indicatorId, Boolean.TRUE);
      if (ep.indicatorIds.length < maxIndicatorIds) {
        ep.indicatorIds = Arrays.copyOf(ep.indicatorIds, ep.indicatorIds.length + 1);
        ep.indicatorIds[ep.indicatorIds.length - 1] = o.indicatorId;
      } else {
        ep.indicatorIdsOmitted++;
      }
    }

    MemberPresence p = members.get(o.member);
    if (p == null) {
      held.add(MEMBERS, 1);
      p = new MemberPresence();
      p.firstSeen = t;
      p.lastSeen = t;
      p.sector = o.sector;
      p.maxConfidence = o.confidence;
    } else {
      if (t >= p.lastSeen) {
        p.lastSeen = t;
        p.sector = o.sector;
      }
      p.firstSeen = Math.min(p.firstSeen, t);
      p.maxConfidence = Math.max(p.maxConfidence, o.confidence);
    }
    members.put(o.member, p);

    evaluate(ctx.getCurrentKey(), ep, watermark, ctx, out);
    reschedule(ep, ctx);
    episode.update(ep);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<CampaignAlert> out)
      throws Exception {
    Episode ep = episode.value();
    if (ep == null || ep.timer != timestamp) {
      return;
    }
    ep.timer = NO_TIMER;
    Iterator<Map.Entry<String, MemberPresence>> it = members.iterator();
    while (it.hasNext()) {
      // A member stays for the allowed lateness after its window, so that a late sighting still
      // meets it (and is counted with it) instead of starting an episode of its own.
      if (it.next().getValue().lastSeen + windowMillis + latenessMillis <= timestamp) {
        it.remove();
        held.add(MEMBERS, -1);
      }
    }
    if (members.isEmpty()) {
      // The key went quiet: the episode is over and nothing of it may stay behind.
      members.clear();
      indicatorsSeen.clear();
      episode.clear();
      held.add(KEYS, -1);
      return;
    }
    reschedule(ep, ctx);
    episode.update(ep);
  }

  private boolean allOutOfWindow(long t) throws Exception {
    for (MemberPresence p : members.values()) {
      if (p.lastSeen + windowMillis > t) {
        return false;
      }
    }
    return true;
  }

  private void evaluate(
      String key, Episode ep, long watermark, Context ctx, Collector<CampaignAlert> out)
      throws Exception {
    long newest = Long.MIN_VALUE;
    for (MemberPresence p : members.values()) {
      newest = Math.max(newest, p.lastSeen);
    }
    TreeSet<String> inWindow = new TreeSet<>();
    EnumSet<Sector> sectors = EnumSet.noneOf(Sector.class);
    long first = Long.MAX_VALUE;
    int maxConfidence = 0;
    for (Map.Entry<String, MemberPresence> e : members.entries()) {
      MemberPresence p = e.getValue();
      if (p.lastSeen > newest - windowMillis) {
        inWindow.add(e.getKey());
        sectors.add(p.sector);
        first = Math.min(first, p.firstSeen);
        maxConfidence = Math.max(maxConfidence, p.maxConfidence);
      }
    }
    int memberCount = inWindow.size();
    int sectorCount = sectors.size();
    if (floodMembers > 0
        && memberCount >= floodMembers
        && key.startsWith(CampaignKeyKind.INDICATOR.name() + "|")) {
      // Most members matching one value at once is a CDN, a resolver or a warninglist gap far
      // more often than a campaign: tell the secretariat once per suppression, alert nobody.
      if (ep.suppressedUntil <= newest) {
        ep.suppressedUntil = newest + floodSuppressionMillis;
        floods.inc();
        FloodDecision d = new FloodDecision();
        d.key = key;
        d.memberCount = memberCount;
        d.sectorCount = sectorCount;
        d.threshold = floodMembers;
        d.decidedAt = newest;
        d.suppressedUntil = ep.suppressedUntil;
        d.alertId = ep.revision > 0 ? alertId(key, ep.start) : null;
        ctx.output(FLOODED, d);
      }
      suppressedObservations.inc();
      return;
    }
    if (ep.suppressedUntil > newest) {
      suppressedObservations.inc();
      return;
    }
    if (memberCount < minMembers) {
      return;
    }
    if (ep.revision > 0 && memberCount <= ep.alertedMembers && sectorCount <= ep.alertedSectors) {
      return;
    }
    ep.revision++;
    ep.alertedMembers = Math.max(ep.alertedMembers, memberCount);
    ep.alertedSectors = Math.max(ep.alertedSectors, sectorCount);
    (ep.revision == 1 ? raised : escalated).inc();

    int bar = key.indexOf('|');
    long age = watermark == Long.MIN_VALUE ? 0 : watermark - newest;
    List<Sector> sectorList = new ArrayList<>(sectors);
    out.collect(
        CampaignAlert.newBuilder()
            .setAlertId(alertId(key, ep.start))
            .setRevision(ep.revision)
            .setKeyKind(CampaignKeyKind.valueOf(key.substring(0, bar)))
            .setKeyValue(key.substring(bar + 1))
            .setEpisodeStart(Instant.ofEpochMilli(ep.start))
            .setFirstSeen(Instant.ofEpochMilli(first))
            .setLastSeen(Instant.ofEpochMilli(newest))
            .setMemberCount(memberCount)
            .setSectorCount(sectorCount)
            .setSectors(sectorList)
            .setMembers(new ArrayList<>(inWindow))
            .setIndicatorIds(List.of(ep.indicatorIds))
            .setIndicatorIdsOmitted(ep.indicatorIdsOmitted)
            .setMaxConfidence(maxConfidence)
            .setSeverity(Severity.score(memberCount, sectorCount, maxConfidence, age, windowMillis))
            .setTlp(ep.tlp)
            .setLateSightings(ep.lateSightings)
            .setCountsWithheld(false)
            .setPseudonymKeyId(null)
            .build());
  }

  private void reschedule(Episode ep, Context ctx) throws Exception {
    long next = Long.MAX_VALUE;
    for (MemberPresence p : members.values()) {
      next = Math.min(next, p.lastSeen + windowMillis + latenessMillis);
    }
    if (next == ep.timer) {
      return;
    }
    if (ep.timer != NO_TIMER) {
      ctx.timerService().deleteEventTimeTimer(ep.timer);
    }
    ctx.timerService().registerEventTimeTimer(next);
    ep.timer = next;
  }

  /** Same key and episode start, same id: every revision updates one alert downstream. */
  static String alertId(String key, long episodeStart) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((key + "|" + episodeStart).getBytes(StandardCharsets.UTF_8));
      return "campaign-alert--" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** Per member of the episode. */
  public static class MemberPresence {
    /** Event time of the member's earliest sighting since it joined the episode. */
    public long firstSeen;

    /** Event time of its latest sighting: the member leaves {@code window} after this. */
    public long lastSeen;

    /** Sector of the latest sighting. */
    public Sector sector;

    public int maxConfidence;

    public MemberPresence() {}
  }

  /** Per key: what has been said about it so far in this episode. */
  public static class Episode {
    /** Event time the episode started; part of the alert id. */
    public long start;

    /** Last revision emitted; 0 before the alert is raised. */
    public int revision;

    /** Highest counts emitted so far; escalation needs more than these. */
    public int alertedMembers;

    public int alertedSectors;

    /** Most restrictive marking of any sighting of the episode, including expired members'. */
    public Tlp tlp;

    public String[] indicatorIds;
    public int indicatorIdsOmitted;
    public int lateSightings;

    /** Event time until which a flooding indicator raises no alerts; 0 when not suppressed. */
    public long suppressedUntil;

    /** The one registered event-time timer, or Long.MIN_VALUE. */
    public long timer;

    public Episode() {}
  }
}
