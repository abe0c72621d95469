package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StixCheckPatternCommandTest {

  private record Run(int exitCode, String out) {}

  private static Run run(String stdin, String... args) {
    InputStream saved = System.in;
    StringWriter out = new StringWriter();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      CommandLine cli = SignalboxCommand.newCommandLine();
      cli.setOut(new PrintWriter(out));
      int code = cli.execute(args);
      return new Run(code, out.toString());
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void printsOneVerdictPerLineInOrder() {
    String input =
        String.join(
            "\n",
            "[ipv4-addr:value = '198.51.100.7']",
            "[ipv4-addr:value = '198.51.100.7'",
            "",
            "[file:hashes.'SHA-256' = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] FOLLOWEDBY [url:value LIKE 'http://%'] WITHIN 60 SECONDS",
            "[file:hashes.SHA-256 = 'aa']");
    Run r = run(input + "\n", "stix", "check-pattern");
    assertThat(r.out().lines().toList())
        .containsExactly(
            "OK",
            "ERROR: column 34: expected ']' closing the observation opened at column 1 but found end of pattern",
            "ERROR: column 1: expected '[' or '(' starting an observation but found end of pattern",
            "OK",
            "ERROR: column 14: property name 'SHA-256' contains '-' and must be quoted ('SHA-256')");
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void allValidExitsZero() {
    Run r =
        run(
            "[domain-name:value = 'evil.example']\r\n[url:value = 'http://x/']",
            "stix",
            "check-pattern");
    assertThat(r.out().lines().toList()).containsExactly("OK", "OK");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void helpWorks() {
    Run r = run("", "stix", "check-pattern", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: signalbox stix check-pattern").contains("OK or ERROR");
  }

  @Test
  void patternsThatCanNeverMatchOrMatchEverythingAreErrorsWithTheReason() {
    String input =
        String.join(
            "\n",
            "[domain-name:value MATCHES '(a)\\\\1']",
            "[domain-name:value MATCHES '(?<=a)b']",
            "[domain-name:value MATCHES '\\\\p{L}+']",
            "[domain-name:value LIKE '%']",
            "[domain-name:value MATCHES '.*']",
            "[ipv4-addr:value ISSUBSET '0.0.0.0/1']",
            "[domain-name:value LIKE '%.com']",
            "[domain-name:value LIKE '%.co.uk']",
            "[domain-name:value LIKE '%.evil.example']",
            "[ipv4-addr:value ISSUBSET '10.0.0.0/8']");
    Run r = run(input + "\n", "stix", "check-pattern");
    List<String> out = r.out().lines().toList();
    assertThat(out).hasSize(10);
    assertThat(out.get(0)).startsWith("ERROR: cannot be matched: column 2:").contains("\\1");
    assertThat(out.get(1)).contains("look-around");
    assertThat(out.get(2)).contains("\\p");
    assertThat(out.get(3)).contains("matches every value");
    assertThat(out.get(4)).contains("matches every value");
    assertThat(out.get(5)).contains("0.0.0.0/1 is too broad");
    assertThat(out.get(6)).contains("*.com is too broad");
    assertThat(out.get(7)).contains("co.uk is a public suffix");
    assertThat(out.subList(8, 10)).containsExactly("OK", "OK");
    assertThat(r.exitCode()).isEqualTo(1);

    Run wider =
        run(
            "[ipv4-addr:value ISSUBSET '0.0.0.0/1']\n",
            "stix",
            "check-pattern",
            "--min-ipv4-prefix=1");
    assertThat(wider.out().lines().toList()).containsExactly("OK");
  }
}
