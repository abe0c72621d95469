package org.signalbox.edge.sanitize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;
import org.signalbox.edge.parse.CefParser;
import org.signalbox.schema.TelemetryEvent;

/**
 * Issue 12 items 3 and 4: identifiers must not pass through CEF key spellings the parser did not
 * know, nor through a policy wildcard; credentials and identifiers in URL queries are dropped in
 * every spelling of their name, under the default policy and the example one.
 */
class IdentifierFieldsTest {
  /** ArcSight CEF short and full key names of fields that identify a person or a machine. */
  private static final List<String[]> IDENTITY_KEYS =
      List.of(
          new String[] {"suser", "sourceUserName"},
          new String[] {"duser", "destinationUserName"},
          new String[] {"suid", "sourceUserId"},
          new String[] {"duid", "destinationUserId"},
          new String[] {"spriv", "sourceUserPrivileges"},
          new String[] {"dpriv", "destinationUserPrivileges"},
          new String[] {"shost", "sourceHostName"},
          new String[] {"dhost", "destinationHostName"},
          new String[] {"dvchost", "deviceHostName"},
          new String[] {"smac", "sourceMacAddress"},
          new String[] {"dmac", "destinationMacAddress"},
          new String[] {"sntdom", "sourceNtDomain"},
          new String[] {"dntdom", "destinationNtDomain"});

  static Set<String> caseSpellings(String key) {
    Set<String> out = new LinkedHashSet<>();
    out.add(key);
    out.add(key.toLowerCase(Locale.ROOT));
    out.add(key.toUpperCase(Locale.ROOT));
    for (int i = 0; i < key.length(); i++) {
      out.add(key.substring(0, i) + Character.toUpperCase(key.charAt(i)) + key.substring(i + 1));
    }
    StringBuilder alt = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      alt.append(i % 2 == 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
    }
    out.add(alt.toString());
    return out;
  }

  @Test
  void everySpellingOfACefIdentityKeyIsOneKeyAndNeverPassesRaw() throws IOException {
    SanitizationPolicy policy = InternalNameSpellingsTest.examplePolicy(); // "cef.*": auto
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (String[] k : IDENTITY_KEYS) {
      for (String form : List.of(k[0], k[1])) {
        for (String spelling : caseSpellings(form)) {
          n++;
          assertThat(CefParser.canonicalKey(spelling)).isEqualTo(k[0]);
          String line = "CEF:0|V|P|1|2|Logon|3|src=192.0.2.7 " + spelling + "=zorro99 cs1=note";
          List<TelemetryEvent> events =
              EdgeFixtures.run(LogFormat.CEF, policy, line + "\n", "cef.log").events();
          String out = events.toString();
          if (out.contains("zorro99")) {
            failures.add(spelling + " passes raw: " + out);
          }
          if (events.size() == 1
              && events.get(0).getAttributes().containsKey("cef." + spelling)
              && !spelling.equals(k[0])) {
            failures.add(spelling + " kept its own field name");
          }
        }
      }
    }
    assertThat(n).isGreaterThan(200);
    assertThat(failures).isEmpty();
  }

  @Test
  void aWildcardNeverPassesAnIdentifierFieldTheParserDoesNotKnow() throws IOException {
    SanitizationPolicy policy = InternalNameSpellingsTest.examplePolicy();
    String line =
        "CEF:0|V|P|1|2|Logon|3|adminUserName=zorro99 targetAccount=zorro98 "
            + "workstationName=zorro97 ownerEmail=zorro96 cs1Label=Zone cs1=DMZ west";
    TelemetryEvent e =
        EdgeFixtures.run(LogFormat.CEF, policy, line + "\n", "cef.log").events().get(0);
    assertThat(e.toString()).doesNotContain("zorro");
    assertThat(e.getAttributes().get("cef.adminUserName")).startsWith("pn-k1-");
    // Context fields still pass under the wildcard.
    assertThat(e.getAttributes()).containsEntry("cef.cs1", "DMZ west");
  }

  /** Base names of credentials and identifiers, spelled with every separator and case. */
  static Set<String> parameterSpellings() {
    List<String[]> words =
        List.of(
            new String[] {"password"},
            new String[] {"passwd"},
            new String[] {"pass"},
            new String[] {"pwd"},
            new String[] {"user"},
            new String[] {"user", "name"},
            new String[] {"user", "id"},
            new String[] {"login"},
            new String[] {"login", "name"},
            new String[] {"access", "token"},
            new String[] {"api", "key"},
            new String[] {"client", "secret"},
            new String[] {"session", "id"},
            new String[] {"sid"},
            new String[] {"uid"},
            new String[] {"email"},
            new String[] {"e", "mail"},
            new String[] {"auth"},
            new String[] {"auth", "code"},
            new String[] {"account"});
    Set<String> out = new LinkedHashSet<>();
    for (String[] w : words) {
      for (String sep : List.of("", "_", "-", ".")) {
        String joined = String.join(sep, w);
        out.add(joined);
        out.add(joined.toUpperCase(Locale.ROOT));
        StringBuilder camel = new StringBuilder(w[0]);
        for (int i = 1; i < w.length; i++) {
          camel.append(sep).append(Character.toUpperCase(w[i].charAt(0))).append(w[i].substring(1));
        }
        out.add(camel.toString());
        out.add("x" + sep + joined); // a prefix
        out.add(Spellings.fullWidth(joined));
        out.add(percentEncodeFirst(joined));
      }
    }
    return out;
  }

  private static String percentEncodeFirst(String s) {
    return String.format("%%%02X", (int) s.charAt(0)) + s.substring(1);
  }

  @Test
  void credentialAndIdentifierQueryParametersAreDroppedInEverySpelling() throws IOException {
    for (SanitizationPolicy policy :
        List.of(SanitizationPolicy.defaultPolicy(), InternalNameSpellingsTest.examplePolicy())) {
      List<String> failures = new ArrayList<>();
      Set<String> names = parameterSpellings();
      assertThat(names.size()).isGreaterThan(250);
      for (String name : names) {
        String line =
            "{\"_path\":\"http\",\"ts\":1521911721.5,\"id.orig_h\":\"192.0.2.1\","
                + "\"id.resp_h\":\"198.18.0.1\",\"host\":\"shop.example\",\"uri\":\"/cart?page=2&"
                + name.replace("\\", "\\\\").replace("\"", "\\\"")
                + "=s3cr3tv4lue&lang=en\"}";
        List<TelemetryEvent> events =
            EdgeFixtures.run(LogFormat.ZEEK_JSON, policy, line + "\n", "http.json").events();
        String out = events.toString();
        if (out.contains("s3cr3tv4lue")) {
          failures.add(name);
        }
        if (!out.contains("http://shop.example/cart?page=2&lang=en")) {
          failures.add(name + ": the harmless parameters did not survive: " + out);
        }
      }
      assertThat(failures).as("policy " + policy.id).isEmpty();
    }
  }
}
