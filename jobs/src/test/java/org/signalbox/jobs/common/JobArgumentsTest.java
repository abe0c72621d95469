package org.signalbox.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.campaign.CampaignJob;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.trends.TrendsJob;
import org.signalbox.jobs.trends.TrendsOptions;

class JobArgumentsTest {

  @Test
  void readsTheJobsOwnFlinksAndKafkaClientKeys() {
    Configuration conf =
        JobArguments.parse(
            "campaigns",
            new String[] {
              "--kafka.bootstrap-servers", "127.0.0.1:19092",
              "--campaign.min-members", "3",
              "--execution.checkpointing.interval", "2s",
              "--kafka.properties.security.protocol", "SASL_SSL"
            },
            CampaignJob.OPTIONS);
    assertThat(conf.get(CorrelateOptions.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:19092");
    assertThat(conf.get(CampaignOptions.MIN_MEMBERS)).isEqualTo(3);
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(conf.toMap()).containsEntry("kafka.properties.security.protocol", "SASL_SSL");
  }

  @Test
  void refusesAnUnknownKeyByName() {
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "campaigns", new String[] {"--campaign.min-member", "3"}, CampaignJob.OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'campaign.min-member'")
        .hasMessageContaining("did you mean 'campaign.min-members'");
    // An option of another job is not one of this job's.
    assertThatThrownBy(
            () ->
                CorrelateJob.parseArgs(
                    new String[] {"--" + TrendsOptions.TRENDS_TOPIC.key(), "trends"}))
        .hasMessageContaining("correlate: unknown option '" + TrendsOptions.TRENDS_TOPIC.key());
    assertThatThrownBy(() -> TrendsJob.main(new String[] {"--nonsense", "1"}))
        .hasMessageContaining("trends: unknown option 'nonsense'");
  }

  @Test
  void refusesMalformedArgumentsAndValues() {
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "correlate",
                    new String[] {"kafka.bootstrap-servers", "x"},
                    CorrelateJob.OPTIONS))
        .hasMessageContaining("expected '--<option> <value>' pairs, got 'kafka.bootstrap-servers'");
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "correlate", new String[] {"--correlate.group-id"}, CorrelateJob.OPTIONS))
        .hasMessageContaining("option --correlate.group-id has no value");
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "correlate",
                    new String[] {"--correlate.checkpoint-interval", "often"},
                    CorrelateJob.OPTIONS))
        .hasMessageContaining("option correlate.checkpoint-interval: cannot use 'often'");
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "correlate", new String[] {"--correlate.group-id", "-g"}, CorrelateJob.OPTIONS))
        .hasMessageContaining("may not start with '-'");
  }

  @Test
  void campaignJobRefusesToStartWithoutItsDirectory() {
    assertThatThrownBy(
            () -> CampaignJob.main(new String[] {"--kafka.bootstrap-servers", "127.0.0.1:1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sharing.members");
  }
}
