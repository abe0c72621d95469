package org.signalbox.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.signalbox.edge.sanitize.SanitizationPolicy;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.TelemetryEvent;

/** Suricata, syslog, CEF and Zeek JSON on generated samples; and every kind of bad input. */
class FormatsAndBadInputTest {
  static final String POLICY =
      """
      id: formats
      version: "7"
      internal:
        networks: [10.0.0.0/8, 192.168.0.0/16, "fd00::/8"]
        domains: [corp.example]
      urls:
        dropQueryParameters: [sessionid, token]
      attributes:
        "*": auto
      """;

  static SanitizationPolicy policy() throws IOException {
    return EdgeFixtures.policy(POLICY);
  }

  @Test
  void suricataNdjsonWithOffsetTimestampsAndEventTypes() throws IOException {
    String eve =
        """
        {"timestamp":"2018-03-24T14:37:19.037299-0600","event_type":"dns","src_ip":"10.1.2.3","src_port":5353,"dest_ip":"8.8.8.8","dest_port":53,"proto":"UDP","dns":{"type":"answer","rrname":"Evil.Example.","rrtype":"A","answers":[{"rrname":"evil.example","rdata":"198.51.100.7"}]}}
        {"timestamp":"2018-03-24T14:37:20.000000-0600","event_type":"http","src_ip":"192.168.1.5","dest_ip":"203.0.113.80","http":{"hostname":"shop.example","url":"/cart?item=4&sessionid=abc123&token=t#frag","http_user_agent":"Mozilla/5.0","status":200}}
        {"timestamp":"2018-03-24T14:37:21-0600","event_type":"tls","src_ip":"10.1.2.3","dest_ip":"203.0.113.81","tls":{"sni":"intranet.corp.example","fingerprint":"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD","ja3":{"hash":"e7d705a3286e19ea42f587b344ee6865"}}}
        {"timestamp":"2018-03-24T14:37:22-0600","event_type":"fileinfo","src_ip":"203.0.113.82","dest_ip":"10.9.9.9","fileinfo":{"filename":"inv.pdf","md5":"D41D8CD98F00B204E9800998ECF8427E","size":0}}
        {"timestamp":"2018-03-24T14:37:23-0600","event_type":"flow","src_ip":"fd00::5","dest_ip":"2001:db8::1","flow":{"pkts_toserver":3,"bytes_toserver":180}}
        {"event_type":"alert","src_ip":"1.2.3.4"}
        {"timestamp":"2018-03-24T14:37:24-0600","event_type":"alert","src_ip":"1.2.3.4","dest_ip":"10.0.0.1","payload":"c2VjcmV0","alert":{"signature":"ET POLICY mail to bob@corp.example","signature_id":2001,"severity":2}}
        """;
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.SURICATA, policy(), eve, "eve.json");
    assertThat(run.events()).hasSize(6);
    assertThat(run.counters().linesRejected).isEqualTo(1);
    assertThat(run.report()).contains("eve.json:6: rejected: EVE record without a 'timestamp'");

    TelemetryEvent dns = run.events().get(0);
    assertThat(dns.getSourceType()).isEqualTo("suricata.dns");
    assertThat(dns.getEventTime().toEpochMilli()).isEqualTo(1521923839037L);
    assertThat(dns.getObservables())
        .contains(
            new Observable(ObservableType.DOMAIN, "evil.example", ObservableRole.QUERY),
            new Observable(ObservableType.IPV4, "198.51.100.7", ObservableRole.ANSWER),
            new Observable(ObservableType.IPV4, "8.8.8.8", ObservableRole.DESTINATION));

    TelemetryEvent http = run.events().get(1);
    assertThat(http.getObservables())
        .contains(
            new Observable(
                ObservableType.URL, "http://shop.example/cart?item=4", ObservableRole.URL),
            new Observable(ObservableType.USER_AGENT, "Mozilla/5.0", ObservableRole.USER_AGENT));
    assertThat(http.getProvenance().getTransformations()).contains("url-scrubbed:http.full_url");
    // The raw url attribute is free text under "*: auto": its query is not an observable, but it
    // must not leak the session either.
    assertThat(http.toString()).doesNotContain("abc123");

    TelemetryEvent tls = run.events().get(2);
    assertThat(tls.getObservables())
        .contains(
            new Observable(
                ObservableType.SHA1,
                "aabbccddeeff00112233445566778899aabbccdd",
                ObservableRole.CERT_FINGERPRINT),
            new Observable(
                ObservableType.JA3, "e7d705a3286e19ea42f587b344ee6865", ObservableRole.OTHER));
    assertThat(tls.getAttributes().get("tls.sni")).startsWith("pn-k1-");
    assertThat(tls.toString()).doesNotContain("intranet");

    assertThat(run.events().get(3).getObservables())
        .contains(
            new Observable(
                ObservableType.MD5, "d41d8cd98f00b204e9800998ecf8427e", ObservableRole.FILE_HASH));
    TelemetryEvent flow = run.events().get(4);
    assertThat(flow.getAttributes().get("src_ip")).contains(":").isNotEqualTo("fd00::5");
    assertThat(flow.getObservables())
        .contains(new Observable(ObservableType.IPV6, "2001:db8::1", ObservableRole.DESTINATION));
    assertThat(flow.getAttributes()).containsEntry("flow.bytes_toserver", "180");

    TelemetryEvent alert = run.events().get(5);
    assertThat(alert.getAttributes().get("alert.signature")).isEqualTo("ET POLICY mail to [EMAIL]");
    assertThat(alert.getAttributes()).doesNotContainKey("payload");
    assertThat(run.counters().dropReasons)
        .containsKey("payload: payloads and secrets never leave the member");
  }

  @Test
  void suricataSharedJsonArrays() throws IOException {
    Path dir = SharedData.require("suricata");
    EdgeFixtures.Run wrccdc =
        EdgeFixtures.runFile(LogFormat.SURICATA, policy(), dir.resolve("wrccdc-2018-alerts.json"));
    assertThat(wrccdc.events()).hasSize(207);
    assertThat(wrccdc.counters().linesRejected).isZero();
    TelemetryEvent first = wrccdc.events().get(0);
    assertThat(first.getSourceType()).isEqualTo("suricata.alert");
    // "2018-03-24T14:37:19.037299-0600"
    assertThat(first.getEventTime().toEpochMilli()).isEqualTo(1521923839037L);
    assertThat(first.getAttributes())
        .containsEntry("alert.signature", "ET SCAN Potential SSH Scan");
    assertThat(first.getProvenance().getOrigin()).startsWith("wrccdc-2018-alerts.json:");
    EdgeFixtures.Run honeypot =
        EdgeFixtures.runFile(
            LogFormat.SURICATA, policy(), dir.resolve("honeypot-2018-alerts.json"));
    assertThat(honeypot.events()).hasSize(44);
    assertThat(honeypot.events().get(0).getObservables())
        .contains(new Observable(ObservableType.IPV4, "8.42.77.171", ObservableRole.SOURCE));
    assertThat(honeypot.counters().dropReasons.keySet()).anyMatch(k -> k.startsWith("payload:"));
  }

  @Test
  void syslog3164And5424() throws IOException {
    String log =
        """
        <38>Mar  4 08:15:02 gw-01 sshd[1234]: Accepted publickey for ops from 10.4.4.4 port 5122
        Mar 14 23:59:59 ws17 kernel: card 4111 1111 1111 1111 and 4111 1111 1111 1112 seen
        <165>1 2026-03-01T10:00:00Z host.corp.example app 77 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] tel +81 3-1234-5678 or 03-1234-5678 or \uFF10\uFF13\uFF0D\uFF11\uFF12\uFF13\uFF14\uFF0D\uFF15\uFF16\uFF17\uFF18
        <999>1 2026-03-01T10:00:00Z h a - - - bad pri
        """;
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.SYSLOG, policy(), log, "messages");
    assertThat(run.events()).hasSize(3);
    assertThat(run.report()).contains("messages:4: rejected: syslog PRI is not <0..191>");
    TelemetryEvent a = run.events().get(0);
    assertThat(a.getAttributes())
        .containsEntry("syslog.facility", "auth")
        .containsEntry("syslog.severity", "info")
        .containsEntry("syslog.app_name", "sshd")
        .containsEntry("syslog.procid", "1234")
        .containsEntry("syslog.message", "Accepted publickey for ops from [IP] port 5122");
    assertThat(a.getEventTime().toString()).isEqualTo("2026-03-04T08:15:02Z");
    assertThat(run.events().get(1).getAttributes().get("syslog.message"))
        .isEqualTo("card [CARD] and 4111 1111 1111 1112 seen");
    TelemetryEvent c = run.events().get(2);
    assertThat(c.getAttributes())
        .containsEntry("syslog.msgid", "ID47")
        .containsEntry("syslog.sd.exampleSDID@32473.eventSource", "Application")
        .containsEntry("syslog.message", "tel [PHONE] or [PHONE] or [PHONE]");
  }

  @Test
  void cefWithEscapesAndSyslogHeader() throws IOException {
    String log =
        "<134>Feb 14 19:04:54 fw1 CEF:0|Sec\\|Vendor|NGFW|5.1|100|Blocked \\\\ traffic|7|"
            + "src=10.0.0.5 dst=203.0.113.50 spt=51000 dpt=443 suser=j.doe@corp.example "
            + "request=https://files.example/dl?token=s3cret&id=9 msg=line one\\nline two has a\\=b "
            + "fileHash=44d88612fea8a8f36de82e1278abb02f rt=1708196694000 cs1Label=Zone cs1=DMZ west\n"
            + "CEF:0|only|three\n"
            + "CEF:0|V|P|1|2|N|3|=value without a key\n";
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.CEF, policy(), log, "cef.log");
    assertThat(run.events()).hasSize(1);
    assertThat(run.counters().linesRejected).isEqualTo(2);
    assertThat(run.report())
        .contains("cef.log:2: rejected: CEF header has 3 of 8")
        .contains("cef.log:3: rejected: CEF extension key '' is not a key");
    TelemetryEvent e = run.events().get(0);
    assertThat(e.getEventTime().toEpochMilli()).isEqualTo(1708196694000L);
    assertThat(e.getAttributes())
        .containsEntry("cef.vendor", "Sec|Vendor")
        .containsEntry("cef.name", "Blocked \\ traffic")
        .containsEntry("cef.msg", "line one line two has a=b")
        .containsEntry("cef.cs1", "DMZ west")
        .containsEntry("cef.dpt", "443");
    assertThat(e.getAttributes().get("cef.suser")).startsWith("pn-k1-");
    assertThat(e.getAttributes().get("cef.src")).startsWith("117.");
    assertThat(e.getObservables())
        .contains(
            new Observable(ObservableType.IPV4, "203.0.113.50", ObservableRole.DESTINATION),
            new Observable(ObservableType.URL, "https://files.example/dl?id=9", ObservableRole.URL),
            new Observable(
                ObservableType.MD5, "44d88612fea8a8f36de82e1278abb02f", ObservableRole.FILE_HASH));
    assertThat(e.toString()).doesNotContain("j.doe").doesNotContain("s3cret");
  }

  @Test
  void zeekJsonWithSmtpUsers() throws IOException {
    String log =
        """
        {"_path":"smtp","ts":1521911721.789543,"uid":"C1","id.orig_h":"10.1.1.1","id.orig_p":38041,"id.resp_h":"198.51.100.25","id.resp_p":25,"mailfrom":"Alice <alice.smith@corp.example>","rcptto":["bob@partner.example"],"subject":"Invoice for card 4111-1111-1111-1111"}
        {"ts":"2018-03-24T17:15:21.789543Z","uid":"C2","id.orig_h":"10.1.1.2","id.resp_h":"10.1.1.3","query":"fileserver","qtype_name":"A"}
        not json
        """;
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.ZEEK_JSON, policy(), log, "dns.json");
    assertThat(run.events()).hasSize(2);
    assertThat(run.report()).contains("dns.json:3: rejected: not JSON");
    TelemetryEvent smtp = run.events().get(0);
    assertThat(smtp.getSourceType()).isEqualTo("zeek.smtp");
    assertThat(smtp.getObservables())
        .anyMatch(
            o ->
                o.getType() == ObservableType.EMAIL
                    && o.getRole() == ObservableRole.RECIPIENT
                    && o.getValue().matches("pn-k1-[0-9a-f]{16}@partner\\.example"));
    assertThat(smtp.getAttributes().get("smtp.subject")).isEqualTo("Invoice for card [CARD]");
    assertThat(smtp.toString())
        .doesNotContain("alice")
        .doesNotContain("bob@")
        .doesNotContain("corp.example");
    TelemetryEvent dns = run.events().get(1);
    assertThat(dns.getSourceType()).isEqualTo("zeek.dns");
    assertThat(dns.getEventTime().toEpochMilli()).isEqualTo(1521911721789L);
    assertThat(dns.getAttributes().get("dns.query")).startsWith("pn-k1-");
  }

  @Test
  void zeekTsvHeaderWithOtherSeparatorsAndUnknownPath() throws IOException {
    String log =
        "#separator \\x7c\n#set_separator|;\n#empty_field|EMPTY\n#unset_field|NONE\n#path|railctl\n"
            + "#fields|ts|id.orig_h|id.resp_h|cmds|note|who\n"
            + "#types|time|addr|addr|set[string]|string|string\n"
            + "1700000000.5|10.0.0.7|192.0.2.10|open\\x7cgate;close|NONE|EMPTY\n"
            + "1700000001.0|10.0.0.7|192.0.2.10|EMPTY|ok\n"
            + "1700000002.0|10.0.0.7|192.0.2.10|EMPTY|caf\\xc3\\xa9|x\n";
    EdgeFixtures.Run run = EdgeFixtures.run(LogFormat.ZEEK, policy(), log, "railctl.log");
    assertThat(run.report())
        .contains("railctl.log:9: rejected: has 5 fields, the #fields header names 6");
    assertThat(run.events()).hasSize(2);
    TelemetryEvent e = run.events().get(0);
    assertThat(e.getSourceType()).isEqualTo("zeek.railctl");
    assertThat(e.getAttributes()).containsEntry("railctl.cmds", "open|gate,close");
    assertThat(e.getAttributes()).doesNotContainKeys("railctl.note", "railctl.who");
    assertThat(e.getObservables())
        .containsExactly(
            new Observable(ObservableType.IPV4, "192.0.2.10", ObservableRole.DESTINATION));
    assertThat(run.events().get(1).getAttributes()).containsEntry("railctl.note", "café");
  }

  @Test
  void badInputIsReportedAndLosesNoOtherLine() throws IOException {
    String good = "<14>1 2026-03-01T10:00:00Z h app - - - ok\n";
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.writeBytes(good.getBytes(StandardCharsets.UTF_8));
    byte[] huge = new byte[10 * 1024 * 1024];
    Arrays.fill(huge, (byte) 'a');
    raw.writeBytes(huge);
    raw.write('\n');
    raw.writeBytes(good.getBytes(StandardCharsets.UTF_8));
    raw.writeBytes(new byte[] {'<', '1', '4', '>', (byte) 0xff, (byte) 0xfe, '\n'});
    raw.writeBytes(new byte[] {0, 1, 2, 3, (byte) 0x9c, 0, '\n'});
    raw.writeBytes(good.getBytes(StandardCharsets.UTF_8));
    // Gzip it, then cut off the end: a truncated file.
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(raw.toByteArray());
    }
    byte[] whole = gz.toByteArray();
    EdgeFixtures.Run full =
        EdgeFixtures.run(
            LogFormat.SYSLOG, policy(), new java.io.ByteArrayInputStream(whole), "s.log.gz");
    assertThat(full.events()).hasSize(3);
    assertThat(full.counters().linesRejected).isEqualTo(3);
    assertThat(full.report())
        .contains("s.log.gz:2: rejected: line longer than 1048576 bytes")
        .contains("s.log.gz:4: rejected: invalid UTF-8")
        .contains("s.log.gz:5: rejected: binary data (NUL byte at column 1)");

    // Cut into the gzip trailer: all data is there, the stream still ends early.
    byte[] cut = Arrays.copyOf(whole, whole.length - 4);
    EdgeFixtures.Run truncated =
        EdgeFixtures.run(
            LogFormat.SYSLOG, policy(), new java.io.ByteArrayInputStream(cut), "t.log.gz");
    assertThat(truncated.report()).contains("truncated gzip?");
    assertThat(truncated.events()).hasSize(3);

    EdgeFixtures.Run brokenArray =
        EdgeFixtures.run(
            LogFormat.SURICATA,
            policy(),
            "[\n{\"timestamp\":\"2018-03-24T14:37:19Z\",\"event_type\":\"flow\",\"src_ip\":\"1.1.1.1\"},\n{\"timestamp\": tru",
            "eve-array.json");
    assertThat(brokenArray.events()).hasSize(1);
    assertThat(brokenArray.report())
        .contains("eve-array.json: rejected: JSON array broken at line 3");
  }
}
