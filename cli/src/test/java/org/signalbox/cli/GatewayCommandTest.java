package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.gateway.GatewayConfig;
import org.signalbox.gateway.PasswordHash;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Sector;
import picocli.CommandLine;

class GatewayCommandTest {

  @Test
  void theDirectorysOptedInMembersJoinTheConfigsAttributedOnes() {
    GatewayConfig conf = new GatewayConfig();
    conf.attributedMembers = List.of("by-hand");
    MemberDirectory directory =
        new MemberDirectory(
            "isac",
            Set.of(),
            List.of(
                new MemberDirectory.Member("rail-named", Sector.RAIL, Set.of("rail"), true, 0),
                new MemberDirectory.Member("rail-quiet", Sector.RAIL, Set.of("rail"), false, 0),
                new MemberDirectory.Member("air-named", Sector.AVIATION, Set.of(), true, 0)));
    GatewayCommand.addAttributed(conf, directory);
    assertThat(conf.attributedMembers).containsExactly("air-named", "by-hand", "rail-named");
  }

  @Test
  void aMissingOrBrokenDirectoryStopsTheGatewayWithThePlaceOfTheFault(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        "collections:\n  - audience: community\nmembers:\n  - name: m1\n    passwordHash: "
            + PasswordHash.hash("pw".toCharArray(), 10_000)
            + "\n    audiences: [community]\n");
    CommandLine cli = new CommandLine(new SignalboxCommand());
    // The command reports on System.err, as every signalbox command does.
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      assertThat(
              cli.execute(
                  "gateway",
                  "--config",
                  config.toString(),
                  "--members",
                  dir.resolve("no.yaml").toString()))
          .isEqualTo(2);
      Path broken = dir.resolve("members.yaml");
      Files.writeString(broken, "secretariat: isac\nmembers:\n  - id: m1\n    sector: NOWHERE\n");
      assertThat(
              cli.execute("gateway", "--config", config.toString(), "--members", broken.toString()))
          .isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    String text = stderr.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("--members: no such file").contains("members[0].sector");
  }

  @Test
  void aConfigGrantingAMemberARawJobTopicIsRefusedAtStartWithTheReason(@TempDir Path dir)
      throws Exception {
    String hash = PasswordHash.hash("pw".toCharArray(), 10_000);
    // The README's former example: an ISAC-wide collection on the job's raw topics, for members.
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        "collections:\n"
            + "  - audience: community\n"
            + "  - audience: isac\n"
            + "    topics: [sightings, indicators]\n"
            + "members:\n"
            + "  - name: rail-op\n"
            + "    passwordHash: "
            + hash
            + "\n    audiences: [community, isac]\n");
    CommandLine cli = new CommandLine(new SignalboxCommand());
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      assertThat(cli.execute("gateway", "--config", config.toString())).isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .contains("members[0] (rail-op): audience isac reads the raw job topic 'sightings'")
        .contains("feed.* topics")
        .contains("secretariat: true");

    // The same collection for a secretariat account is accepted.
    Files.writeString(
        dir.resolve("ok.yaml"),
        Files.readString(config).replace("    audiences: [community, isac]\n", "")
            + "    audiences: [community]\n"
            + "  - name: office\n"
            + "    secretariat: true\n"
            + "    passwordHash: "
            + hash
            + "\n    audiences: [isac]\n");
    assertThat(GatewayConfig.read(dir.resolve("ok.yaml")).members).hasSize(2);
  }

  @Test
  void theSecretariatSourceIsTheDirectorysAndAConfigThatDisagreesIsRefused(@TempDir Path dir)
      throws Exception {
    MemberDirectory directory = new MemberDirectory("isac-secretariat", Set.of(), List.of());
    GatewayConfig unset = new GatewayConfig();
    GatewayCommand.secretariatFrom(unset, directory, "secretariatSource");
    assertThat(unset.secretariatSource()).isEqualTo("isac-secretariat");
    GatewayConfig agrees = new GatewayConfig();
    agrees.secretariatSource = "isac-secretariat";
    GatewayCommand.secretariatFrom(agrees, directory, "secretariatSource");
    assertThat(agrees.secretariatSource()).isEqualTo("isac-secretariat");
    assertThat(new GatewayConfig().secretariatSource())
        .as("no directory, nothing set: the default")
        .isEqualTo("secretariat");

    Path config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        "secretariatSource: secretariat\n"
            + "collections:\n  - audience: community\nmembers:\n  - name: m1\n    passwordHash: "
            + PasswordHash.hash("pw".toCharArray(), 10_000)
            + "\n    audiences: [community]\n");
    Path members = dir.resolve("members.yaml");
    directory.write(members);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      assertThat(
              new CommandLine(new SignalboxCommand())
                  .execute(
                      "gateway", "--config", config.toString(), "--members", members.toString()))
          .isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .contains("is 'secretariat' but the member directory names the secretariat")
        .contains("'isac-secretariat'");
  }

  @Test
  void offLoopbackTheGatewayNeedsACertificateAndPlainHttpIsRefused(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        "collections:\n  - audience: community\nmembers:\n  - name: m1\n    passwordHash: "
            + PasswordHash.hash("pw".toCharArray(), 10_000)
            + "\n    audiences: [community]\n");
    assertThat(run("gateway", "--config", config.toString(), "--bind", "0.0.0.0"))
        .contains("--bind 0.0.0.0 is not a loopback address")
        .contains("--tls-certificate FILE --tls-key FILE");
    assertThat(run("gateway", "--config", config.toString(), "--bind", "0.0.0.0", "--plain-http"))
        .contains("plain HTTP is served on loopback only");
    assertThat(
            run(
                "gateway",
                "--config",
                config.toString(),
                "--tls-certificate",
                dir.resolve("x.crt").toString()))
        .contains("--tls-certificate and --tls-key go together");
    assertThat(
            run(
                "gateway",
                "--config",
                config.toString(),
                "--tls-certificate",
                dir.resolve("x.crt").toString(),
                "--tls-key",
                dir.resolve("x.key").toString()))
        .contains("--tls-certificate: no such file");
  }

  /** Runs the command, expects exit code 2 and returns what it wrote on standard error. */
  private static String run(String... args) {
    CommandLine cli = new CommandLine(new SignalboxCommand());
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      assertThat(cli.execute(args)).isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    return stderr.toString(StandardCharsets.UTF_8);
  }
}
