package org.signalbox.jobs.trends;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.signalbox.jobs.correlate.CorrelateJob;

/**
 * Entry point for a Flink cluster: {@code flink run -c org.signalbox.jobs.trends.TrendsJob
 * signalbox-jobs-*-job.jar --kafka.bootstrap-servers HOST:PORT}. The pipeline is {@link
 * TrendsPipeline}.
 */
public final class TrendsJob {
  private TrendsJob() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = Configuration.fromMap(CorrelateJob.parseArgs(args));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    TrendsKafka.attach(env, conf, false);
    env.execute("signalbox trends");
  }
}
