package org.signalbox.importers.warninglist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.signalbox.schema.ObservableType;
import org.signalbox.testkit.SharedData;

class WarninglistsTest {

  private static Warninglists shared;

  @BeforeAll
  static void load() throws Exception {
    Path dir = SharedData.root().map(p -> p.resolve("misp-warninglists")).orElse(null);
    if (dir != null && dir.toFile().isDirectory()) {
      shared = Warninglists.load(dir);
    }
  }

  private static Warninglists shared() {
    SharedData.require("misp-warninglists");
    return shared;
  }

  @Test
  void everySampleListLoads() {
    Warninglists w = shared();
    assertThat(w.lists()).hasSize(10);
    assertThat(w.rejected()).isEmpty();
    assertThat(w.lists()).allSatisfy(l -> assertThat(l.size()).isPositive());
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "IPV4 | 8.8.8.8 | List of known IPv4 public DNS resolvers",
        "IPV4 | 10.20.30.40 | List of RFC 1918 CIDR blocks",
        "IPV4 | 192.168.1.1 | List of RFC 1918 CIDR blocks",
        "IPV4 | 224.0.0.251 | List of RFC 5771 multicast CIDR blocks",
        "MD5 | d41d8cd98f00b204e9800998ecf8427e | List of known hashes for empty files",
        "SHA1 | da39a3ee5e6b4b0d3255bfef95601890afd80709 | List of known hashes for empty files",
        "SHA256 | e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | List of known hashes for empty files",
        "SHA512 | cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e | List of known hashes for empty files",
        "DOMAIN | account.live.com | List of known Office 365 URLs",
        "DOMAIN | www.1822direkt.com | List of known bank domains",
        "URL | https://online.1822direkt.com/login | List of known bank domains",
        "DOMAIN | com | TLDs as known by IANA",
      })
  void knownBenignValuesAreOnTheirList(ObservableType type, String value, String listName) {
    assertThat(shared().matching(type, value)).extracting(Warninglist::name).contains(listName);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "IPV4 | 198.51.100.7",
        "IPV4 | 172.32.0.1",
        "DOMAIN | evil.example",
        "MD5 | 79054025255fb1a26e4bc422aef54eb4",
        "DOMAIN | 1822direkt.com.evil.example",
      })
  void otherValuesAreNot(ObservableType type, String value) {
    assertThat(shared().matching(type, value)).isEmpty();
    assertThat(shared().isKnownBenign(type, value)).isFalse();
  }

  @Test
  void matchingAttributesLimitTheTypesCompared() {
    // The empty-file MD5 as a domain-typed value is not on the hash list.
    assertThat(shared().matching(ObservableType.DOMAIN, "d41d8cd98f00b204e9800998ecf8427e"))
        .isEmpty();
  }

  @Test
  void substringAndRegexListsUseAutomata() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Warninglist substring =
        Warninglists.parse(
            json.readTree(
                "{\"name\":\"cdn\",\"type\":\"substring\",\"matching_attributes\":[\"hostname\",\"url\"],"
                    + "\"list\":[\"akamaiedge\",\"CloudFront\"]}"));
    assertThat(substring.contains(ObservableType.DOMAIN, "e123.akamaiedge.net")).isTrue();
    assertThat(substring.contains(ObservableType.URL, "https://d1.cloudfront.net/x")).isTrue();
    assertThat(substring.contains(ObservableType.DOMAIN, "evil.example")).isFalse();
    assertThat(substring.contains(ObservableType.IPV4, "akamaiedge")).isFalse();

    Warninglist regex =
        Warninglists.parse(
            json.readTree(
                "{\"name\":\"updates\",\"type\":\"regex\",\"matching_attributes\":[\"domain\"],"
                    + "\"list\":[\"/^update[0-9]+\\\\.vendor\\\\.example$/i\",\"(a)\\\\1\",\"^(x+)+$\"]}"));
    assertThat(regex.contains(ObservableType.DOMAIN, "UPDATE42.vendor.example")).isTrue();
    assertThat(regex.contains(ObservableType.DOMAIN, "update42.vendor.example.evil")).isFalse();
    assertThat(regex.contains(ObservableType.DOMAIN, "x".repeat(100_000) + "y")).isFalse();
    assertThat(regex.rejectedEntries()).singleElement().asString().contains("back-reference");
    assertThat(regex.size()).isEqualTo(2);
  }
}
