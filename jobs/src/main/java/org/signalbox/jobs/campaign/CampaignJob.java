package org.signalbox.jobs.campaign;

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
 * Entry point for a Flink cluster: {@code flink run -c org.signalbox.jobs.campaign.CampaignJob
 * signalbox-jobs-*-job.jar --kafka.bootstrap-servers HOST:PORT --sharing.members FILE
 * --sharing.pseudonym-key SECRET}, or {@code signalbox cluster submit campaigns}. Campaign
 * detection, indicator scores and the sharing router, wired to Kafka by {@link CampaignKafka}; the
 * member directory is read when the job is built (on the JobManager, so the path is one there).
 */
public final class CampaignJob {
  private CampaignJob() {}

  /**
   * The options {@link #main} accepts besides Flink's own: the campaign and feedback options and
   * the shared ones {@link CampaignKafka} and {@link CorrelateJob#configure} read.
   */
  public static final List<ConfigOption<?>> OPTIONS = options();

  /**
   * @throws IllegalArgumentException on an unknown option, or when the member directory or the
   *     pseudonym key is missing or invalid: the job is refused before it runs
   */
  public static void main(String[] args) throws Exception {
    Configuration conf = JobArguments.parse("campaigns", args, OPTIONS);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    CampaignKafka.attach(env, conf, false);
    env.execute("signalbox campaigns");
  }

  private static List<ConfigOption<?>> options() {
    List<ConfigOption<?>> all = new ArrayList<>(CampaignOptions.ALL);
    all.addAll(FeedbackOptions.ALL);
    all.add(CorrelateOptions.BOOTSTRAP_SERVERS);
    all.add(CorrelateOptions.SIGHTINGS_TOPIC);
    all.add(CorrelateOptions.DEAD_LETTER_TOPIC);
    all.add(CorrelateOptions.MAX_FUTURE_SKEW);
    all.add(CorrelateOptions.CHECKPOINT_INTERVAL);
    return List.copyOf(all);
  }
}
