package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.testkit.LocalKafkaBroker;
import picocli.CommandLine;

/** The TAXII state file advances once the indicators are in Kafka, and the next poll uses it. */
class IndicatorsImportTaxiiKafkaITCase {

  @Test
  void stateAdvancesAfterAKafkaWriteAndTheNextPollAsksOnlyForNewer(@TempDir Path tmp)
      throws Exception {
    IndicatorsImportTaxiiTest taxii = new IndicatorsImportTaxiiTest();
    taxii.start();
    Path password = tmp.resolve("pw");
    Files.writeString(password, "pw");
    Path state = tmp.resolve("state.json");
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("indicators", 1, (short) 1))).all().get();
      }
      String[] args = {
        "indicators",
        "import",
        taxii.url,
        "--format",
        "taxii",
        "--taxii-user",
        "isac",
        "--taxii-password-file",
        password.toString(),
        "--state",
        state.toString(),
        "--kafka",
        broker.bootstrapServers()
      };
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = SignalboxCommand.newCommandLine();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      assertThat(cli.execute(args)).as(err.toString()).isZero();
      assertThat(out.toString()).contains("imported 1").contains("written to indicators");
      assertThat(Files.readString(state))
          .contains(taxii.url + "objects/")
          .contains("\"addedAfter\" : \"2026-11-20T09:00:00.000Z\"");

      assertThat(SignalboxCommand.newCommandLine().execute(args)).isZero();
      assertThat(taxii.queries)
          .containsExactly(
              null,
              "next=p2",
              "added_after=2026-11-20T09%3A00%3A00.000Z",
              "added_after=2026-11-20T09%3A00%3A00.000Z&next=p2");
    } finally {
      taxii.stop();
    }
  }
}
