package org.signalbox.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.signalbox.jobs.campaign.CampaignKafka;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.feedback.FeedbackOptions;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.topics.RequiredTopics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "campaigns",
    mixinStandardHelpOptions = true,
    description = {
      "Runs campaign detection and the sharing router on an embedded Flink against an existing"
          + " Kafka cluster, until Ctrl-C: reads sightings, writes campaign-alerts (secretariat"
          + " only), the feed.* topics each audience may read, and dead letters.",
      "Sightings and verdicts are checked against the member directory (--members); each"
          + " sighting goes to its member's own feed, and further only for members that opted in"
          + " to attribution.",
      "Feed topics (feed.member.<id>, feed.group.<name>, feed.community, feed.public) are created"
          + " when their first record is routed.",
      "Use --list-options for every option."
    })
final class CampaignsCommand implements Callable<Integer> {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap;

  @picocli.CommandLine.Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(
      names = "--pseudonym-key-file",
      paramLabel = "FILE",
      description = "File holding the secret for member pseudonyms (sets sharing.pseudonym-key).")
  Path keyFile;

  @Option(
      names = "--members",
      paramLabel = "FILE",
      description =
          "Member directory, YAML (sets sharing.members); required. Example:"
              + " deploy/members/example-members.yaml.")
  Path membersFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any job or Flink option.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--bounded", description = "Read sightings up to their current end, then finish.")
  boolean bounded;

  @Option(names = "--list-options", description = "Print the job's options with defaults and exit.")
  boolean listOptions;

  @Override
  public Integer call() throws Exception {
    if (listOptions) {
      List<ConfigOption<?>> all = new ArrayList<>(KafkaOptions.ALL);
      all.addAll(CampaignOptions.ALL);
      all.addAll(FeedbackOptions.ALL);
      return JobOptionsListing.print(all, System.out);
    }
    Configuration conf;
    KafkaClientConfig client;
    try {
      conf = JobCommands.configuration(settings, bootstrap, kafkaConfig);
      client = KafkaOptions.client(conf);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    if (keyFile != null) {
      conf.set(
          CampaignOptions.PSEUDONYM_KEY, Files.readString(keyFile, StandardCharsets.UTF_8).strip());
    }
    if (membersFile != null) {
      conf.set(CampaignOptions.MEMBERS, membersFile.toString());
    }
    if (!conf.contains(CampaignOptions.MEMBERS)) {
      System.err.println(
          "error: the campaign job needs the member directory: --members FILE (YAML listing each"
              + " member's id, sector, groups and attribution opt-in; example:"
              + " deploy/members/example-members.yaml). Without it, sightings and verdicts from"
              + " invented members could not be told from real ones.");
      return 2;
    }
    if (!conf.contains(CampaignOptions.PSEUDONYM_KEY)) {
      System.err.println(
          "error: the sharing router needs a pseudonym key: --pseudonym-key-file FILE"
              + " (at least 16 bytes of secret; keep it out of version control)");
      return 2;
    }
    // A missing topic would otherwise fail the job a minute in, and it would restart for ever.
    Optional<String> problem =
        RequiredTopics.problem(
            client,
            List.of(
                conf.get(CorrelateOptions.SIGHTINGS_TOPIC),
                conf.get(CorrelateOptions.DEAD_LETTER_TOPIC),
                conf.get(CampaignOptions.ALERTS_TOPIC),
                conf.get(FeedbackOptions.SCORES_TOPIC)),
            "campaigns",
            KafkaConfigOption.NAME);
    if (problem.isPresent()) {
      System.err.println("error: " + problem.get());
      return 1;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    try {
      CampaignKafka.attach(env, conf, bounded);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    System.err.println(
        "campaigns: reading from "
            + client.bootstrapServers()
            + " as "
            + client.describeLogin()
            + ", "
            + JobCommands.describeDelivery(conf, CampaignOptions.SINKS));
    env.execute("signalbox campaigns");
    return 0;
  }
}
