package org.signalbox.stix.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.stix.match.RandomPatterns.obs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.ComparisonExpression;
import org.signalbox.stix.pattern.ObservationExpression;
import org.signalbox.stix.pattern.StixPattern;

class EventDocumentTest {

  /** The field of each type is a path the matcher reads as that same type. */
  @Test
  void everyFieldIsAPathOfItsOwnType() throws Exception {
    int named = 0;
    for (ObservableType t : ObservableType.values()) {
      String field = EventDocument.field(t);
      if (field == null) {
        assertThat(t).isIn(ObservableType.JA3, ObservableType.OTHER);
        continue;
      }
      String path = field.replace("hashes.SHA-", "hashes.'SHA-").replaceAll("(SHA-\\d+)$", "$1'");
      path =
          path.replace("http-request-ext", "'http-request-ext'")
              .replace("User-Agent", "'User-Agent'");
      var root = StixPattern.parse("[EXISTS " + path + "]").root();
      var exists =
          (ComparisonExpression.Exists) ((ObservationExpression.Observation) root).comparisons();
      assertThat(PatternMatcher.typeOf(exists.path())).as(field).isEqualTo(t);
      named++;
    }
    assertThat(named).isEqualTo(11);
  }

  @Test
  void anEventBecomesValuePathNetworkAndParentTerms() {
    NetworkPrefixes networks = new NetworkPrefixes();
    networks.add(ObservableType.IPV4, 24);
    networks.add(ObservableType.IPV4, 8);
    networks.add(ObservableType.IPV6, 32);
    Map<String, List<String>> byField =
        EventDocument.terms(
            List.of(
                obs(ObservableType.IPV4, "198.51.100.7"),
                obs(ObservableType.IPV4, "10.1.2.3"),
                obs(ObservableType.IPV6, "2001:db8::1"),
                obs(ObservableType.DOMAIN, "a.b.example"),
                obs(ObservableType.JA3, "ignored")),
            networks);
    List<String> terms = new ArrayList<>();
    byField.forEach((field, values) -> values.forEach(v -> terms.add(field + "=" + v)));
    assertThat(terms)
        .containsExactlyInAnyOrder(
            "_path=ipv4-addr:value",
            "ipv4-addr:value=198.51.100.7",
            "ipv4-addr:value#network=198.0.0.0/8",
            "ipv4-addr:value#network=198.51.100.0/24",
            "ipv4-addr:value=10.1.2.3",
            "ipv4-addr:value#network=10.0.0.0/8",
            "ipv4-addr:value#network=10.1.2.0/24",
            "_path=ipv6-addr:value",
            "ipv6-addr:value=2001:db8::1",
            "ipv6-addr:value#network=2001:db8::/32",
            "_path=domain-name:value",
            "domain-name:value=a.b.example",
            "domain-name:value#parent=b.example",
            "domain-name:value#parent=example");
  }
}
