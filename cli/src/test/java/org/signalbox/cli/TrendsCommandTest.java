package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trends and report commands refuse a bad member directory before starting anything. */
class TrendsCommandTest {

  @TempDir Path dir;

  @Test
  void aBadDirectoryIsAnErrorWithItsPlaceNotAFailedJob() throws Exception {
    Path members = dir.resolve("members.yaml");
    Files.writeString(members, "members:\n  - id: rail-a\n    sector: trains\n");
    EdgeCommandsTest.Result r =
        EdgeCommandsTest.run(
            "", "trends", "--bootstrap", "127.0.0.1:1", "--members", members.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("members[0].sector: unknown sector 'trains'");

    EdgeCommandsTest.Result missing =
        EdgeCommandsTest.run(
            "",
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
            "--out",
            dir.resolve("out").toString(),
            "--kafka",
            "127.0.0.1:1",
            "--members",
            dir.resolve("nowhere.yaml").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("nowhere.yaml");
  }

  @Test
  void feedbackFromAFileGoesWithSightingsOnly() {
    EdgeCommandsTest.Result r =
        EdgeCommandsTest.run(
            "",
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
            "--out",
            dir.resolve("out").toString(),
            "--kafka",
            "127.0.0.1:1",
            "--feedback",
            dir.resolve("verdicts.jsonl").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--feedback goes with --sightings");
  }

  @Test
  void theOptionsListingShowsTheSharedKeys() {
    EdgeCommandsTest.Result r = EdgeCommandsTest.run("", "trends", "--list-options");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("sharing.members", "feedback.topics", "feedback\\..+");
    // Optional: without it the directory figures are absent, nothing fails.
    assertThat(r.out()).containsPattern("sharing\\.members +\\(none\\)");
  }
}
