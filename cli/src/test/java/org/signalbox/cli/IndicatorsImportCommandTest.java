package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IndicatorsImportCommandTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SignalboxCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Path stixSamples() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/stix");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    Assumptions.abort("shared/data/stix not found beside the checkout; skipping");
    return null;
  }

  @Test
  void dryRunPrintsNormalizedIndicatorsAsJsonLinesAndASummary(@TempDir Path tmp) throws Exception {
    Path poisonIvy = stixSamples().resolve("poisonivy.json");
    Path bad = tmp.resolve("bad.json");
    Files.writeString(
        bad,
        "{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--31000000-0000-4000-8000-000000000000\","
            + "\"created\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
            + "\"pattern\":\"[ipv4-addr:value = '1.2.3.4'\"}]}");
    Path csv = tmp.resolve("feed.csv");
    Files.writeString(csv, "# dst_ip\n198.51.100.7\n999.1.1.1\n");
    Run r =
        run(
            "indicators",
            "import",
            poisonIvy.toString(),
            bad.toString(),
            csv.toString(),
            "--csv-columns",
            "value=dst_ip,type=IPV4",
            "--dry-run");
    assertThat(r.exitCode()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.out().lines().toList()) {
      lines.add(new ObjectMapper().readTree(line));
    }
    assertThat(lines).hasSize(26);
    assertThat(lines)
        .anySatisfy(n -> assertThat(n.path("value").asText()).isEqualTo("198.51.100.7"));
    assertThat(lines)
        .anySatisfy(n -> assertThat(n.path("campaigns").toString()).contains("admin@338"));
    assertThat(r.err())
        .contains("REJECTED " + bad + " indicator--31000000-0000-4000-8000-000000000000 (line 1, ")
        .contains("invalid pattern: column 29: expected ']'")
        .contains("REJECTED " + csv + " " + csv + ":3: ")
        .contains("imported 26, updated 0, unchanged 0, rejected 2 (26 indicators read, dry run)");
  }

  @Test
  void unreadableInputIsReportedAndOthersStillImport(@TempDir Path tmp) throws Exception {
    Path ok = tmp.resolve("ok.json");
    Files.writeString(
        ok,
        "{\"type\":\"indicator\",\"id\":\"indicator--32000000-0000-4000-8000-000000000000\",\"created\":\"2024-01-01T00:00:00Z\","
            + "\"pattern\":\"[domain-name:value = 'evil.example']\"}");
    Run r = run("indicators", "import", tmp.resolve("missing.json").toString(), ok.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("ERROR " + tmp.resolve("missing.json"));
    assertThat(r.out()).contains("imported 1, updated 0, unchanged 0, rejected 0");
  }

  @Test
  void taxiiNeedsACollectionUrl() {
    Run r = run("indicators", "import", "bundle.json", "--format", "taxii", "--dry-run");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("ERROR bundle.json: TAXII collection URL must be http(s)");
  }
}
