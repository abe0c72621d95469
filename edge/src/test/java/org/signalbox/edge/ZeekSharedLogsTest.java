package org.signalbox.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.signalbox.edge.sanitize.SanitizationPolicy;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.TelemetryEvent;

/** Every Zeek log of the shared sample data, parsed and sanitized; and the leak test. */
class ZeekSharedLogsTest {
  static final String LEAK_POLICY =
      """
      id: leak-test
      version: "1"
      internal:
        networks: [10.0.0.0/8]
        domains: [oompa.loompa, wrccdc.secure, jerry.land]
      # Everything is allowlisted: the test proves the rules, not the allowlist, keep things in.
      attributes:
        "*": auto
      """;

  static Path zeek;
  static SanitizationPolicy policy;

  @BeforeAll
  static void setUp() throws IOException {
    zeek = SharedData.require("zeek");
    policy = EdgeFixtures.policy(LEAK_POLICY);
  }

  @Test
  void parsesEveryLogWithItsLineCount() throws IOException {
    Map<String, Integer> expected =
        Map.of(
            "dns.log.gz", 53615,
            "modbus.log.gz", 268,
            "notice.log.gz", 207,
            "smtp.log.gz", 1188,
            "ssh.log.gz", 22,
            "ssl.log.gz", 49474,
            "syslog.log.gz", 2378,
            "x509.log.gz", 348);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      EdgeFixtures.Run run = EdgeFixtures.runFile(LogFormat.ZEEK, policy, zeek.resolve(e.getKey()));
      assertThat(run.events()).as(e.getKey()).hasSize(e.getValue());
      assertThat(run.counters().linesRejected).as(e.getKey() + ": " + run.report()).isZero();
      String path = e.getKey().substring(0, e.getKey().indexOf('.'));
      assertThat(run.events()).allMatch(ev -> ev.getSourceType().equals("zeek." + path));
    }
  }

  @Test
  void dnsFieldsBecomeObservablesAndAttributes() throws IOException {
    List<TelemetryEvent> events =
        EdgeFixtures.runFile(LogFormat.ZEEK, policy, zeek.resolve("dns.log.gz")).events();
    TelemetryEvent first = events.get(0);
    // 1521911720.865716 ... 10.47.1.100 -> 10.0.0.100 query ise.wrccdc.org answers
    // ise.wrccdc.cpp.edu,134.71.3.16
    assertThat(first.getEventTime().toEpochMilli()).isEqualTo(1521911720865L);
    assertThat(first.getObservables())
        .contains(
            new Observable(ObservableType.DOMAIN, "ise.wrccdc.org", ObservableRole.QUERY),
            new Observable(ObservableType.DOMAIN, "ise.wrccdc.cpp.edu", ObservableRole.ANSWER),
            new Observable(ObservableType.IPV4, "134.71.3.16", ObservableRole.ANSWER));
    // Internal endpoints are anonymized into attributes, never observables.
    assertThat(first.getObservables()).noneMatch(o -> o.getRole() == ObservableRole.SOURCE);
    assertThat(first.getAttributes().get("dns.id.orig_h")).startsWith("117.");
    assertThat(first.getAttributes()).containsEntry("dns.qtype_name", "A");
    assertThat(first.getProvenance().getTransformations()).contains("cryptopan:dns.id.orig_h");
    assertThat(first.getProvenance().getPolicyId()).isEqualTo("leak-test");
    assertThat(first.getProvenance().getOrigin()).isEqualTo("dns.log.gz:9");
  }

  @Test
  void modbusFunctionCodesAreKeptAsOtContext() throws IOException {
    List<TelemetryEvent> events =
        EdgeFixtures.runFile(LogFormat.ZEEK, policy, zeek.resolve("modbus.log.gz")).events();
    assertThat(
            events.stream().filter(e -> "unknown-100".equals(e.getAttributes().get("modbus.func"))))
        .hasSize(223);
    assertThat(
            events.stream().filter(e -> "unknown-34".equals(e.getAttributes().get("modbus.func"))))
        .hasSize(45);
    assertThat(events.get(0).getAttributes()).containsEntry("modbus.unit", "34");
  }

  @Test
  void certificatesAndHandshakesYieldFingerprintsAndServerNames() throws IOException {
    List<TelemetryEvent> x509 =
        EdgeFixtures.runFile(LogFormat.ZEEK, policy, zeek.resolve("x509.log.gz")).events();
    assertThat(x509.get(0).getObservables())
        .contains(
            new Observable(
                ObservableType.SHA256,
                "b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe",
                ObservableRole.CERT_FINGERPRINT));
    // The subject's e-mail address is personal data in free text.
    assertThat(x509.get(0).getAttributes().get("x509.certificate.subject"))
        .contains("emailAddress=[EMAIL]")
        .doesNotContain("ssl-certificates@");
    List<TelemetryEvent> ssl =
        EdgeFixtures.runFile(LogFormat.ZEEK, policy, zeek.resolve("ssl.log.gz")).events();
    assertThat(ssl.stream().flatMap(e -> e.getObservables().stream()))
        .anyMatch(
            o -> o.getRole() == ObservableRole.SERVER_NAME && o.getType() == ObservableType.DOMAIN);
  }

  /**
   * Issue 3's leak test: with 10.0.0.0/8 internal, no 10.x address, no internal host name and no
   * raw user name is left in the output, and every external address is still there.
   */
  @Test
  void sanitizedOutputLeaksNothingInternalAndKeepsExternalAddresses() throws IOException {
    Set<String> internalAddresses = new HashSet<>();
    Set<String> externalAddresses = new HashSet<>();
    Set<String> internalNames = new HashSet<>();
    Set<String> userNames = new HashSet<>();
    Set<String> internalReverseNames = new HashSet<>();
    Pattern ipv4 =
        Pattern.compile("(?<![0-9.])(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?![0-9]|\\.[0-9])");
    Pattern email = Pattern.compile("([A-Za-z0-9._%+-]+)@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    Pattern name =
        Pattern.compile(
            "[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.(?:oompa\\.loompa|wrccdc\\.secure|jerry\\.land)");
    List<Path> logs;
    try (Stream<Path> s = Files.list(zeek)) {
      logs = s.filter(p -> p.toString().endsWith(".log.gz")).sorted().toList();
    }
    List<String> output = new ArrayList<>();
    for (Path log : logs) {
      for (String line : rawLines(log)) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] cols = line.split("\t", -1);
        Matcher m = ipv4.matcher(line);
        while (m.find()) {
          String a = m.group(1);
          if (line.startsWith(".in-addr.arpa", m.end())) {
            // A PTR query name holds its address reversed.
            String[] o = a.split("\\.");
            if (o[3].equals("10")) {
              internalReverseNames.add(a.toLowerCase() + ".in-addr.arpa");
            }
          } else if (a.startsWith("10.")) {
            internalAddresses.add(a);
          }
        }
        // External endpoint addresses: the addr-typed connection columns.
        if (cols.length > 4 && !log.getFileName().toString().startsWith("x509")) {
          for (String c : new String[] {cols[2], cols[4]}) {
            if (!c.startsWith("10.") && !c.equals("-") && c.matches("[0-9.]+|[0-9a-f:]+")) {
              externalAddresses.add(c);
            }
          }
        }
        Matcher em = email.matcher(line);
        while (em.find()) {
          userNames.add(em.group(1).toLowerCase());
        }
        Matcher nm = name.matcher(line);
        while (nm.find()) {
          internalNames.add(nm.group().toLowerCase());
        }
        if (log.getFileName().toString().startsWith("dns")
            && cols.length > 21
            && cols[21].matches("(.*,)?10\\..*")) {
          internalNames.add(cols[9].toLowerCase());
        }
      }
    }
    // One edge over all logs: names learned as internal in one log stay internal in the next.
    EdgeFixtures.Run run = EdgeFixtures.runFiles(LogFormat.ZEEK, policy, logs);
    for (TelemetryEvent e : run.events()) {
      output.add(e.toString().toLowerCase());
    }
    internalNames.remove("-");
    assertThat(internalAddresses).hasSizeGreaterThan(100);
    assertThat(externalAddresses).hasSizeGreaterThan(100);
    assertThat(internalNames).contains("snozberry.oompa.loompa", "pc-helen.jerry.land");
    assertThat(userNames).contains("nessus49048747");

    Set<String> outAddresses = new HashSet<>();
    Set<String> outTokens = new HashSet<>();
    Pattern token = Pattern.compile("[a-z0-9._%+-]+");
    for (String o : output) {
      Matcher m = ipv4.matcher(o);
      while (m.find()) {
        if (!o.startsWith(".in-addr.arpa", m.end())) {
          outAddresses.add(m.group(1));
        }
      }
      Matcher t = token.matcher(o);
      while (t.find()) {
        outTokens.add(t.group());
      }
    }
    assertThat(outAddresses).doesNotContainAnyElementsOf(internalAddresses);
    assertThat(outAddresses).noneMatch(a -> a.startsWith("10."));
    assertThat(outTokens).doesNotContainAnyElementsOf(internalNames);
    assertThat(internalReverseNames).isNotEmpty();
    assertThat(outTokens).doesNotContainAnyElementsOf(internalReverseNames);
    Set<String> leakedUsers = new HashSet<>();
    for (String o : output) {
      for (String u : userNames) {
        if (o.contains(u + "@")) {
          leakedUsers.add(u);
        }
      }
    }
    assertThat(leakedUsers).isEmpty();
    assertThat(outAddresses).containsAll(externalAddresses);
  }

  static List<String> rawLines(Path gz) throws IOException {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }
}
