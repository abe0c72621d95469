package org.signalbox.stix.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.StixPattern;

class PatternMatcherTest {

  private static Observable obs(ObservableType t, String v, ObservableRole r) {
    return Observable.newBuilder().setType(t).setValue(v).setRole(r).build();
  }

  private static PatternMatcher matcher(String pattern) throws Exception {
    return PatternMatcher.compile(StixPattern.parse(pattern));
  }

  private static final List<Observable> DNS_EVENT =
      List.of(
          obs(ObservableType.IPV4, "10.1.2.3", ObservableRole.SOURCE),
          obs(ObservableType.DOMAIN, "update.evil-cdn.example.org", ObservableRole.QUERY),
          obs(ObservableType.IPV4, "60.10.1.120", ObservableRole.ANSWER));

  @Test
  void orOfEqualitiesAcrossTypesAsInThePoisonIvyReport() throws Exception {
    PatternMatcher m =
        matcher("[domain-name:value = 'apple.cmdnetview.com' OR ipv4-addr:value = '60.10.1.120']");
    assertThat(m.witnesses(DNS_EVENT)).containsExactly(DNS_EVENT.get(2));
    assertThat(m.matches(List.of(DNS_EVENT.get(0)))).isFalse();
    // An invalid constant in one branch does not spoil the others.
    PatternMatcher bad =
        matcher("[domain-name:value = 'domain autuo.xicp.net' OR ipv4-addr:value = '60.10.1.120']");
    assertThat(bad.matches(DNS_EVENT)).isTrue();
  }

  @Test
  void likeAndMatchesRunOnAutomata() throws Exception {
    assertThat(matcher("[domain-name:value LIKE '%.example.org']").witnesses(DNS_EVENT))
        .containsExactly(DNS_EVENT.get(1));
    assertThat(
            matcher("[domain-name:value MATCHES '^update\\\\.evil-[a-z]+\\\\.example\\\\.org$']")
                .matches(DNS_EVENT))
        .isTrue();
    assertThat(matcher("[domain-name:value MATCHES '^evil']").matches(DNS_EVENT)).isFalse();
    assertThat(matcher("[domain-name:value LIKE 'UPDATE.%']").matches(DNS_EVENT)).isFalse();
  }

  @Test
  void andNeedsEveryComparisonAndNotNegates() throws Exception {
    assertThat(
            matcher("[ipv4-addr:value = '10.1.2.3' AND domain-name:value LIKE '%.example.org']")
                .witnesses(DNS_EVENT))
        .containsExactly(DNS_EVENT.get(0), DNS_EVENT.get(1));
    assertThat(
            matcher("[ipv4-addr:value = '10.1.2.3' AND domain-name:value = 'other.example']")
                .matches(DNS_EVENT))
        .isFalse();
    assertThat(
            matcher(
                    "[domain-name:value LIKE '%.example.org' AND domain-name:value NOT LIKE 'update.%']")
                .matches(DNS_EVENT))
        .isFalse();
    assertThat(matcher("[ipv4-addr:value IN ('198.51.100.1', '60.10.1.120')]").matches(DNS_EVENT))
        .isTrue();
    assertThat(matcher("[ipv4-addr:value ISSUBSET '10.0.0.0/8']").witnesses(DNS_EVENT))
        .containsExactly(DNS_EVENT.get(0));
    assertThat(matcher("[ipv4-addr:value = '60.10.0.0/16']").matches(DNS_EVENT)).isTrue();
    assertThat(matcher("[EXISTS domain-name:value]").matches(DNS_EVENT)).isTrue();
    assertThat(matcher("[EXISTS url:value]").matches(DNS_EVENT)).isFalse();
  }

  @Test
  void valuesAreComparedInCanonicalForm() throws Exception {
    List<Observable> file =
        List.of(
            obs(
                ObservableType.SHA256,
                "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c",
                ObservableRole.FILE_HASH));
    assertThat(
            matcher(
                    "[file:hashes.'SHA-256' = 'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C']")
                .matches(file))
        .isTrue();
    List<Observable> ua =
        List.of(
            obs(ObservableType.USER_AGENT, "Mozilla/5.0 EvilBot/1.2", ObservableRole.USER_AGENT));
    assertThat(
            matcher(
                    "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' MATCHES 'EvilBot/[0-9]']")
                .matches(ua))
        .isTrue();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void hostileRegexFromAFeedDoesNotStall() throws Exception {
    PatternMatcher m = matcher("[url:value MATCHES '^(a+)+$']");
    List<Observable> event =
        List.of(obs(ObservableType.URL, "a".repeat(100_000) + "!", ObservableRole.URL));
    assertThat(m.matches(event)).isFalse();
  }

  @Test
  void whatIsOnlyParsedIsRefusedWithAReason() {
    assertThatThrownBy(
            () ->
                matcher(
                    "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'a.example']"))
        .isInstanceOf(UnsupportedPatternException.class)
        .hasMessageContaining("several observations or with qualifiers");
    assertThatThrownBy(() -> matcher("[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS"))
        .isInstanceOf(UnsupportedPatternException.class);
    assertThatThrownBy(() -> matcher("[file:size > 1024]"))
        .hasMessageContaining("object path file:size is parsed but not matched");
    assertThatThrownBy(() -> matcher("[file:name > 'a']"))
        .hasMessageContaining("operator > is parsed but not matched");
    assertThatThrownBy(() -> matcher("[url:value MATCHES '(a)\\\\1']"))
        .hasMessageContaining("column 2: MATCHES")
        .hasMessageContaining("back-reference");
    assertThatThrownBy(() -> matcher("[url:value MATCHES '" + "a".repeat(100_000) + "']"))
        .hasMessageContaining("longer than");
  }
}
