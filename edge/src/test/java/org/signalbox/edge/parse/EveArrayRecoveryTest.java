package org.signalbox.edge.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;

/** One bad element of a Suricata EVE array is reported with its position; the rest is read. */
class EveArrayRecoveryTest {
  static String alert(String second) {
    return "  {\n    \"timestamp\": \"2018-03-24T14:37:"
        + second
        + ".037299-0600\",\n    \"event_type\": \"alert\",\n    \"src_ip\": \"198.51.100.7\","
        + "\n    \"alert\": {\"signature\": \"x } ] , \\\" {\"}\n  }";
  }

  @Test
  void aBadElementDoesNotDropTheRestOfTheFile() throws Exception {
    String eve =
        "[\n"
            + alert("19")
            + ",\n  {\"timestamp\": \"2018-03-24T14:37:20-0600\", \"event_type\": tru },\n"
            + "  42,\n"
            + alert("21")
            + ",\n"
            + alert("22")
            + "\n]\n";
    EdgeFixtures.Run run =
        EdgeFixtures.run(LogFormat.SURICATA, ZeekTimestampsTest.policy(), eve, "alerts.json");
    assertThat(run.events()).hasSize(3);
    assertThat(run.counters().linesRejected).isEqualTo(2);
    assertThat(run.report())
        .contains("alerts.json:8: rejected: array element 2 is not JSON")
        .contains("alerts.json:9: rejected: array element 3 is not a JSON object");
  }

  @Test
  void aTruncatedArrayKeepsWhatCameBefore() throws Exception {
    String eve = "[\n" + alert("19") + ",\n" + alert("20").substring(0, 40);
    EdgeFixtures.Run run =
        EdgeFixtures.run(LogFormat.SURICATA, ZeekTimestampsTest.policy(), eve, "alerts.json");
    assertThat(run.events()).hasSize(1);
    assertThat(run.report())
        .contains("JSON array broken at line")
        .contains("not closed (truncated input?)");
  }
}
