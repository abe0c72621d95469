package org.signalbox.jobs.trends;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** TRENDS.md's option table is the code's option list: a new or renamed option fails here. */
class TrendsDocTest {

  @Test
  void everyOptionIsDocumentedWithItsDefault() throws Exception {
    String text = Files.readString(Path.of("TRENDS.md"));
    for (ConfigOption<?> o : TrendsOptions.ALL) {
      assertThat(text)
          .as("TRENDS.md row for %s", o.key())
          .contains(
              "| `"
                  + o.key()
                  + "` | "
                  + (o.hasDefaultValue() ? "`" + o.defaultValue() + "`" : "(none)")
                  + " |");
    }
  }
}
