package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.json.TelemetryJson;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.TelemetryEvent;

class EdgeCommandsTest {
  static final String KEY = "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202";

  public record Result(int exit, String out, String err) {}

  public static Result run(String stdin, String... args) {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = SignalboxCommand.newCommandLine().execute(args);
      return new Result(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void cryptopanMapsTheReferenceVectorsLineByLine() {
    Result r =
        run(
            "24.5.0.80\n208.234.120.210\nnot-an-address\n10.185.25.118\n64.14.118.196\n",
            "cryptopan",
            "--key",
            KEY);
    assertThat(r.out().split("\n", -1))
        .containsExactly("100.9.15.210", "227.154.67.17", "", "117.161.29.118", "0.255.183.58", "");
    assertThat(r.err()).contains("stdin:3: not an IP address");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void cryptopanRejectsABadKey() {
    Result r = run("1.2.3.4\n", "cryptopan", "--key", "abcd");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("32 bytes");
  }

  @Test
  void sanitizeWritesJsonLinesThatTheMatchReaderReads(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("app.log");
    Files.writeString(
        log,
        "<34>1 2026-03-01T10:00:00.123+09:00 fw01.corp.example sshd 4242 - - Failed password for"
            + " alice from 203.0.113.9 port 22, call 090-1234-5678\n"
            + "garbage that is not syslog\n");
    Path out = dir.resolve("out.jsonl");
    Path keys = dir.resolve("keys.yaml");
    Result r =
        run(
            "",
            "sanitize",
            "--format",
            "syslog",
            "--member",
            "m-rail-01",
            "--sector",
            "rail",
            "--in",
            log.toString(),
            "--out",
            out.toString(),
            "--key-file",
            keys.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("generated new keys in " + keys)
        .contains("app.log:2: rejected:")
        .contains("lines read: 2")
        .contains("events out: 1")
        .contains("lines rejected: 1");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(1);
    TelemetryEvent e = TelemetryJson.parse("out.jsonl", 1, lines.get(0));
    assertThat(e.getMember()).isEqualTo("m-rail-01");
    assertThat(e.getEventTime().toEpochMilli()).isEqualTo(1772326800123L);
    assertThat(e.getAttributes().get("syslog.message"))
        .isEqualTo("Failed password for alice from [IP] port 22, call [PHONE]");
    assertThat(e.getAttributes().get("syslog.hostname")).startsWith("pn-k1-");
    assertThat(e.getProvenance().getPolicyId()).isEqualTo("signalbox-default");
    assertThat(lines.get(0)).doesNotContain("fw01").doesNotContain("203.0.113.9");
    assertThat(Files.readString(keys)).contains("cryptopan");
    assertThat(e.getObservables()).noneMatch(o -> o.getType() == ObservableType.IPV4);
  }

  @Test
  void aNegativeMaxLineBytesIsAnOptionErrorNotAStackTrace(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "x\n");
    Result r =
        run(
            "",
            "sanitize",
            "--format",
            "syslog",
            "--member",
            "m-rail-01",
            "--sector",
            "rail",
            "--in",
            log.toString(),
            "--out",
            dir.resolve("out.jsonl").toString(),
            "--key-file",
            dir.resolve("keys.yaml").toString(),
            "--max-line-bytes=-1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("--max-line-bytes must be a positive number of bytes (got -1)")
        .doesNotContain("Exception");
  }
}
