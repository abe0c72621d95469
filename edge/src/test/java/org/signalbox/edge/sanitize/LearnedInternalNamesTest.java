package org.signalbox.edge.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;
import org.signalbox.edge.SharedData;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.TelemetryEvent;

/**
 * Issue 18 item 4: a name is learned as internal only from a DNS answer that resolves it to an
 * internal address, never from the direction of a flow or an alert; what was learned is counted and
 * listed in the summary.
 */
class LearnedInternalNamesTest {
  @Test
  void alertsInTheResponseDirectionTeachNothing() throws IOException {
    SanitizationPolicy policy = InternalNameSpellingsTest.examplePolicy();
    StringBuilder eve = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      // The response direction: the internal host is the destination.
      eve.append(
              "{\"timestamp\":\"2026-09-21T10:00:0"
                  + i
                  + ".000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"203.0.113.9\","
                  + "\"dest_ip\":\"10.20.30.40\",\"proto\":\"TCP\",")
          .append(
              switch (i % 3) {
                case 0 -> "\"tls\":{\"sni\":\"q.xfil.pw\"},";
                case 1 -> "\"http\":{\"hostname\":\"q.xfil.pw\",\"url\":\"/x\"},";
                default -> "\"dns\":{\"rrname\":\"q.xfil.pw\"},";
              })
          .append("\"alert\":{\"signature\":\"ET EXFIL\"}}\n");
    }
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.SURICATA, policy, eve.toString(), "eve.json");
    assertThat(run.events()).hasSize(9);
    for (TelemetryEvent e : run.events()) {
      assertThat(e.getObservables())
          .as(e.toString())
          .anyMatch(o -> o.getType() == ObservableType.DOMAIN && o.getValue().equals("q.xfil.pw"));
    }
    assertThat(run.counters().namesLearnedInternal).isZero();
    assertThat(run.counters().summary()).contains("names learned as internal from DNS answers: 0");
  }

  @Test
  void aDnsAnswerWithAnInternalAddressTeachesTheNameAndIsCounted() throws IOException {
    SanitizationPolicy policy = InternalNameSpellingsTest.examplePolicy();
    String zeek =
        """
        {"_path":"dns","ts":1521911721.1,"id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.53","query":"Printer.Ops-Partner.example","answers":["print-1.ops-partner.example","10.9.9.9"]}
        {"_path":"dns","ts":1521911721.2,"id.orig_h":"10.0.0.5","id.resp_h":"10.0.0.53","query":"www.example.org","answers":["93.184.216.34"]}
        {"_path":"http","ts":1521911721.3,"id.orig_h":"10.0.0.5","id.resp_h":"10.9.9.9","host":"printer.ops-partner.example.","uri":"/"}
        {"_path":"ssl","ts":1521911721.4,"id.orig_h":"10.0.0.5","id.resp_h":"10.9.9.9","server_name":"www.example.org"}
        """;
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.ZEEK_JSON, policy, zeek, "zeek.json");
    List<TelemetryEvent> ev = run.events();
    assertThat(ev.toString()).doesNotContain("printer").doesNotContain("print-1");
    assertThat(ev.get(2).getAttributes().get("http.host")).startsWith("pn-k1-");
    assertThat(ev.get(2).getAttributes().get("http.host"))
        .isEqualTo(ev.get(0).getAttributes().get("dns.query"));
    // An internal server address does not make the name it serves internal.
    assertThat(ev.get(3).getObservables())
        .contains(
            new Observable(ObservableType.DOMAIN, "www.example.org", ObservableRole.SERVER_NAME));
    assertThat(run.counters().namesLearnedInternal).isEqualTo(2);
    assertThat(run.counters().namesLearnedExamples)
        .containsExactly("printer.ops-partner.example", "print-1.ops-partner.example");
    assertThat(run.counters().summary())
        .contains("names learned as internal from DNS answers: 2")
        .contains("  printer.ops-partner.example\n");
  }

  @Test
  void realSuricataAlertsTeachNoNameAndLeaveNoInternalAddress() throws IOException {
    Path dir = SharedData.require("suricata");
    EdgeFixtures.Run run =
        EdgeFixtures.runFile(
            LogFormat.SURICATA,
            InternalNameSpellingsTest.examplePolicy(),
            dir.resolve("wrccdc-2018-alerts.json"));
    assertThat(run.events()).hasSize(207);
    assertThat(run.counters().namesLearnedInternal).isZero();
    for (TelemetryEvent e : run.events()) {
      for (Observable o : e.getObservables()) {
        assertThat(o.getValue()).doesNotStartWith("10.").doesNotStartWith("192.168.");
      }
    }
  }

  @Test
  void realZeekDnsAnswersTeachTheNamesTheyResolveInternally() throws IOException {
    Path dir = SharedData.require("zeek");
    // The file twice through one sanitizer: what the first pass learned holds in the second.
    Path dns = dir.resolve("dns.log.gz");
    EdgeFixtures.Run run =
        EdgeFixtures.runFiles(
            LogFormat.ZEEK, InternalNameSpellingsTest.examplePolicy(), List.of(dns, dns));
    assertThat(run.counters().namesLearnedInternal).isPositive();
    assertThat(run.counters().summary()).contains("names learned as internal from DNS answers: ");
    List<TelemetryEvent> second =
        run.events().subList(run.events().size() / 2, run.events().size());
    String out = second.toString();
    for (String learned : run.counters().namesLearnedExamples) {
      assertThat(out).doesNotContain("\"" + learned + "\"");
    }
  }
}
