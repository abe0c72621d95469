package org.signalbox.importers.misp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.importers.IndicatorBatch;

class MispFeedReaderTest {

  @Test
  void manifestAndEventFilesImportAndAMissingEventIsRejected(@TempDir Path feed) throws Exception {
    String uuid = "5f1e1c2a-0000-4000-8000-000000000001";
    String missing = "5f1e1c2a-0000-4000-8000-0000000000ff";
    Files.writeString(
        feed.resolve("manifest.json"),
        "{\"" + uuid + "\": {\"info\": \"x\"}, \"" + missing + "\": {}, \"../etc/passwd\": {}}");
    Files.writeString(feed.resolve(uuid + ".json"), MispEventReaderTest.EVENT);
    IndicatorBatch b =
        new MispFeedReader(new MispEventReader())
            .read(name -> Files.newInputStream(feed.resolve(name)));
    assertThat(b.indicators()).hasSize(6);
    assertThat(b.rejected())
        .extracting(IndicatorBatch.Rejection::where)
        .contains(missing + ".json", "manifest.json");
  }
}
