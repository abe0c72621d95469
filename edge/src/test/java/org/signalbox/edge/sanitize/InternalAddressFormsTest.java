package org.signalbox.edge.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;
import org.signalbox.edge.anonymize.IpAddresses;
import org.signalbox.schema.TelemetryEvent;

/**
 * Issue 12 item 2: every literal that denotes an internal address is that address. Each form of
 * {@link Spellings#ofIpv4} (inet_aton octal, hex, decimal, fewer parts; IPv4-mapped, -compatible,
 * NAT64, 6to4, Teredo, ISATAP) is put in an address field, an HTTP host, a URL host, a referrer, a
 * percent-encoded URL path and free text; none may leave, and the address fields carry the same
 * Crypto-PAn value as the plain dotted quad.
 */
class InternalAddressFormsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SanitizationPolicy policy(String ipMode) throws IOException {
    return EdgeFixtures.policy(
        """
        id: t
        version: "1"
        internal:
          networks: [10.0.0.0/8, 192.168.0.0/16]
          domains: [local]
        pii:
          ipAddresses: %s
        attributes:
          "notice.msg": text
          "http.uri": text
        """
            .formatted(ipMode));
  }

  @ParameterizedTest(name = "pii.ipAddresses: {0}")
  @ValueSource(strings = {"redact", "anonymize"})
  void everyFormOfAnInternalAddressIsThatAddress(String mode) throws IOException {
    SanitizationPolicy policy = policy(mode);
    for (int[] a : List.of(new int[] {10, 1, 2, 3}, new int[] {192, 168, 7, 9})) {
      String dotted = a[0] + "." + a[1] + "." + a[2] + "." + a[3];
      String canonical = addressAttribute(run(policy, dotted));
      assertThat(canonical).isNotNull().isNotEqualTo(dotted);
      Set<String> forms = Spellings.ofIpv4(a[0], a[1], a[2], a[3], true);
      assertThat(forms.size()).isGreaterThan(150);
      List<String> failures = new ArrayList<>();
      for (String form : forms) {
        List<TelemetryEvent> events = run(policy, form);
        String out = events.toString().toLowerCase(Locale.ROOT);
        for (String leak : List.of(dotted, form.toLowerCase(Locale.ROOT))) {
          if (out.contains(leak)) {
            failures.add(
                form + " leaks " + leak + ": " + InternalNameSpellingsTest.excerpt(out, leak));
          }
        }
        String got = addressAttribute(events);
        if (!canonical.equals(got)) {
          failures.add(form + " anonymized to " + got + ", the dotted quad to " + canonical);
        }
      }
      assertThat(failures).as("forms of " + dotted).isEmpty();
    }
  }

  @Test
  void percentEncodedAddressesInUrlPathsAreFoundDecoded() throws IOException {
    SanitizationPolicy policy = policy("anonymize");
    for (String path :
        List.of(
            "/%31%30%2e%31%2e%32%2e%33/x",
            "/%31%30%2E%31%2E%32%2E%33/x",
            "/%2531%2530%252e1.2.3/x",
            "/a?u=http%3A%2F%2F10.1.2.3%2F",
            "/go/%30%78%30%61.1.2.3")) {
      ObjectNode http = base("http");
      http.put("host", "evil.example");
      http.put("uri", path);
      List<TelemetryEvent> events =
          EdgeFixtures.run(LogFormat.ZEEK_JSON, policy, http + "\n", "http.json").events();
      String out = events.toString();
      assertThat(out).as(path).doesNotContain("10.1.2.3").doesNotContain("0x0a.1.2.3");
      assertThat(out).as(path).contains("http://evil.example/");
    }
  }

  @Test
  void freeTextKeepsNoInternalAddressInAnyForm() throws IOException {
    for (String mode : List.of("redact", "anonymize")) {
      SanitizationPolicy policy = policy(mode);
      for (String form :
          List.of(
              "010.001.002.003",
              "167772163",
              "0x0a010203",
              "0x0a.0x01.0x02.0x03",
              "012.1.2.3",
              "::ffff:10.1.2.3",
              "::10.1.2.3",
              "64:ff9b::10.1.2.3",
              "2002:a01:203::1")) {
        String msg = "login from " + form + " by alice@fileserver failed";
        String out = notice(policy, msg);
        assertThat(out).as(mode + ": " + msg).doesNotContain(form).doesNotContain("10.1.2.3");
        assertThat(out).as(mode + ": " + msg).doesNotContain("alice").doesNotContain("fileserver");
        assertThat(out).as(mode + ": " + msg).doesNotContain("].1.2.3").doesNotContain("]:");
      }
    }
    // Redact mode writes one marker for the whole literal, not "[IP].1.2.3".
    assertThat(notice(policy("redact"), "from ::ffff:10.1.2.3 now")).isEqualTo("from [IP] now");
    // Numbers that are no internal address stay (versions, counts).
    assertThat(notice(policy("redact"), "Windows NT 10.0 sent 4096 bytes in 12345678 ms"))
        .isEqualTo("Windows NT 10.0 sent 4096 bytes in 12345678 ms");
  }

  @Test
  void embeddedIpv4AddressesAreExtracted() {
    assertThat(embedded("64:ff9b::a01:203")).containsExactly("10.1.2.3");
    assertThat(embedded("2002:a01:203::1")).containsExactly("10.1.2.3");
    assertThat(embedded("::10.1.2.3")).containsExactly("10.1.2.3");
    assertThat(embedded("2001:0:4136:e378:8000:63bf:f5fe:fdfc")).contains("10.1.2.3");
    assertThat(embedded("64:ff9b:1:a01:2:300::")).containsExactly("10.1.2.3");
    assertThat(embedded("2001:db8::1")).isEmpty();
    assertThat(embedded("::1")).isEmpty();
    assertThat(IpAddresses.readings("010.1.2.3").stream().map(IpAddresses::format))
        .containsExactlyInAnyOrder("8.1.2.3", "10.1.2.3");
    assertThat(IpAddresses.readings("10.66051").stream().map(IpAddresses::format))
        .containsExactly("10.1.2.3");
    assertThat(IpAddresses.readings("10.1.2.3.4")).isEmpty();
    assertThat(IpAddresses.readings("fileserver")).isEmpty();
  }

  private static List<String> embedded(String v6) {
    return IpAddresses.embeddedIpv4(IpAddresses.parse(v6)).stream()
        .map(IpAddresses::format)
        .toList();
  }

  private static String notice(SanitizationPolicy policy, String msg) throws IOException {
    ObjectNode n = base("notice");
    n.put("msg", msg);
    return EdgeFixtures.run(LogFormat.ZEEK_JSON, policy, n + "\n", "notice.json")
        .events()
        .get(0)
        .getAttributes()
        .get("notice.msg");
  }

  /** The Crypto-PAn value the conn record's responder address got. */
  private static String addressAttribute(List<TelemetryEvent> events) {
    return events.get(0).getAttributes().get("conn.id.resp_h");
  }

  private static List<TelemetryEvent> run(SanitizationPolicy policy, String addr)
      throws IOException {
    StringBuilder zeek = new StringBuilder();
    ObjectNode conn = base("conn");
    conn.put("id.resp_h", addr);
    zeek.append(conn).append('\n');
    String hostPart = addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr;
    // Plain-decimal forms of fewer than four parts ("10.66051") are addresses wherever a host
    // stands, but in text they are version numbers far more often; text gets the other forms.
    boolean inText = !addr.matches("[0-9]+(\\.[0-9]+){1,2}\\.?");
    ObjectNode http = base("http");
    http.put("host", hostPart);
    http.put("uri", (inText ? "/p/" + addr : "/p") + "/q?next=http://" + hostPart + "/");
    http.put("referrer", "http://" + hostPart + ":8080/r");
    zeek.append(http).append('\n');
    ObjectNode notice = base("notice");
    notice.put("msg", (inText ? "connection to " + addr : "") + " see http://" + hostPart + "/x");
    zeek.append(notice).append('\n');
    return EdgeFixtures.run(LogFormat.ZEEK_JSON, policy, zeek.toString(), "zeek.json").events();
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
}
