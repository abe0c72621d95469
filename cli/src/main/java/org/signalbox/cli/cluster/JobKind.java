package org.signalbox.cli.cluster;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.signalbox.jobs.campaign.CampaignJob;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.trends.TrendsJob;

/** The jobs the shaded job jar holds, by the name {@code cluster submit} takes. */
enum JobKind {
  correlate(CorrelateJob.class.getName(), "signalbox correlate", CorrelateJob.OPTIONS),
  campaigns(CampaignJob.class.getName(), "signalbox campaigns", CampaignJob.OPTIONS),
  trends(TrendsJob.class.getName(), "signalbox trends", TrendsJob.OPTIONS);

  /** The entry class in the job jar. */
  final String entryClass;

  /** The name the job's main gives the job ({@code env.execute}). */
  final String jobName;

  final List<ConfigOption<?>> options;

  JobKind(String entryClass, String jobName, List<ConfigOption<?>> options) {
    this.entryClass = entryClass;
    this.jobName = jobName;
    this.options = options;
  }
}
