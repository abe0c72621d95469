package org.signalbox.stix.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.signalbox.observable.IpNetwork;
import org.signalbox.stix.regex.UntrustedRegex;

class BreadthLimitsTest {
  static final BreadthLimits LIMITS = BreadthLimits.DEFAULT;

  @Test
  void everyPrefixBelowTheLimitIsTooBroadAndEveryOneAtOrAboveIsNot() throws Exception {
    for (int p = 1; p <= 32; p++) {
      IpNetwork net = IpNetwork.parse("10.0.0.0/" + p);
      assertThat(LIMITS.network(net).isPresent()).as("/%d", p).isEqualTo(p < 8);
    }
    for (int p = 1; p <= 128; p++) {
      IpNetwork net = IpNetwork.parse("2001:db8::/" + p);
      assertThat(LIMITS.network(net).isPresent()).as("v6 /%d", p).isEqualTo(p < 16);
    }
    assertThat(LIMITS.network(IpNetwork.parse("0.0.0.0/1")).orElseThrow())
        .contains("0.0.0.0/1", "shorter than /8");
    assertThat(new BreadthLimits(1, 1, 1).network(IpNetwork.parse("0.0.0.0/1"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"com", "uk", "co.uk", "com.au", "github.io", "example", "local"})
  void publicSuffixesAndSingleLabelsAreTooBroad(String parent) {
    assertThat(LIMITS.suffix(parent)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example", "tracking-parcel.example", "bbc.co.uk", "a.b.c.d"})
  void registeredDomainsAndBelowAreNot(String parent) {
    assertThat(LIMITS.suffix(parent)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {".*", ".*?", "a*", "(|x)", "x?", "(.)*", ".{0,3}", "^.*$"})
  void regexesThatAcceptEveryValueAreTooBroad(String pattern) throws Exception {
    assertThat(BreadthLimits.regex(UntrustedRegex.pcre(pattern, false)).orElseThrow())
        .contains("matches every value");
  }

  @ParameterizedTest
  @ValueSource(strings = {"%", "%%", "%_%%"})
  void likesThatAcceptEveryValueAreTooBroad(String pattern) throws Exception {
    // '%_%%' needs one character: every value but the empty one, which is no observable.
    UntrustedRegex r = UntrustedRegex.like(pattern);
    if (pattern.contains("_")) {
      assertThat(BreadthLimits.regex(r)).isEmpty();
    } else {
      assertThat(BreadthLimits.regex(r).orElseThrow()).contains("matches every value");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"^c2-[0-9]+\\.example$", "evil", "a+", "[0-9a-f]{32}"})
  void ordinaryRegexesPass(String pattern) throws Exception {
    assertThat(BreadthLimits.regex(UntrustedRegex.pcre(pattern, false))).isEmpty();
  }

  @Test
  void limitsOutOfRangeAreRefusedWithTheirName() {
    assertThatThrownBy(() -> new BreadthLimits(0, 16, 2)).hasMessageContaining("IPv4 prefix");
    assertThatThrownBy(() -> new BreadthLimits(8, 129, 2)).hasMessageContaining("IPv6 prefix");
    assertThatThrownBy(() -> new BreadthLimits(8, 16, 0)).hasMessageContaining("suffix labels");
  }
}
