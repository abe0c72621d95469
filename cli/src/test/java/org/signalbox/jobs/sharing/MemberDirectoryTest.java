package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.demo.DemoData;
import org.signalbox.schema.Sector;

class MemberDirectoryTest {

  @TempDir Path dir;

  private MemberDirectory load(String yaml) throws Exception {
    Path f = dir.resolve("members.yaml");
    Files.writeString(f, yaml);
    return MemberDirectory.load(f);
  }

  @Test
  void readsMembersGroupsOptInAndCapacity() throws Exception {
    MemberDirectory d =
        load(
            """
            secretariat: isac-office
            partners: [national-cert]
            members:
              - id: rail-a
                sector: rail
                groups: [rail, isac]
                dailyCapacity: 40
              - id: airline-b
                sector: aviation
                groups: [isac]
                attribution: true
            """);
    assertThat(d.secretariat()).isEqualTo("isac-office");
    assertThat(d.partners()).containsExactly("national-cert");
    assertThat(d.contains("rail-a")).isTrue();
    assertThat(d.contains("rail-z")).isFalse();
    assertThat(d.member("rail-a").orElseThrow().sector()).isEqualTo(Sector.RAIL);
    assertThat(d.member("rail-a").orElseThrow().capacity()).hasValue(40);
    assertThat(d.member("airline-b").orElseThrow().capacity()).isEmpty();
    assertThat(d.attributed("airline-b")).isTrue();
    assertThat(d.attributed("rail-a")).isFalse();
    assertThat(d.attributed("nobody")).isFalse();
    assertThat(d.membersOf("isac")).containsExactly("airline-b", "rail-a");
    assertThat(d.groups()).containsExactly("isac", "rail");
  }

  @Test
  void secretariatDefaultsToItsName() throws Exception {
    assertThat(load("members: []").secretariat()).isEqualTo("secretariat");
  }

  @Test
  void faultsNameTheirPlace() {
    assertThatThrownBy(() -> load("members:\n  - id: a\n    sector: maritim\n"))
        .hasMessageContaining("members[0].sector: unknown sector 'maritim'");
    assertThatThrownBy(
            () -> load("members:\n  - id: a\n    sector: rail\n  - id: a\n    sector: rail\n"))
        .hasMessageContaining("members[1].id: member a is listed twice");
    assertThatThrownBy(() -> load("members:\n  - id: A B\n    sector: rail\n"))
        .hasMessageContaining("members[0].id: 'A B' is not a valid name");
    assertThatThrownBy(() -> load("members:\n  - id: a\n    sector: rail\n    colour: red\n"))
        .hasMessageContaining("members[0].colour: unknown key");
    assertThatThrownBy(() -> load("members:\n  - id: a\n    sector: rail\n    dailyCapacity: -3\n"))
        .hasMessageContaining("members[0].dailyCapacity");
    assertThatThrownBy(() -> load("members: [\n")).hasMessageContaining("not valid YAML at line");
    assertThatThrownBy(() -> load("secretariat: x\n"))
        .hasMessageContaining("members: expected a list");
  }

  @Test
  void demoDirectoryListsEveryDemoMember() {
    MemberDirectory d = DemoData.directory();
    assertThat(d.members()).hasSize(DemoData.MEMBERS.size() + DemoData.READERS.size());
    DemoData.MEMBERS.forEach(m -> assertThat(d.contains(m.id())).isTrue());
    DemoData.READERS.forEach(m -> assertThat(d.contains(m.id())).isTrue());
    assertThat(d.membersOf("rail")).hasSize(3);
  }

  @Test
  void aWrittenDirectoryReadsBackTheSame() throws Exception {
    MemberDirectory d =
        new MemberDirectory(
            "isac-office",
            Set.of("national-cert", "no"),
            List.of(
                new MemberDirectory.Member(
                    "rail-a", Sector.RAIL, Set.of("rail", "isac"), false, 40),
                // Names YAML would otherwise read as a boolean, a number or null.
                new MemberDirectory.Member("yes", Sector.AVIATION, Set.of("null", "1e3"), true, 0),
                new MemberDirectory.Member("007", Sector.PUBLIC_TRANSPORT, Set.of(), false, 0)));
    Path f = dir.resolve("written.yaml");
    d.write(f);
    assertThat(MemberDirectory.load(f)).isEqualTo(d);
    assertThat(MemberDirectory.load(f).members()).isEqualTo(d.members());
  }

  @Test
  void anEmptyDirectoryReadsBack() throws Exception {
    MemberDirectory d = new MemberDirectory("secretariat", Set.of(), List.of());
    Path f = dir.resolve("empty.yaml");
    d.write(f);
    assertThat(MemberDirectory.load(f)).isEqualTo(d);
  }

  /** The example users copy is the demo's own directory, so it stays a file the job accepts. */
  @Test
  void theCheckedInExampleIsTheDemosDirectory() throws Exception {
    Path example = Path.of("..", "deploy", "members", "example-members.yaml");
    assertThat(Files.readString(example)).isEqualTo(DemoData.directory().toYaml());
    assertThat(MemberDirectory.load(example)).isEqualTo(DemoData.directory());
  }
}
