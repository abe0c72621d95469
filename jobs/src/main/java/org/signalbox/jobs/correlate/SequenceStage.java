package org.signalbox.jobs.correlate;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.signalbox.schema.Sighting;
import org.signalbox.stix.match.BreadthLimits;

/**
 * The sequence branch of the correlate pipeline: STIX patterns that span observations.
 *
 * <pre>
 * pattern probes --keyBy(event)--> sequence router (leaves in a PatternIndex, broadcast)
 *   --keyBy(scope, indicator)--> sequence matcher (event time, keyed state, broadcast) --> sightings
 * </pre>
 */
final class SequenceStage {
  private SequenceStage() {}

  /**
   * @param probes the pattern index's probes (one per event)
   * @param patternChanges the lifecycle's changes for the pattern index
   */
  static DataStream<Sighting> build(
      DataStream<PatternProbe> probes,
      DataStream<IndicatorChange> patternChanges,
      ReadableConfig conf,
      boolean gate,
      BreadthLimits limits) {
    boolean sector = CorrelateOptions.sequenceSectorScope(conf);
    SingleOutputStreamOperator<SequenceProbe> routed =
        probes
            .keyBy(PatternProbe::eventKey, Types.STRING)
            .connect(patternChanges.broadcast(SequenceRouter.SEQUENCES))
            .process(
                new SequenceRouter(gate, limits, conf.get(CorrelateOptions.SEQUENCE_MAX_WINDOW)))
            .name("sequence router")
            .uid("sequence-router");
    return routed
        .keyBy(p -> p.scopeKey(sector), Types.STRING)
        .connect(patternChanges.broadcast(SequenceRouter.SEQUENCES))
        .process(
            new SequenceMatcher(
                conf.get(CorrelateOptions.SEQUENCE_MAX_WINDOW),
                conf.get(CorrelateOptions.SEQUENCE_ALLOWED_LATENESS),
                conf.get(CorrelateOptions.SEQUENCE_MAX_BUFFERED),
                limits))
        .name("sequence matcher")
        .uid("sequence-matcher");
  }
}
