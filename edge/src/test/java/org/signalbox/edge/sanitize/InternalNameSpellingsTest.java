package org.signalbox.edge.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;
import org.signalbox.schema.TelemetryEvent;

/**
 * Issue 12 item 1: an internal name must never leave in clear, in any spelling a resolver or the
 * normalizer reads as that name. Every spelling of {@link Spellings#ofName} goes through every
 * field that carries a host (DNS query, CNAME answer, HTTP host, URL and referrer hosts, URL query,
 * TLS SNI, SMTP helo, e-mail domains, CEF shost/dhost in both spellings, CEF free text), with the
 * example policy and the default one; the output, folded the same way, must not contain the name,
 * and the host fields must carry the very pseudonym the canonical spelling gets.
 */
class InternalNameSpellingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static SanitizationPolicy examplePolicy() throws IOException {
    return SanitizationPolicy.load(Path.of("..", "deploy", "edge", "example-policy.yaml"));
  }

  static Stream<Arguments> cases() throws IOException {
    return Stream.of(
        Arguments.of("example", examplePolicy(), "fileserver.local", "fileserver"),
        Arguments.of("example", examplePolicy(), "scada.signalling.rail.example", "scada"),
        Arguments.of("example", examplePolicy(), "ops.rail.example", "ops.rail"),
        Arguments.of(
            "default", SanitizationPolicy.defaultPolicy(), "fileserver.local", "fileserver"),
        Arguments.of("default", SanitizationPolicy.defaultPolicy(), "hmi.plant.corp", "hmi"));
  }

  @ParameterizedTest(name = "{0} policy: {2}")
  @MethodSource("cases")
  void everySpellingOfAnInternalNameLeavesAsTheCanonicalPseudonym(
      String policyName, SanitizationPolicy policy, String name, String leakToken)
      throws IOException {
    Map<String, String> canonical = hostFields(policy, name);
    assertThat(canonical.values()).allMatch(v -> v.startsWith("pn-k1-"));
    List<String> failures = new ArrayList<>();
    int spellings = 0;
    for (String spelling : Spellings.ofName(name)) {
      spellings++;
      List<TelemetryEvent> events = run(policy, spelling);
      String out = Spellings.folded(events.toString());
      if (out.contains(leakToken)) {
        failures.add(escape(spelling) + " leaks: " + excerpt(out, leakToken));
      }
      Map<String, String> got = hostFields(events);
      if (!got.equals(canonical)) {
        failures.add(escape(spelling) + " gives " + got + ", canonical " + canonical);
      }
    }
    assertThat(spellings).isGreaterThan(100);
    assertThat(failures).as("spellings of " + name + " that leak or differ").isEmpty();
  }

  /** The host fields that must carry the canonical pseudonym. */
  private static Map<String, String> hostFields(SanitizationPolicy policy, String name)
      throws IOException {
    return hostFields(run(policy, name));
  }

  private static Map<String, String> hostFields(List<TelemetryEvent> events) {
    Map<String, String> out = new LinkedHashMap<>();
    for (TelemetryEvent e : events) {
      for (String f :
          List.of(
              "dns.query", "http.host", "ssl.server_name", "smtp.helo", "cef.shost", "cef.dhost")) {
        String v = e.getAttributes().get(f);
        if (v != null) {
          out.put(f, v);
        }
      }
    }
    return out;
  }

  static List<TelemetryEvent> run(SanitizationPolicy policy, String host) throws IOException {
    StringBuilder zeek = new StringBuilder();
    ObjectNode dns = base("dns");
    dns.put("query", host);
    dns.putArray("answers").add(host).add("cdn." + host).add("93.184.216.34");
    zeek.append(dns).append('\n');
    ObjectNode http = base("http");
    http.put("host", host);
    http.put("uri", "/x?next=http://" + host + "/y&page=2");
    http.put("referrer", "https://" + host + ":8443/r");
    zeek.append(http).append('\n');
    ObjectNode ssl = base("ssl");
    ssl.put("server_name", host);
    zeek.append(ssl).append('\n');
    ObjectNode smtp = base("smtp");
    smtp.put("helo", host);
    smtp.put("mailfrom", "Alice <alice@" + host + ">");
    smtp.putArray("rcptto").add("bob@" + host);
    zeek.append(smtp).append('\n');
    List<TelemetryEvent> events =
        new ArrayList<>(
            EdgeFixtures.run(LogFormat.ZEEK_JSON, policy, zeek.toString(), "zeek.json").events());
    String cef =
        "CEF:0|Vendor|NGFW|1|100|Blocked|5|src=192.0.2.7 shost="
            + host
            + " dhost="
            + host
            + " request=http://"
            + host
            + "/dl msg=connect to "
            + host
            + " failed\n"
            + "CEF:0|Vendor|NGFW|1|100|Blocked|5|sourceHostName="
            + host
            + " DestinationHostName="
            + host
            + "\n";
    events.addAll(EdgeFixtures.run(LogFormat.CEF, policy, cef, "cef.log").events());
    return events;
  }

  private static ObjectNode base(String path) {
    ObjectNode n = JSON.createObjectNode();
    n.put("_path", path);
    n.put("ts", 1521911721.789543);
    n.put("uid", "C1");
    n.put("id.orig_h", "192.0.2.10");
    n.put("id.resp_h", "198.18.0.1");
    return n;
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return sb.toString();
  }

  static String excerpt(String out, String token) {
    int i = out.indexOf(token);
    return out.substring(Math.max(0, i - 80), Math.min(out.length(), i + 80));
  }
}
