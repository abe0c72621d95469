package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.RunningItForRealITCase.Taxii;
import org.signalbox.cli.secure.SecureLocalBroker;
import org.signalbox.gateway.Gateway;
import org.signalbox.gateway.GatewayConfig;
import org.signalbox.gateway.TaxiiTransport;
import org.signalbox.jobs.campaign.CampaignKafka;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.TopicPlan;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * The walkthrough of {@link RunningItForRealITCase} on the secure broker ({@code signalbox broker
 * --security sasl-ssl}): SASL_SSL with SCRAM-SHA-512, the StandardAuthorizer, no anonymous access,
 * and every part logging in as its own principal with the client file the broker wrote for it: each
 * member's edge, the importer, the correlate and campaign jobs (exactly-once sinks, so their
 * transactional ids and groups are exercised) and the gateway. What must hold: each member's
 * sightings and the campaign reach its own TAXII collection, and a member that tries to write
 * another's telemetry with the real command is refused with a message naming the authorization
 * failure. The finer denials (another's feed, another's group, no login on either listener) are
 * {@link SecureBrokerITCase}'s.
 */
class SecurePipelineITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final String RAIL = RunningItForRealITCase.RAIL;
  static final String AIRLINE = RunningItForRealITCase.AIRLINE;

  @Test
  void everyPartLogsInAsItselfAndEachMemberGetsItsOwnFeed(@TempDir Path dir) throws Exception {
    Path members = Files.writeString(dir.resolve("members.yaml"), RunningItForRealITCase.MEMBERS);
    MemberDirectory directory = MemberDirectory.load(members);
    try (SecureLocalBroker secure =
        SecureLocalBroker.start(
            directory,
            new LocalKafkaBroker.Options().readinessTimeout(Duration.ofSeconds(120)),
            dir.resolve("clients"))) {
      String bootstrap = secure.bootstrapServers();
      TopicPlan.of(directory, 2, Duration.ofDays(7))
          .apply(
              secure.broker().clientProperties(), Optional.empty(), false, Duration.ofSeconds(60));

      // The edges, each with its member's own login.
      edge(dir, secure, RAIL, "rail", RunningItForRealITCase.RAIL_LOG, RAIL, 4).assertSucceeded();
      edge(dir, secure, AIRLINE, "aviation", RunningItForRealITCase.AIRLINE_LOG, AIRLINE, 3)
          .assertSucceeded();
      // The rail operator's login writing the airline's telemetry: refused, and the command says
      // why (the real command, not a hand-built producer).
      Run forged = edge(dir, secure, RAIL, "rail", RunningItForRealITCase.RAIL_LOG, AIRLINE, 4);
      assertThat(forged.result().exit()).as(forged.result().out()).isNotZero();
      assertThat(forged.result().err()).contains("not authorized").contains("telemetry." + AIRLINE);

      // The importer's login writes the indicators.
      Path bundle =
          Files.writeString(dir.resolve("indicators.json"), RunningItForRealITCase.bundle());
      EdgeCommandsTest.Result imported =
          EdgeCommandsTest.run(
              "",
              "indicators",
              "import",
              bundle.toString(),
              "--format",
              "stix",
              "--source",
              "isac-secretariat",
              "--kafka",
              bootstrap,
              "--kafka-config",
              secure.clientConfig("importer").toString());
      assertThat(imported.exit()).as(imported.err()).isZero();
      assertThat(imported.out() + imported.err()).contains("imported 3,").contains("rejected 0");

      Path pseudonymKey =
          Files.writeString(dir.resolve("pseudonym.key"), "secure-walkthrough-pseudonym-key-0123");
      List<JobClient> jobs = new ArrayList<>();
      Gateway gateway = null;
      try {
        jobs.add(startCorrelate(secure, members));
        jobs.add(startCampaigns(secure, members, pseudonymKey));

        Map<String, String> passwords = Map.of(RAIL, "rail-secret-1", AIRLINE, "airline-secret-2");
        GatewayConfig conf = RunningItForRealITCase.gatewayConfig(dir, passwords);
        // As 'signalbox gateway --config F --members FILE' completes it.
        GatewayCommand.addAttributed(conf, directory);
        GatewayCommand.secretariatFrom(conf, directory, "secretariatSource of the directory");
        gateway =
            Gateway.start(
                conf,
                KafkaClientConfig.load(bootstrap, secure.clientConfig("gateway"), "--kafka-config"),
                "127.0.0.1",
                0,
                -1,
                TaxiiTransport.plainLoopback());
        String root = "http://127.0.0.1:" + gateway.port() + "/";

        Taxii rail = new Taxii(root, RAIL, passwords.get(RAIL));
        Taxii airline = new Taxii(root, AIRLINE, passwords.get(AIRLINE));
        String railCol = rail.onlyCollection();
        String airlineCol = airline.onlyCollection();
        List<JsonNode> railObjects =
            rail.objectsOnceThere(
                railCol,
                RunningItForRealITCase.holds(
                    Set.of("update.tarmac-panda.example", "cdn.signal-relay.example"),
                    RunningItForRealITCase.CAMPAIGN));
        List<JsonNode> airlineObjects =
            airline.objectsOnceThere(
                airlineCol,
                RunningItForRealITCase.holds(
                    Set.of("update.tarmac-panda.example", "crew-portal.example.net"),
                    RunningItForRealITCase.CAMPAIGN));
        RunningItForRealITCase.assertOwnFeed(
            railObjects,
            RAIL,
            Set.of(RunningItForRealITCase.CAMPAIGN, RunningItForRealITCase.RAIL_ONLY));
        RunningItForRealITCase.assertOwnFeed(
            airlineObjects,
            AIRLINE,
            Set.of(RunningItForRealITCase.CAMPAIGN, RunningItForRealITCase.AIRLINE_ONLY));
        // The forged attempt wrote nothing: the airline's feed has only its own three sightings'
        // values, none of the rail operator's.
        assertThat(RunningItForRealITCase.JSON.writeValueAsString(airlineObjects))
            .doesNotContain("cdn.signal-relay.example");

        for (JobClient job : jobs) {
          assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS))
              .as("job %s still running (an authorization failure would have failed it)", job)
              .isEqualTo(JobStatus.RUNNING);
        }
      } finally {
        if (gateway != null) {
          gateway.close();
        }
        for (JobClient job : jobs) {
          job.cancel().get(60, TimeUnit.SECONDS);
        }
      }
    }
  }

  record Run(EdgeCommandsTest.Result result, int events) {
    void assertSucceeded() {
      assertThat(result.exit()).as(result.err()).isZero();
      assertThat(result.out() + result.err()).contains("events out: " + events + " ");
    }
  }

  /** {@code signalbox sanitize} of {@code member}'s log into {@code telemetry.<topicOf>}. */
  static Run edge(
      Path dir,
      SecureLocalBroker secure,
      String member,
      String sector,
      String log,
      String topicOf,
      int events)
      throws Exception {
    return new Run(
        RunningItForRealITCase.sanitize(
            dir,
            member,
            sector,
            log,
            "--kafka",
            secure.bootstrapServers(),
            "--topic",
            "telemetry." + topicOf,
            "--kafka-config",
            secure.clientConfig(member).toString()),
        events);
  }

  /** A job's configuration as its command builds it, logging in with {@code user}'s file. */
  static Configuration jobConf(SecureLocalBroker secure, Path members, String user) {
    Configuration conf = RunningItForRealITCase.jobConf(secure.bootstrapServers(), members);
    conf.set(KafkaOptions.CONFIG_FILE, secure.clientConfig(user).toString());
    return conf;
  }

  static JobClient startCorrelate(SecureLocalBroker secure, Path members) throws Exception {
    Configuration conf = jobConf(secure, members, "correlate");
    CorrelateOptions.secretariatSource(conf);
    return RunningItForRealITCase.submit(
        conf,
        (env, c) -> {
          CorrelateJob.reuseObjects(env, c);
          CorrelateKafka.attach(env, c, false);
        },
        "secure walkthrough correlate");
  }

  static JobClient startCampaigns(SecureLocalBroker secure, Path members, Path keyFile)
      throws Exception {
    Configuration conf = jobConf(secure, members, "campaigns");
    conf.set(CampaignOptions.MEMBERS, members.toString());
    conf.set(CampaignOptions.PSEUDONYM_KEY, Files.readString(keyFile).strip());
    return RunningItForRealITCase.submit(
        conf, (env, c) -> CampaignKafka.attach(env, c, false), "secure walkthrough campaigns");
  }
}
