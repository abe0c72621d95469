package org.signalbox.jobs.match;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.signalbox.connectors.kafka.RawRecord;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.correlate.CorrelatePipeline;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.Sighting;

/** The correlate pipeline over files, in batch mode on an embedded Flink. */
public final class BoundedMatch {
  private BoundedMatch() {}

  /**
   * What a bounded run found.
   *
   * @param audits changes to indicators applied although their source does not own the id
   */
  public record Result(
      int indicators,
      int events,
      int badLines,
      List<Sighting> sightings,
      List<DeadLetter> deadLetters,
      List<IndicatorAudit> audits) {}

  public static Result run(
      Path indicatorFile, Path telemetryFile, int parallelism, PrintStream errors)
      throws Exception {
    FileInputs inputs = new FileInputs(errors);
    List<RawRecord> indicators = inputs.indicators(indicatorFile);
    List<RawRecord> telemetry = inputs.telemetry(telemetryFile);

    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // The origin of a file record is a file name, not a member's topic: nothing proves the sender.
    conf.set(CorrelateOptions.MEMBER_TOPIC_PREFIX, "");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(parallelism);

    // Batch mode sorts each keyed input by key, then by timestamp. Stamping indicator records with
    // their line number keeps the versions of one id in file order, which ownership depends on
    // (the first version's source owns the id). Nothing else reads these timestamps: the
    // lifecycle works on versions and processing time, the indexes on telemetry event times.
    DataStream<RawRecord> indicatorRecords =
        source(env, indicators, "indicator file")
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<RawRecord>noWatermarks()
                    .withTimestampAssigner((r, ts) -> r.offset))
            .name("indicators in file order");
    CorrelatePipeline.Outputs out =
        CorrelatePipeline.build(
            source(env, telemetry, "telemetry file"), indicatorRecords, conf, true);
    CloseableIterator<Sighting> sightings = out.sightings().collectAsync();
    CloseableIterator<DeadLetter> deadLetters = out.deadLetters().collectAsync();
    CloseableIterator<IndicatorAudit> audits = out.audits().collectAsync();
    env.execute("signalbox match");

    List<Sighting> found = new ArrayList<>();
    sightings.forEachRemaining(found::add);
    List<DeadLetter> dead = new ArrayList<>();
    deadLetters.forEachRemaining(dead::add);
    List<IndicatorAudit> audited = new ArrayList<>();
    audits.forEachRemaining(audited::add);
    return new Result(indicators.size(), telemetry.size(), inputs.badLines, found, dead, audited);
  }

  private static DataStream<RawRecord> source(
      StreamExecutionEnvironment env, List<RawRecord> records, String name) {
    if (records.isEmpty()) {
      // fromData rejects an empty collection; an empty input is still a valid run.
      return env.fromData(TypeInformation.of(RawRecord.class), new RawRecord[0]).name(name);
    }
    return env.fromData(records, TypeInformation.of(RawRecord.class))
        .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
        .name(name);
  }
}
