package org.signalbox.jobs.trends;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TrendRecord;

/**
 * The trends pipeline over records already in memory, in batch mode on an embedded Flink: the
 * report's way of computing figures from a sightings file or from what the demo consumed, with the
 * same code as the streaming job.
 */
public final class BoundedTrends {
  private BoundedTrends() {}

  /** The figures and how many facts came too late for their window (none in batch mode). */
  public record Result(List<TrendRecord> trends, long lateFacts) {}

  public static Result compute(
      List<Sighting> sightings, List<Indicator> indicators, Configuration conf) throws Exception {
    return compute(sightings, indicators, List.of(), conf);
  }

  public static Result compute(
      List<Sighting> sightings,
      List<Indicator> indicators,
      List<CampaignAlert> campaigns,
      Configuration conf)
      throws Exception {
    return compute(sightings, indicators, campaigns, List.of(), null, conf);
  }

  /**
   * @param feedback members' verdicts; empty for none
   * @param directory the member directory, or null
   */
  public static Result compute(
      List<Sighting> sightings,
      List<Indicator> indicators,
      List<CampaignAlert> campaigns,
      List<Feedback> feedback,
      MemberDirectory directory,
      Configuration conf)
      throws Exception {
    Configuration c = new Configuration(conf);
    c.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(1);
    TrendsPipeline.Outputs out =
        TrendsPipeline.build(
            source(env, sightings, Sighting.class, "sightings"),
            source(env, indicators, Indicator.class, "indicators"),
            campaigns == null || campaigns.isEmpty()
                ? null
                : source(env, campaigns, CampaignAlert.class, "campaign alerts"),
            feedback == null || feedback.isEmpty()
                ? null
                : source(env, feedback, Feedback.class, "feedback"),
            directory,
            c);
    CloseableIterator<TrendRecord> trends = out.trends().collectAsync();
    CloseableIterator<TrendFact> late = out.late().collectAsync();
    env.execute("signalbox trends (bounded)");
    List<TrendRecord> found = new ArrayList<>();
    trends.forEachRemaining(found::add);
    long lateCount = 0;
    while (late.hasNext()) {
      late.next();
      lateCount++;
    }
    return new Result(found, lateCount);
  }

  private static <T> DataStream<T> source(
      StreamExecutionEnvironment env, List<T> records, Class<T> type, String name) {
    TypeInformation<T> info = TypeInformation.of(type);
    if (records == null || records.isEmpty()) {
      // fromData rejects an empty collection; an empty input is still a valid run.
      return NoRecords.of(env, type, name);
    }
    return env.fromData(records, info).name(name);
  }
}
