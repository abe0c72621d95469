package org.signalbox.observable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpNetworkTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "198.51.100.0/24, 198.51.100.0/24, 24, false",
    "' 198.51.100.0/24 ', 198.51.100.0/24, 24, false",
    "198.51.100.7/24, 198.51.100.0/24, 24, false",
    "198.51.100.7, 198.51.100.7/32, 32, false",
    "10.255.255.255/8, 10.0.0.0/8, 8, false",
    "172.31.0.0/12, 172.16.0.0/12, 12, false",
    "1.2.3.4/0, 0.0.0.0/0, 0, false",
    "192.0.2.255/31, 192.0.2.254/31, 31, false",
    "2001:db8::/32, 2001:db8::/32, 32, true",
    "2001:0DB8:ffff::1/32, 2001:db8::/32, 32, true",
    "2001:db8::1, 2001:db8::1/128, 128, true",
    "2001:db8:0:0:1::/64, 2001:db8::/64, 64, true",
    "2001:db8::1/127, 2001:db8::/127, 127, true",
    "[2001:db8::]/48, 2001:db8::/48, 48, true",
    "::/0, ::/0, 0, true",
    "::ffff:198.51.100.0/120, 198.51.100.0/24, 24, false",
    "::ffff:198.51.100.9, 198.51.100.9/32, 32, false",
    "::ffff:0:0/96, 0.0.0.0/0, 0, false",
    "::ffff:0:0/95, ::fffe:0:0/95, 95, true",
    "::ffff:0:0/80, ::/80, 80, true",
  })
  void canonicalForm(String text, String canonical, int prefix, boolean v6) throws Exception {
    IpNetwork n = IpNetwork.parse(text);
    assertThat(n.toString()).isEqualTo(canonical);
    assertThat(n.prefixLength()).isEqualTo(prefix);
    assertThat(n.isIpv6()).isEqualTo(v6);
    assertThat(n.networkBytes()).hasSize(v6 ? 16 : 4);
    assertThat(IpNetwork.parse(canonical)).isEqualTo(n).hasSameHashCodeAs(n);
  }

  @Test
  void networkBytesAreMaskedAndACopy() throws Exception {
    IpNetwork n = IpNetwork.parse("198.51.100.77/26");
    assertThat(n.networkBytes()).containsExactly(198, 51, 100, 64);
    n.networkBytes()[0] = 0;
    assertThat(n.toString()).isEqualTo("198.51.100.64/26");
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    "198.51.100.0/24, 198.51.100.0, true",
    "198.51.100.0/24, 198.51.100.255, true",
    "198.51.100.0/24, 198.51.101.0, false",
    "198.51.100.0/24, 198.51.99.255, false",
    "198.51.100.0/23, 198.51.101.200, true",
    "198.51.100.128/25, 198.51.100.127, false",
    "198.51.100.128/25, 198.51.100.128, true",
    "10.0.0.0/8, 10.200.3.4, true",
    "10.0.0.0/8, 11.0.0.0, false",
    "0.0.0.0/0, 203.0.113.9, true",
    "0.0.0.0/0, 2001:db8::1, false",
    "198.51.100.7/32, 198.51.100.7, true",
    "198.51.100.7/32, 198.51.100.6, false",
    "198.51.100.0/24, ::ffff:198.51.100.9, true",
    "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
    "2001:db8::/32, 2001:db9::, false",
    "2001:db8::/33, 2001:db8:8000::, false",
    "2001:db8::/33, 2001:db8:7fff::1, true",
    "::/0, 2001:db8::1, true",
    "::/0, 198.51.100.1, false",
    "2001:db8::1/128, 2001:db8::1, true",
    "2001:db8::1/128, 2001:db8::2, false",
  })
  void contains(String network, String ip, boolean expected) throws Exception {
    assertThat(IpNetwork.parse(network).contains(ip)).isEqualTo(expected);
  }

  @Test
  void containsRefusesANonAddress() throws Exception {
    IpNetwork n = IpNetwork.parse("198.51.100.0/24");
    assertThatThrownBy(() -> n.contains("example.org"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'example.org'");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "198.51.100.0/33 | at most 32 for IPv4",
        "2001:db8::/129 | at most 128 for IPv6",
        "198.51.100.0/ | no prefix length",
        "198.51.100.0/-1 | prefix length '-1'",
        "198.51.100.0/2x | prefix length '2x'",
        "198.51.100.0/1000 | prefix length '1000'",
        "198.51.100.0/24/8 | prefix length '24/8'",
        "198.51.100/24 | 3 octets",
        "010.0.0.0/8 | leading zero",
        "example.org/24 | invalid address",
        "fe80::%eth0/64 | zone id",
        "/24 | invalid address",
      })
  void refused(String text, String messagePart) {
    assertThatThrownBy(() -> IpNetwork.parse(text))
        .isInstanceOf(InvalidObservableException.class)
        .hasMessageStartingWith("network '" + text + "'")
        .hasMessageContaining(messagePart);
  }

  @Test
  void missingInputIsRefused() {
    assertThatThrownBy(() -> IpNetwork.parse(null))
        .isInstanceOf(InvalidObservableException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> IpNetwork.parse("  "))
        .isInstanceOf(InvalidObservableException.class)
        .hasMessageContaining("blank");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"198.51.100.0/24", " 10.0.0.0/8 ", "2001:db8::/32", "::/0", "[2001:db8::]/48"})
  void looksLikeCidr(String text) {
    assertThat(IpNetwork.looksLikeCidr(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "198.51.100.1",
        "2001:db8::1",
        "example.org/24",
        "http://198.51.100.1/24",
        "198.51.100.0/",
        "198.51.100.0/24x",
        "/24",
        "fe80::%eth0/64",
        "",
      })
  void doesNotLookLikeCidr(String text) {
    assertThat(IpNetwork.looksLikeCidr(text)).isFalse();
  }

  @Test
  void looksLikeCidrOfNullIsFalse() {
    assertThat(IpNetwork.looksLikeCidr(null)).isFalse();
  }

  @Test
  void addressBytesFollowTheNormalizer() throws Exception {
    assertThat(IpNetwork.addressBytes("198.51.100.9")).containsExactly(198, 51, 100, 9);
    assertThat(IpNetwork.addressBytes("::ffff:198.51.100.9")).containsExactly(198, 51, 100, 9);
    assertThat(IpNetwork.addressBytes("2001:db8::1")).hasSize(16);
    assertThatThrownBy(() -> IpNetwork.addressBytes("1.2.3.04"))
        .isInstanceOf(InvalidObservableException.class)
        .hasMessageContaining("leading zero");
  }
}
