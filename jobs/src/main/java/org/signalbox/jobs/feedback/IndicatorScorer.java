package org.signalbox.jobs.feedback;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/**
 * The moving confidence of each indicator, keyed by indicator id: sightings (input 1) raise it,
 * members' verdicts (input 2) lower or raise it, and time decays it ({@link ConfidenceDecay}),
 * applied lazily at each change from the previous one. Every change is emitted as an {@link
 * IndicatorScore}. Sightings of indicators that still alert are passed on to {@link #ALERTING}; the
 * others are only counted (campaignSightingsBelowThreshold).
 *
 * <p>Times are the records' own (sighting event time, feedback report time), so a replay scores the
 * same; the idle cleanup uses processing time because it is about memory, not about meaning.
 */
public final class IndicatorScorer
    extends KeyedCoProcessFunction<String, Sighting, ReceivedFeedback, IndicatorScore> {
  private static final long serialVersionUID = 1L;

  /** Sightings whose indicator is at or above the threshold after this sighting counted. */
  public static final OutputTag<Sighting> ALERTING =
      new OutputTag<>("alerting-sightings", TypeInformation.of(Sighting.class));

  /** Score state of one indicator. A Flink POJO. */
  public static final class Score {
    public double base;
    public long anchor;
    public int baseConfidence;
    public String source = "";
    public ObservableType type = ObservableType.OTHER;
    public long sightings;
    public int falsePositives;
    public int truePositives;
    public long lastTouched;
    public long cleanupAt;

    public Score() {}
  }

  private final ConfidenceDecay decay;
  private final double sightingStep;
  private final double falsePositiveStep;
  private final double truePositiveStep;
  private final double threshold;
  private final long idleMillis;
  private final long graceMillis;

  private transient ValueState<Score> state;
  private transient MapState<String, FeedbackVerdict> votes;
  private transient ListState<ReceivedFeedback> pending;
  private transient AvroCodec<Feedback> feedbackCodec;
  private transient Counter belowThreshold;
  private transient Counter unknownIndicator;
  private transient Counter repeatedVerdicts;

  public IndicatorScorer(
      ConfidenceDecay decay,
      double sightingStep,
      double falsePositiveStep,
      double truePositiveStep,
      double threshold,
      Duration idle,
      Duration unknownIndicatorGrace) {
    this.decay = decay;
    this.sightingStep = sightingStep;
    this.falsePositiveStep = falsePositiveStep;
    this.truePositiveStep = truePositiveStep;
    this.threshold = threshold;
    this.idleMillis = idle.toMillis();
    this.graceMillis = unknownIndicatorGrace.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    state =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("indicator-score", Types.POJO(Score.class)));
    votes =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "indicator-votes", Types.STRING, Types.ENUM(FeedbackVerdict.class)));
    pending =
        getRuntimeContext()
            .getListState(
                // Renamed with its type (it held Feedback before verdicts carried their origin),
                // so a savepoint from before restores without a serializer clash; verdicts still
                // waiting in such a savepoint are not carried over.
                new ListStateDescriptor<>(
                    "indicator-pending-verdicts", TypeInformation.of(ReceivedFeedback.class)));
    feedbackCodec = AvroCodec.feedback();
    var metrics = getRuntimeContext().getMetricGroup().addGroup("signalbox");
    belowThreshold = metrics.counter("campaignSightingsBelowThreshold");
    unknownIndicator = metrics.counter("feedbackUnknownIndicator");
    repeatedVerdicts = metrics.counter("feedbackRepeatedVerdicts");
  }

  @Override
  public void processElement1(Sighting s, Context ctx, Collector<IndicatorScore> out)
      throws Exception {
    long t = s.getEventTime().toEpochMilli();
    Score score = state.value();
    String reason;
    if (score == null) {
      score = new Score();
      score.baseConfidence = Math.max(0, Math.min(100, s.getConfidence()));
      score.base = score.baseConfidence;
      score.anchor = t;
      reason = "first-sighting";
    } else {
      double now = current(score, t);
      // A value members keep reporting as false positive is usually benign and seen everywhere
      // (a CDN, a resolver): its sightings must not lift it back over the threshold.
      boolean muted = score.falsePositives > score.truePositives;
      score.base = muted ? now : Math.min(100, now + sightingStep);
      score.anchor = Math.max(score.anchor, t);
      reason = muted ? "sighting-muted-by-feedback" : "sighting";
    }
    score.source = s.getIndicatorSource();
    score.type = s.getMatchedType();
    score.sightings++;
    touch(score, ctx);
    out.collect(record(ctx.getCurrentKey(), score, t, reason));
    if (reason.equals("first-sighting")) {
      boolean waited = false;
      for (ReceivedFeedback early : pending.get()) {
        apply(score, early, ctx, out);
        waited = true;
      }
      if (waited) {
        pending.clear();
        ctx.timerService().deleteEventTimeTimer(Long.MAX_VALUE);
      }
    }
    if (score.base >= threshold) {
      ctx.output(ALERTING, s);
    } else {
      belowThreshold.inc();
    }
  }

  @Override
  public void processElement2(ReceivedFeedback received, Context ctx, Collector<IndicatorScore> out)
      throws Exception {
    Feedback f = received.feedback;
    if (f.getVerdict() != FeedbackVerdict.FALSE_POSITIVE
        && f.getVerdict() != FeedbackVerdict.TRUE_POSITIVE) {
      ctx.output(
          DeadLetters.TAG, deadLetter(received, "unknown-verdict", "verdict " + f.getVerdict()));
      return;
    }
    Score score = state.value();
    if (score == null) {
      // The two inputs are not ordered against each other (a replay may read feedback before the
      // sightings it is about), so a verdict waits for its indicator's first sighting a while
      // before it is declared a dead letter.
      pending.add(received);
      ctx.timerService()
          .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + graceMillis);
      // A bounded run ends without firing processing-time timers; the final watermark fires this
      // one, so waiting verdicts still become dead letters instead of vanishing.
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    apply(score, received, ctx, out);
  }

  private void apply(
      Score score, ReceivedFeedback received, Context ctx, Collector<IndicatorScore> out)
      throws Exception {
    Feedback f = received.feedback;
    // One member, one vote: repeating a verdict must not drive an indicator to zero.
    FeedbackVerdict previous = votes.get(f.getMember());
    if (previous == f.getVerdict()) {
      repeatedVerdicts.inc();
      return;
    }
    long t = f.getReportedAt().toEpochMilli();
    double now = current(score, t);
    if (previous == FeedbackVerdict.FALSE_POSITIVE) {
      score.falsePositives--;
    } else if (previous == FeedbackVerdict.TRUE_POSITIVE) {
      score.truePositives--;
    }
    String reason;
    if (f.getVerdict() == FeedbackVerdict.FALSE_POSITIVE) {
      score.falsePositives++;
      score.base = Math.max(0, now - falsePositiveStep);
      reason = "false-positive";
    } else {
      score.truePositives++;
      score.base = Math.min(100, now + truePositiveStep);
      reason = "true-positive";
    }
    score.anchor = Math.max(score.anchor, t);
    votes.put(f.getMember(), f.getVerdict());
    touch(score, ctx);
    out.collect(record(ctx.getCurrentKey(), score, t, reason));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<IndicatorScore> out)
      throws Exception {
    Score score = state.value();
    if (score == null) {
      for (ReceivedFeedback f : pending.get()) {
        unknownIndicator.inc();
        ctx.output(
            DeadLetters.TAG,
            deadLetter(
                f,
                "unknown-indicator",
                "no sighting of it within " + Duration.ofMillis(graceMillis) + " of the report"));
      }
      pending.clear();
      ctx.timerService().deleteEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
      return; // end of a bounded input: the indicator is known, nothing to dead-letter
    }
    if (score.lastTouched + idleMillis <= timestamp) {
      state.clear();
      votes.clear();
    } else {
      score.cleanupAt = score.lastTouched + idleMillis;
      ctx.timerService().registerProcessingTimeTimer(score.cleanupAt);
      state.update(score);
    }
  }

  private double current(Score score, long t) {
    return decay.score(score.type, score.base, t - score.anchor);
  }

  /** One timer per key at a time, moved forward lazily in onTimer rather than on every record. */
  private void touch(Score score, Context ctx) throws Exception {
    score.lastTouched = ctx.timerService().currentProcessingTime();
    if (score.cleanupAt == 0) {
      score.cleanupAt = score.lastTouched + idleMillis;
      ctx.timerService().registerProcessingTimeTimer(score.cleanupAt);
    }
    state.update(score);
  }

  private IndicatorScore record(String indicatorId, Score score, long t, String reason) {
    return IndicatorScore.newBuilder()
        .setIndicatorId(indicatorId)
        .setSource(score.source == null ? "" : score.source)
        .setObservableType(score.type)
        .setScore(score.base)
        .setBaseConfidence(score.baseConfidence)
        .setSightings(score.sightings)
        .setFalsePositives(score.falsePositives)
        .setTruePositives(score.truePositives)
        .setUpdatedAt(Instant.ofEpochMilli(score.anchor > t ? score.anchor : t))
        .setReason(reason)
        .setAlerting(score.base >= threshold)
        .build();
  }

  private DeadLetter deadLetter(ReceivedFeedback received, String reason, String error) {
    Feedback f = received.feedback;
    return DeadLetter.newBuilder()
        .setOriginTopic(received.originTopic == null ? "unknown" : received.originTopic)
        .setPartition(received.partition)
        .setOffset(received.offset)
        .setStage("indicator-score")
        .setReason(reason)
        .setError("feedback from " + f.getMember() + " on " + f.getIndicatorId() + ": " + error)
        .setRawKey(null)
        .setRaw(ByteBuffer.wrap(feedbackCodec.encode(f)))
        .setFailedAt(Instant.now())
        .build();
  }
}
