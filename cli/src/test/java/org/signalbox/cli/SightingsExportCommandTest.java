package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.importers.stix.StixBundleReader;
import org.signalbox.json.SightingJson;
import org.signalbox.schema.Tlp;

class SightingsExportCommandTest {

  static final String GOOD_ID = "sighting--6f1a2b3c-0000-3000-8000-00000000000a";
  static final String INDICATOR = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

  @Test
  void stdinJsonLinesBecomeABundleOnStdout() throws Exception {
    String stdin =
        String.join(
            "\n",
            SightingJson.write(
                StixExportSightingsCommandTest.sighting(GOOD_ID, INDICATOR, Tlp.AMBER)),
            "not json",
            SightingJson.write(
                StixExportSightingsCommandTest.sighting(
                    "sighting--6f1a2b3c-0000-3000-8000-00000000000b", INDICATOR, Tlp.GREEN)),
            "");
    EdgeCommandsTest.Result r = EdgeCommandsTest.run(stdin, "sightings", "export", "--stix");

    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err())
        .contains("REJECTED stdin:2:")
        .contains("exported 2 sightings, rejected 1 (3 lines read)");
    JsonNode bundle = new ObjectMapper().readTree(r.out());
    assertThat(bundle.path("type").asText()).isEqualTo("bundle");
    assertThat(bundle.path("objects").findValuesAsText("id"))
        .contains(GOOD_ID, "sighting--6f1a2b3c-0000-3000-8000-00000000000b");
    assertThat(bundle.path("objects").findValuesAsText("sighting_of_ref")).containsOnly(INDICATOR);
  }

  @Test
  void writesTheBundleToOutAndItReadsBack(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bundle.json");
    EdgeCommandsTest.Result r =
        EdgeCommandsTest.run(
            SightingJson.write(
                    StixExportSightingsCommandTest.sighting(GOOD_ID, INDICATOR, Tlp.GREEN))
                + "\n",
            "sightings",
            "export",
            "--stix",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(new StixBundleReader().read(out).rejected()).isEmpty();
    assertThat(new ObjectMapper().readTree(out.toFile()).path("objects").findValuesAsText("type"))
        .containsOnlyOnce("sighting");
  }

  @Test
  void stixIsRequired() {
    EdgeCommandsTest.Result r = EdgeCommandsTest.run("", "sightings", "export");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--stix");
  }
}
