package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.demo.DemoData;
import org.signalbox.jobs.sharing.Audience;
import org.signalbox.jobs.sharing.Pseudonyms;
import picocli.CommandLine;

class PseudonymsResolveCommandTest {
  static final String SECRET = "a-secretariat-key-of-enough-length";

  @TempDir Path dir;
  Path members;
  Path keyFile;

  /** The campaign job's own pseudonyms, computed as the router computes them. */
  final Pseudonyms job = new Pseudonyms("k1", SECRET.getBytes(StandardCharsets.UTF_8));

  private record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void files() throws Exception {
    members = dir.resolve("members.yaml");
    DemoData.directory().write(members);
    keyFile = dir.resolve("pseudonym.key");
    // As an operator writes it: with a trailing newline, which the job strips as well.
    Files.writeString(keyFile, SECRET + "\n");
  }

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
  void printsTheMemberBehindEachPseudonymOfAnAudience() {
    String a = job.of(Audience.group("rail"), "rail-operator-b");
    String b = job.of(Audience.group("rail"), "airport-c");
    Run r =
        run(
            "pseudonyms",
            "resolve",
            "--members",
            members.toString(),
            "--key-file",
            keyFile.toString(),
            "--audience",
            "feed.group.rail",
            a,
            b);
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines())
        .containsExactly(a + " rail-operator-b group:rail", b + " airport-c group:rail");
  }

  @Test
  void withoutAnAudienceEveryFeedIsSearched() {
    String p = job.of(Audience.member("airline-b"), "logistics-a");
    Run r =
        run(
            "pseudonyms",
            "resolve",
            "--members",
            members.toString(),
            "--key-file",
            keyFile.toString(),
            p);
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines()).containsExactly(p + " logistics-a member:airline-b");
  }

  @Test
  void aPseudonymOfAnotherAudienceOrKeyIsNotResolved() {
    String community = job.of(Audience.COMMUNITY, "airline-b");
    Run r =
        run(
            "pseudonyms",
            "resolve",
            "--members",
            members.toString(),
            "--key-file",
            keyFile.toString(),
            "--audience",
            "public",
            community,
            "not-a-pseudonym");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out().lines())
        .containsExactly(community + " unresolved", "not-a-pseudonym unresolved");
    assertThat(r.err()).contains("not-a-pseudonym: not a pseudonym");
  }

  @Test
  void usageErrorsSayWhatIsWrong() {
    Run noKeyFile =
        run(
            "pseudonyms",
            "resolve",
            "--members",
            members.toString(),
            "--key-file",
            dir.resolve("missing.key").toString(),
            "p-0123456789abcdef");
    assertThat(noKeyFile.exitCode()).isEqualTo(2);
    assertThat(noKeyFile.err()).contains("--key-file: no such file");

    Run badAudience =
        run(
            "pseudonyms",
            "resolve",
            "--members",
            members.toString(),
            "--key-file",
            keyFile.toString(),
            "--audience",
            "everyone",
            "p-0123456789abcdef");
    assertThat(badAudience.exitCode()).isEqualTo(2);
    assertThat(badAudience.err()).contains("'everyone' is not an audience");
  }
}
