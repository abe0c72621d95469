package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.jobs.sharing.MemberDirectory;

/** correlate.secretariat-source comes from the member directory when one is given. */
class SecretariatSourceTest {

  @Test
  void withoutADirectoryTheOptionOrItsDefault() {
    assertThat(CorrelateOptions.secretariatSource(new Configuration())).isEqualTo("secretariat");
    Configuration conf = new Configuration();
    conf.set(CorrelateOptions.SECRETARIAT_SOURCE, "isac-office");
    assertThat(CorrelateOptions.secretariatSource(conf)).isEqualTo("isac-office");
  }

  @Test
  void theDirectorysSecretariatWinsOverTheDefault(@TempDir Path dir) throws Exception {
    Configuration conf = withDirectory(dir, "isac-secretariat");
    assertThat(CorrelateOptions.secretariatSource(conf)).isEqualTo("isac-secretariat");
    conf.set(CorrelateOptions.SECRETARIAT_SOURCE, "isac-secretariat");
    assertThat(CorrelateOptions.secretariatSource(conf))
        .as("agreeing")
        .isEqualTo("isac-secretariat");
  }

  @Test
  void anExplicitOptionThatDisagreesIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
    Configuration conf = withDirectory(dir, "isac-secretariat");
    conf.set(CorrelateOptions.SECRETARIAT_SOURCE, "secretariat");
    assertThatThrownBy(() -> CorrelateOptions.secretariatSource(conf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("correlate.secretariat-source is 'secretariat'")
        .hasMessageContaining("the member directory names the secretariat 'isac-secretariat'");
  }

  @Test
  void aMissingDirectoryIsRefusedNamingTheFile(@TempDir Path dir) {
    Configuration conf = new Configuration();
    conf.set(CorrelateOptions.MEMBERS, dir.resolve("none.yaml").toString());
    assertThatThrownBy(() -> CorrelateOptions.secretariatSource(conf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sharing.members: no such file");
  }

  private static Configuration withDirectory(Path dir, String secretariat) throws Exception {
    Path file = dir.resolve("members.yaml");
    new MemberDirectory(secretariat, Set.of(), List.of()).write(file);
    Configuration conf = new Configuration();
    conf.set(CorrelateOptions.MEMBERS, file.toString());
    return conf;
  }
}
