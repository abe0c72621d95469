package org.signalbox.jobs.trends;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.signalbox.jobs.common.JobArguments;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.feedback.FeedbackOptions;

/**
 * Entry point for a Flink cluster: {@code flink run -c org.signalbox.jobs.trends.TrendsJob
 * signalbox-jobs-*-job.jar --kafka.bootstrap-servers HOST:PORT}, or {@code signalbox cluster submit
 * trends}. The pipeline is {@link TrendsPipeline}.
 */
public final class TrendsJob {
  private TrendsJob() {}

  /**
   * The options {@link #main} accepts besides Flink's own: the trends options and the shared ones
   * {@link TrendsKafka} and {@link CorrelateJob#configure} read.
   */
  public static final List<ConfigOption<?>> OPTIONS = options();

  public static void main(String[] args) throws Exception {
    Configuration conf = JobArguments.parse("trends", args, OPTIONS);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    TrendsKafka.attach(env, conf, false);
    env.execute("signalbox trends");
  }

  private static List<ConfigOption<?>> options() {
    List<ConfigOption<?>> all = new ArrayList<>(TrendsOptions.ALL);
    all.add(FeedbackOptions.FEEDBACK_TOPICS);
    all.add(CorrelateOptions.BOOTSTRAP_SERVERS);
    all.add(CorrelateOptions.CHECKPOINT_INTERVAL);
    return List.copyOf(all);
  }
}
