package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway.yaml examples of the README and gateway/GATEWAY.md are valid configs (with real
 * hashes in place of the elided ones), so the documented example cannot grant a member a raw job
 * topic again.
 */
class GatewayDocExamplesTest {

  static List<String> examples(Path doc) throws Exception {
    String text = Files.readString(doc);
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("`gateway.yaml`:\\s*```yaml\\n(.*?)```", Pattern.DOTALL).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theDocumentedGatewayConfigsAreValid(@TempDir Path dir) throws Exception {
    String hash = PasswordHash.hash("pw".toCharArray(), 10_000);
    int n = 0;
    for (Path doc : List.of(Path.of("..", "README.md"), Path.of("..", "gateway", "GATEWAY.md"))) {
      List<String> found = examples(doc);
      assertThat(found).as("a gateway.yaml example in " + doc).isNotEmpty();
      for (String yaml : found) {
        Path file = dir.resolve("example-" + n++ + ".yaml");
        Files.writeString(file, yaml.replace("pbkdf2-sha256$600000$...$...", hash));
        GatewayConfig c = GatewayConfig.read(file);
        for (GatewayConfig.Member m : c.members) {
          for (String a : m.audiences) {
            GatewayConfig.Collection col =
                c.collections.stream().filter(x -> x.audience.equals(a)).findFirst().get();
            assertThat(m.secretariat || GatewayConfig.rawTopicOf(col) == null)
                .as(doc + ": " + m.name + " reads " + a)
                .isTrue();
          }
        }
      }
    }
  }
}
