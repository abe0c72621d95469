package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code indicators import --format taxii} against a loopback TAXII endpoint. Paging itself is
 * tested with a full TAXII server in the connectors module; here a two-page collection checks the
 * wiring: credentials, state file, STIX reading and reporting.
 */
class IndicatorsImportTaxiiTest {
  private static final String PAGE1 =
      "{\"more\":true,\"next\":\"p2\",\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
          + "\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"created\":\"2026-11-01T00:00:00Z\","
          + "\"modified\":\"2026-11-01T00:00:00Z\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-01T00:00:00Z\","
          + "\"pattern\":\"[domain-name:value = 'signal.evil.example']\"}]}";
  private static final String PAGE2 =
      "{\"more\":false,\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
          + "\"id\":\"indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3a\",\"created\":\"2026-11-01T00:00:00Z\","
          + "\"modified\":\"2026-11-01T00:00:00Z\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-01T00:00:00Z\","
          + "\"pattern\":\"[ipv4-addr:value = '198.51.100.7'\"}]}";

  private HttpServer server;
  final List<String> queries = new CopyOnWriteArrayList<>();
  String url;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String auth =
        "Basic " + Base64.getEncoder().encodeToString("isac:pw".getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/api1/collections/c1/objects/",
        x -> {
          try (x) {
            String q = x.getRequestURI().getRawQuery();
            queries.add(q);
            boolean ok = auth.equals(x.getRequestHeaders().getFirst("Authorization"));
            String body =
                !ok
                    ? "{\"title\":\"Unauthorized\",\"description\":\"bad credentials\"}"
                    : q != null && q.contains("next=p2") ? PAGE2 : PAGE1;
            x.getResponseHeaders().add("Content-Type", "application/taxii+json;version=2.1");
            if (ok) {
              x.getResponseHeaders()
                  .add(
                      "X-TAXII-Date-Added-Last",
                      body == PAGE1 ? "2026-11-20T08:00:00.000Z" : "2026-11-20T09:00:00.000Z");
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(ok ? 200 : 401, b.length);
            try (OutputStream o = x.getResponseBody()) {
              o.write(b);
            }
          }
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api1/collections/c1/";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SignalboxCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void pollsAllPagesFromTheStateFilesDateAndLeavesTheStateOnADryRun(@TempDir Path tmp)
      throws Exception {
    Path password = tmp.resolve("pw");
    Files.writeString(password, "pw\n");
    Path state = tmp.resolve("state.json");
    String stateText =
        "{\"collections\":{\"" + url + "objects/\":{\"addedAfter\":\"2026-11-19T00:00:00.000Z\"}}}";
    Files.writeString(state, stateText);

    Run r =
        run(
            "indicators",
            "import",
            url,
            "--format",
            "taxii",
            "--taxii-user",
            "isac",
            "--taxii-password-file",
            password.toString(),
            "--taxii-limit",
            "1",
            "--state",
            state.toString(),
            "--dry-run");

    assertThat(r.code()).isZero();
    assertThat(queries)
        .containsExactly(
            "added_after=2026-11-19T00%3A00%3A00.000Z&limit=1",
            "added_after=2026-11-19T00%3A00%3A00.000Z&limit=1&next=p2");
    assertThat(r.out()).contains("signal.evil.example").hasLineCount(1);
    assertThat(r.err())
        .contains("TAXII " + url + "objects/: 2 objects in 2 pages added after 2026-11-19")
        .contains("REJECTED " + url + " indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3a")
        .contains("imported 1, updated 0, unchanged 0, rejected 1")
        .contains("not advanced: nothing was written to Kafka");
    assertThat(Files.readString(state)).isEqualTo(stateText);
  }

  @Test
  void badCredentialsAreReportedWithTheServersMessage(@TempDir Path tmp) throws Exception {
    Path password = tmp.resolve("pw");
    Files.writeString(password, "wrong");
    Run r =
        run(
            "indicators",
            "import",
            url,
            "--format",
            "taxii",
            "--taxii-user",
            "isac",
            "--taxii-password-file",
            password.toString(),
            "--dry-run");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("ERROR " + url + ": TAXII server answered HTTP 401")
        .contains("Unauthorized: bad credentials");
  }
}
