package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** The README's option table is the code's option list: a new or renamed option fails here. */
class ReadmeOptionsTest {

  @Test
  void everyOptionIsDocumentedWithItsDefault() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    for (ConfigOption<?> o : CorrelateOptions.ALL) {
      String def = String.valueOf(o.defaultValue());
      if (o.defaultValue() instanceof java.time.Duration) {
        def = o.defaultValue().toString();
      }
      assertThat(text)
          .as("README row for %s", o.key())
          .contains("| `" + o.key() + "` | `" + def + "` |");
    }
  }
}
