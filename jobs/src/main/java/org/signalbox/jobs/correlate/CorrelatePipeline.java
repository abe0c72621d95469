package org.signalbox.jobs.correlate;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.stix.match.BreadthLimits;

/**
 * The correlate pipeline, independent of where its input comes from and where its output goes: the
 * Kafka job, the bounded {@code signalbox match} run and the tests all call {@link #build}.
 *
 * <pre>
 * telemetry bytes -> decode/validate -> probes --keyBy(value)--> exact index  --+--> sightings
 *                                            \--keyBy(value)--> range index --+
 * indicator bytes -> decode/validate -keyBy(id)-> lifecycle -keyBy(value)-^   ^
 *                                                           \--broadcast------'
 * telemetry events -> observables of each event --keyBy(event)--> pattern index (STIX patterns,
 *                                                                  broadcast) --> sightings
 * every stage -> dead letters (counted by reason); lifecycle -> indicator audit (changes not made
 * by the owner)
 * </pre>
 */
public final class CorrelatePipeline {
  private CorrelatePipeline() {}

  /**
   * What the pipeline produces.
   *
   * @param audits indicator changes applied although their source does not own the id (the
   *     secretariat's, Kafka tombstones)
   */
  public record Outputs(
      DataStream<Sighting> sightings,
      DataStream<DeadLetter> deadLetters,
      DataStream<IndicatorAudit> audits) {}

  /**
   * @param telemetry raw telemetry records with their origin
   * @param indicators raw indicator records with their origin
   * @param conf {@link CorrelateOptions}
   * @param bounded true when all input is finite (no state cleanup timers are needed)
   */
  public static Outputs build(
      DataStream<RawRecord> telemetry,
      DataStream<RawRecord> indicators,
      ReadableConfig conf,
      boolean bounded) {
    RecordLimits limits =
        new RecordLimits(
            conf.get(CorrelateOptions.MAX_FUTURE_SKEW),
            new BreadthLimits(
                conf.get(CorrelateOptions.MIN_IPV4_PREFIX),
                conf.get(CorrelateOptions.MIN_IPV6_PREFIX),
                conf.get(CorrelateOptions.MIN_SUFFIX_LABELS)));
    boolean gate = conf.get(CorrelateOptions.BOOTSTRAP_GATE);
    // Resolved while the job is built, so a directory that disagrees stops the start.
    String secretariatSource = CorrelateOptions.secretariatSource(conf);

    SingleOutputStreamOperator<DecodedTelemetry> events =
        telemetry
            .process(new TelemetryDecoder(limits, conf.get(CorrelateOptions.MEMBER_TOPIC_PREFIX)))
            .name("decode telemetry")
            .uid("decode-telemetry");

    // The decoder runs at the source's parallelism, so it is chained to it and the records of one
    // id (one Kafka partition, or one file) reach the lifecycle in the order they were written:
    // ownership goes to the first version, and "first" must mean first written. A rebalance here
    // would let a later foreign record overtake the original, or an expired version overtake its
    // predecessor, which then came back to life after the expiry.
    // Right after the source, chained to it: remembers across restores that the gate had opened.
    DataStream<RawRecord> latched =
        indicators
            .transform(
                "bootstrap latch",
                indicators.getType(),
                new BootstrapLatch(conf.get(CorrelateOptions.INDICATOR_IDLE_TIMEOUT).toMillis()))
            .setParallelism(indicators.getParallelism())
            .uid("indicators-bootstrap-latch");

    SingleOutputStreamOperator<IndicatorUpdate> updates =
        latched
            .process(new IndicatorDecoder(limits, conf.get(CorrelateOptions.WARNINGLISTS)))
            .setParallelism(latched.getParallelism())
            .name("decode indicators")
            .uid("decode-indicators");

    SingleOutputStreamOperator<IndicatorChange> changes =
        updates
            .keyBy(u -> IndicatorKey.of(u.id), TypeInformation.of(IndicatorKey.class))
            .process(
                new IndicatorLifecycle(
                    conf.get(CorrelateOptions.EXPIRY_GRACE),
                    conf.get(CorrelateOptions.TOMBSTONE_RETENTION),
                    !bounded,
                    secretariatSource))
            .name("indicator lifecycle")
            .uid("indicator-lifecycle");

    DataStream<ObservableProbe> probes =
        events.flatMap(new ProbeExtractor()).name("observables").uid("observables");

    DataStream<ObservableProbe> exactProbes = probes;
    // Not in BATCH execution (signalbox match): there is no watermark to say the filter is
    // complete, so it would only pass everything at the cost of a hop.
    boolean batch =
        telemetry.getExecutionEnvironment().getConfiguration().get(ExecutionOptions.RUNTIME_MODE)
            != RuntimeExecutionMode.STREAMING;
    // The retro history must see every probe, the ones no live indicator has above all, so the
    // prefilter, which exists to keep those away from the index, is not placed while it is on.
    RetroHunt retro = RetroHunts.of(conf, batch, bounded);
    if (!batch && retro == null && conf.get(CorrelateOptions.EXACT_PREFILTER)) {
      // Same parallelism as the probes, so they arrive by a forward (local) channel; only the
      // small key deltas are broadcast.
      exactProbes =
          probes
              .connect(changes.getSideOutput(IndicatorLifecycle.EXACT_KEYS).broadcast())
              .process(new ExactPrefilter(conf.get(CorrelateOptions.EXACT_PREFILTER_CAPACITY)))
              .setParallelism(probes.getParallelism())
              .name("exact prefilter")
              .uid("exact-prefilter");
    }

    DataStream<Sighting> exact =
        exactProbes
            .keyBy(p -> p.key, Types.STRING)
            .connect(
                changes
                    .filter(c -> c.target == IndexTarget.EXACT)
                    .name("exact changes")
                    .uid("exact-changes")
                    .keyBy(c -> c.key, Types.STRING))
            .process(new ExactIndicatorMatcher(gate, retro))
            .name("exact index")
            .uid("exact-index");

    BroadcastStream<IndicatorChange> rangeChanges =
        changes
            .filter(c -> c.target == IndexTarget.RANGE)
            .name("range changes")
            .uid("range-changes")
            .broadcast(RangeIndicatorMatcher.RANGES);

    DataStream<Sighting> ranges =
        probes
            .filter(
                p ->
                    p.type == ObservableType.IPV4
                        || p.type == ObservableType.IPV6
                        || p.type == ObservableType.DOMAIN)
            .name("range probes")
            .uid("range-probes")
            .keyBy(p -> p.key, Types.STRING)
            .connect(rangeChanges)
            .process(
                new RangeIndicatorMatcher(
                    gate, conf.get(CorrelateOptions.RETRO_RANGES) ? retro : null))
            .name("range index")
            .uid("range-index");

    BroadcastStream<IndicatorChange> patternChanges =
        changes
            .filter(c -> c.target == IndexTarget.PATTERN)
            .name("pattern changes")
            .uid("pattern-changes")
            .broadcast(PatternIndicatorMatcher.PATTERNS);

    boolean sequences = conf.get(CorrelateOptions.SEQUENCES);
    DataStream<PatternProbe> patternProbes =
        events.map(PatternProbe::of).name("pattern probes").uid("pattern-probes");
    DataStream<Sighting> patterns =
        patternProbes
            .keyBy(PatternProbe::eventKey, Types.STRING)
            .connect(patternChanges)
            .process(new PatternIndicatorMatcher(gate, limits.breadth(), sequences))
            .name("pattern index")
            .uid("pattern-index");
    if (sequences) {
      patterns =
          patterns.union(
              SequenceStage.build(
                  patternProbes,
                  changes
                      .filter(c -> c.target == IndexTarget.PATTERN)
                      .name("sequence changes")
                      .uid("sequence-changes"),
                  conf,
                  gate,
                  limits.breadth()));
    }

    DataStream<DeadLetter> deadLetters =
        events
            .getSideOutput(DeadLetters.TAG)
            .union(updates.getSideOutput(DeadLetters.TAG), changes.getSideOutput(DeadLetters.TAG));
    DataStream<IndicatorAudit> audits = changes.getSideOutput(IndicatorLifecycle.AUDIT);

    DataStream<Sighting> sightings = exact.union(ranges, patterns);
    String lists = conf.get(CorrelateOptions.WARNINGLISTS);
    if (!lists.isBlank()) {
      SingleOutputStreamOperator<Sighting> kept =
          sightings
              .process(new WarninglistSightingFilter(lists))
              .name("warninglists")
              .uid("warninglist-sighting-filter");
      return new Outputs(
          kept,
          DeadLetters.counted(
              deadLetters.union(kept.getSideOutput(DeadLetters.TAG)), "count-dead-letters"),
          audits);
    }
    return new Outputs(sightings, DeadLetters.counted(deadLetters, "count-dead-letters"), audits);
  }
}
