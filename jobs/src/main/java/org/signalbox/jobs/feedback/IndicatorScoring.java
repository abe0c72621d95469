package org.signalbox.jobs.feedback;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.Sighting;

/**
 * Sightings and members' verdicts (with where each was read), keyed by indicator id, into {@link
 * IndicatorScorer}:
 *
 * <pre>
 * sightings --keyBy(indicatorId)--\
 *                                  IndicatorScorer -> scores (changelog)
 * feedback  --keyBy(indicatorId)--/               \-> ALERTING sightings (for campaign detection)
 *                                                  \-> dead letters (feedback on unknown indicators)
 * </pre>
 */
public final class IndicatorScoring {
  private IndicatorScoring() {}

  public static SingleOutputStreamOperator<IndicatorScore> build(
      DataStream<Sighting> sightings, DataStream<ReceivedFeedback> feedback, ReadableConfig conf) {
    return sightings
        .keyBy(s -> s.getIndicatorId(), Types.STRING)
        .connect(feedback.keyBy(ReceivedFeedback::indicatorId, Types.STRING))
        .process(
            new IndicatorScorer(
                ConfidenceDecay.parse(conf.get(FeedbackOptions.DECAY)),
                conf.get(FeedbackOptions.SIGHTING_STEP),
                conf.get(FeedbackOptions.FALSE_POSITIVE_STEP),
                conf.get(FeedbackOptions.TRUE_POSITIVE_STEP),
                conf.get(FeedbackOptions.THRESHOLD),
                conf.get(FeedbackOptions.IDLE),
                conf.get(FeedbackOptions.UNKNOWN_INDICATOR_GRACE)),
            TypeInformation.of(IndicatorScore.class))
        .name("indicator scorer")
        .uid("indicator-scorer");
  }
}
