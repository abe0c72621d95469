package org.signalbox.observable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.signalbox.schema.ObservableType;

class ObservableNormalizerTest {

  private static NormalizedObservable norm(ObservableType type, String raw)
      throws InvalidObservableException {
    return ObservableNormalizer.normalize(type, raw);
  }

  private static String value(ObservableType type, String raw) throws InvalidObservableException {
    return norm(type, raw).value();
  }

  @Nested
  class Missing {
    @ParameterizedTest
    @EnumSource(ObservableType.class)
    void nullIsRefusedForEveryType(ObservableType type) {
      assertThatThrownBy(() -> norm(type, null))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining(type.name())
          .hasMessageContaining("missing");
    }

    @ParameterizedTest
    @EnumSource(ObservableType.class)
    void blankIsRefusedForEveryType(ObservableType type) {
      assertThatThrownBy(() -> norm(type, " \t "))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("blank");
    }

    @Test
    void nullTypeIsRefused() {
      assertThatThrownBy(() -> norm(null, "example.org"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("type is missing")
          .hasMessageContaining("'example.org'");
    }
  }

  @Nested
  class Domains {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
      "example.org, example.org",
      "  Example.ORG  , example.org",
      "example.org., example.org",
      "WWW.Example.Org., www.example.org",
      "bücher.example, xn--bcher-kva.example",
      "BÜCHER.example, xn--bcher-kva.example",
      "xn--bcher-kva.example, xn--bcher-kva.example",
      "_dmarc.example.org, _dmarc.example.org",
      "_sip._tcp.example.org, _sip._tcp.example.org",
      "localhost, localhost",
      "a-b.c-d.example, a-b.c-d.example",
      "123.example.org, 123.example.org",
      "例え.テスト, xn--r8jz45g.xn--zckzah",
      "münchen。de, xn--mnchen-3ya.de",
    })
    void canonicalForms(String raw, String expected) throws Exception {
      NormalizedObservable n = norm(ObservableType.DOMAIN, raw);
      assertThat(n.type()).isEqualTo(ObservableType.DOMAIN);
      assertThat(n.value()).isEqualTo(expected);
    }

    @Test
    void normalizingIsIdempotent() throws Exception {
      String once = value(ObservableType.DOMAIN, "Bücher.Example.");
      assertThat(value(ObservableType.DOMAIN, once)).isEqualTo(once);
    }

    @Test
    void labelOf63IsAcceptedAnd64Refused() throws Exception {
      String l63 = "a".repeat(63);
      assertThat(value(ObservableType.DOMAIN, l63 + ".example")).isEqualTo(l63 + ".example");
      assertThatThrownBy(() -> norm(ObservableType.DOMAIN, "a".repeat(64) + ".example"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("label of 64 characters");
      assertThatThrownBy(() -> norm(ObservableType.DOMAIN, "ü".repeat(60) + ".example"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("longer than 63 characters in punycode");
    }

    @Test
    void totalOf253IsAcceptedAnd254Refused() throws Exception {
      // 4 labels of 63 + 3 dots = 255; trim to exact lengths with a shorter last label.
      String base = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".";
      String name253 = base + "d".repeat(253 - base.length());
      assertThat(name253).hasSize(253);
      assertThat(value(ObservableType.DOMAIN, name253)).isEqualTo(name253);
      String name254 = base + "d".repeat(254 - base.length());
      assertThatThrownBy(() -> norm(ObservableType.DOMAIN, name254))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("254 characters")
          .hasMessageContaining("253");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "exa mple.org | whitespace",
          "a..example.org | empty label",
          ".example.org | empty label",
          "example.org.. | empty label",
          ". | no labels",
          "192.0.2.1 | IP address",
          "2001:db8::1 | IP address",
          "1.2.3 | IP address",
          "example.123 | all-digit label",
          "example.org/path | invalid character '/'",
          "user@example.org | invalid character '@'",
          "example.org:8080 | invalid character ':'",
          "*.example.org | invalid character '*'",
        })
    void refused(String raw, String messagePart) {
      assertThatThrownBy(() -> norm(ObservableType.DOMAIN, raw))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageStartingWith("domain '" + raw + "'")
          .hasMessageContaining(messagePart);
    }

    @Test
    void longValuesAreShortenedInMessages() {
      String huge = "x y" + "z".repeat(5000);
      assertThatThrownBy(() -> norm(ObservableType.DOMAIN, huge))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("(5003 chars)")
          .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }
  }

  @Nested
  class Ipv4 {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
      "192.0.2.1, 192.0.2.1",
      "' 192.0.2.1 ', 192.0.2.1",
      "0.0.0.0, 0.0.0.0",
      "255.255.255.255, 255.255.255.255",
      "10.0.0.0, 10.0.0.0",
    })
    void canonicalForms(String raw, String expected) throws Exception {
      NormalizedObservable n = norm(ObservableType.IPV4, raw);
      assertThat(n).isEqualTo(new NormalizedObservable(ObservableType.IPV4, expected));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "010.1.1.1 | leading zero",
          "1.1.1.01 | leading zero",
          "00.1.1.1 | leading zero",
          "256.1.1.1 | greater than 255",
          "1.2.3 | 3 octets",
          "1.2.3.4.5 | more than four octets",
          "1..3.4 | empty octet",
          "1.2.3.4. | empty octet",
          "1.2.3.x | invalid character 'x'",
          "1.2.3.1000 | longer than three digits",
          "example.org | invalid character 'e'",
        })
    void refused(String raw, String messagePart) {
      assertThatThrownBy(() -> norm(ObservableType.IPV4, raw))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("IPv4 address '" + raw + "'")
          .hasMessageContaining(messagePart);
    }

    @Test
    void ipv6TypedAsIpv4IsRetyped() throws Exception {
      assertThat(norm(ObservableType.IPV4, "2001:DB8::1"))
          .isEqualTo(new NormalizedObservable(ObservableType.IPV6, "2001:db8::1"));
    }
  }

  @Nested
  class Ipv6 {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
      "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:DB8::1, 2001:db8::1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "2001:db8::0:1, 2001:db8::1",
      "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
      "0:0:0:0:0:0:0:0, ::",
      "::, ::",
      "::1, ::1",
      "0:0:0:0:0:0:0:1, ::1",
      "1::, 1::",
      "1:0:0:0:0:0:0:0, 1::",
      "fe80::1:2:3:4, fe80::1:2:3:4",
      "[2001:db8::1], 2001:db8::1",
      "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
      "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
      "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
      "::192.0.2.1, ::c000:201",
      "0001:0002:0003:0004:0005:0006:0007:0008, 1:2:3:4:5:6:7:8",
    })
    void rfc5952(String raw, String expected) throws Exception {
      assertThat(norm(ObservableType.IPV6, raw))
          .isEqualTo(new NormalizedObservable(ObservableType.IPV6, expected));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
      "::ffff:1.2.3.4, 1.2.3.4",
      "::FFFF:192.0.2.128, 192.0.2.128",
      "::ffff:0102:0304, 1.2.3.4",
      "0:0:0:0:0:ffff:c000:0280, 192.0.2.128",
      "[::ffff:10.0.0.1], 10.0.0.1",
    })
    void ipv4MappedBecomesIpv4(String raw, String expected) throws Exception {
      assertThat(norm(ObservableType.IPV6, raw))
          .isEqualTo(new NormalizedObservable(ObservableType.IPV4, expected));
      assertThat(norm(ObservableType.IPV4, raw))
          .isEqualTo(new NormalizedObservable(ObservableType.IPV4, expected));
    }

    @Test
    void ipv4TypedAsIpv6IsRetyped() throws Exception {
      assertThat(norm(ObservableType.IPV6, "192.0.2.1"))
          .isEqualTo(new NormalizedObservable(ObservableType.IPV4, "192.0.2.1"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "fe80::1%eth0 | zone id",
          "fe80::1%25eth0 | zone id",
          "1::2::3 | more than one '::'",
          "1:2:3:4:5:6:7 | 7 groups, expected 8",
          "1:2:3:4:5:6:7:8:9 | 9 groups",
          "1:2:3:4::5:6:7:8 | 8 groups besides '::'",
          ":1:2:3:4:5:6:7 | empty group",
          "1:2:3:4:5:6:7: | empty group",
          "1:::2 | ':::'",
          "12345::1 | more than four hex digits",
          "g::1 | invalid character 'g'",
          "localhost:: | invalid character 'l'",
          "::1.2.3.4:5 | not the last 32 bits",
          "::256.1.1.1 | greater than 255",
          "::01.1.1.1 | leading zero",
          "2001:db8::1 .example | invalid character ' '",
        })
    void refused(String raw, String messagePart) {
      assertThatThrownBy(() -> norm(ObservableType.IPV6, raw))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("IPv6 address '" + raw.strip() + "'")
          .hasMessageContaining(messagePart);
    }

    @Test
    void neverResolvesNames() {
      // A host name must fail on its characters, not be looked up: this would hang or resolve
      // if the parser fell back to InetAddress.getByName.
      assertThatThrownBy(() -> norm(ObservableType.IPV6, "ab::cd.invalid"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("invalid");
    }
  }

  @Nested
  class Urls {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "HTTP://Example.COM:80/a/./b/../c?%7euser=1#frag | http://example.com/a/c?~user=1",
          "http://example.com | http://example.com/",
          "http://example.com? | http://example.com/",
          "http://example.com?q=1 | http://example.com/?q=1",
          "https://example.com:443/x | https://example.com/x",
          "https://example.com:8443/x | https://example.com:8443/x",
          "http://example.com:443/ | http://example.com:443/",
          "http://example.com:/ | http://example.com/",
          "http://example.com:0080/ | http://example.com/",
          "ftp://example.com:21/pub | ftp://example.com/pub",
          "ws://example.com:80/s | ws://example.com/s",
          "wss://example.com:443/s | wss://example.com/s",
          "gopher://example.com:70/ | gopher://example.com:70/",
          "example.com/path | http://example.com/path",
          "//example.com/path | http://example.com/path",
          "www.Example.com | http://www.example.com/",
          "http://example.com/a%2fb | http://example.com/a%2Fb",
          "http://example.com/%41%62%2D%2e%5F%7E | http://example.com/Ab-._~",
          "http://example.com/a b | http://example.com/a%20b",
          "http://example.com/ä?q=ü | http://example.com/%C3%A4?q=%C3%BC",
          "http://example.com/100% | http://example.com/100%25",
          "http://example.com/%zz | http://example.com/%25zz",
          "http://example.com/a/b/.. | http://example.com/a/",
          "http://example.com/a/b/. | http://example.com/a/b/",
          "http://example.com/../../x | http://example.com/x",
          "http://example.com/a/%2e%2E/b | http://example.com/b",
          "http://example.com/a//b | http://example.com/a//b",
          "http://example.com/a?b=../c | http://example.com/a?b=../c",
          "http://example.com/a?x=%2f&y=a+b | http://example.com/a?x=%2F&y=a+b",
          "http://example.com/p#frag?notquery | http://example.com/p",
          "http://User:PaSS@Example.com/ | http://User:PaSS@example.com/",
          "http://@example.com/ | http://example.com/",
          "http://bücher.example/ | http://xn--bcher-kva.example/",
          "http://ex%61mple.com/ | http://example.com/",
          "http://192.0.2.1:8080/x | http://192.0.2.1:8080/x",
          "http://[2001:DB8:0:0::1]:80/ | http://[2001:db8::1]/",
          "http://[2001:db8::1]:8080/ | http://[2001:db8::1]:8080/",
          "http://[::ffff:192.0.2.1]/ | http://192.0.2.1/",
          "http://example.com./ | http://example.com/",
          "http://evil.example\\@good.example/ | http://evil.example/@good.example/",
          "http://example.com\\a\\b | http://example.com/a/b",
          "HTTPS://EXAMPLE.COM/Path/Is/Case/Sensitive | https://example.com/Path/Is/Case/Sensitive",
          "http://example.com/[x] | http://example.com/[x]",
          "http://example.com/\"q\" | http://example.com/%22q%22",
        })
    void canonicalForms(String raw, String expected) throws Exception {
      NormalizedObservable n = norm(ObservableType.URL, raw);
      assertThat(n.type()).isEqualTo(ObservableType.URL);
      assertThat(n.value()).isEqualTo(expected);
      // Canonical forms are fixed points.
      assertThat(value(ObservableType.URL, expected)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "http:///path | has no host",
          "http://:80/ | has no host",
          "http://example.com:99999/ | greater than 65535",
          "http://example.com:8a/ | invalid port '8a'",
          "http://[2001:db8::1/ | without a closing ']'",
          "http://[2001:db8::1]x/ | after the IPv6 host",
          "http://2001:db8::1/ | not in brackets",
          "http://010.1.1.1/ | leading zero",
          "http://exa mple.com/ | invalid host",
          "http://[fe80::1%25eth0]/ | zone id",
          "http://ex%ff.com/ | not valid UTF-8",
          "http://ex%zz.com/ | invalid percent-escape",
        })
    void refused(String raw, String messagePart) {
      assertThatThrownBy(() -> norm(ObservableType.URL, raw))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageStartingWith("URL '" + raw + "'")
          .hasMessageContaining(messagePart);
    }

    @Test
    void controlCharactersAreRefused() {
      assertThatThrownBy(() -> norm(ObservableType.URL, "http://example.com/a\nb"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("control character at position 20");
    }

    @Test
    void unpairedSurrogateIsRefused() {
      assertThatThrownBy(() -> norm(ObservableType.URL, "http://example.com/\uD800x"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void emojiIsEncodedAsFourUtf8Bytes() throws Exception {
      assertThat(value(ObservableType.URL, "http://example.com/\uD83D\uDE80"))
          .isEqualTo("http://example.com/%F0%9F%9A%80");
    }

    @Test
    void longPathWithManyDotSegmentsIsLinear() throws Exception {
      String path = "/a/..".repeat(100_000) + "/end";
      assertThat(value(ObservableType.URL, "http://example.com" + path))
          .isEqualTo("http://example.com/end");
    }
  }

  @Nested
  class Emails {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "Alice@Example.ORG | alice@example.org",
          "<alice@example.org> | alice@example.org",
          "Alice Liddell <Alice@Example.org> | alice@example.org",
          "\"Liddell, Alice\" <alice@example.org> | alice@example.org",
          "mailto:alice@example.org | alice@example.org",
          "alice@bücher.example | alice@xn--bcher-kva.example",
          "alice+tag@example.org. | alice+tag@example.org",
        })
    void canonicalForms(String raw, String expected) throws Exception {
      assertThat(norm(ObservableType.EMAIL, raw))
          .isEqualTo(new NormalizedObservable(ObservableType.EMAIL, expected));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "alice.example.org | has no '@'",
          "a@b@example.org | more than one '@'",
          "@example.org | empty local part",
          "alice@ | empty domain",
          "Alice <alice@example.org | without a closing '>'",
          "alice@example.org> | without an opening '<'",
          "al ice@example.org | whitespace",
          "alice@exa mple.org | invalid domain",
          "alice@192.0.2.1 | IP address",
        })
    void refused(String raw, String messagePart) {
      assertThatThrownBy(() -> norm(ObservableType.EMAIL, raw))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageStartingWith("e-mail address '" + raw + "'")
          .hasMessageContaining(messagePart);
    }

    @Test
    void localPartLongerThan64IsRefused() {
      assertThatThrownBy(() -> norm(ObservableType.EMAIL, "a".repeat(65) + "@example.org"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("65 characters");
    }
  }

  @Nested
  class Hashes {
    static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    static final String SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    static final String SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String SHA512 =
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

    @Test
    void lowercaseHexOfTheRightLength() throws Exception {
      assertThat(value(ObservableType.MD5, MD5.toUpperCase())).isEqualTo(MD5);
      assertThat(value(ObservableType.JA3, " " + MD5 + " ")).isEqualTo(MD5);
      assertThat(value(ObservableType.SHA1, SHA1.toUpperCase())).isEqualTo(SHA1);
      assertThat(value(ObservableType.SHA256, SHA256)).isEqualTo(SHA256);
      assertThat(value(ObservableType.SHA512, SHA512.toUpperCase())).isEqualTo(SHA512);
    }

    @Test
    void innerWhitespaceIsRemoved() throws Exception {
      String spaced = MD5.substring(0, 8) + " " + MD5.substring(8, 16) + "\t" + MD5.substring(16);
      assertThat(value(ObservableType.MD5, spaced)).isEqualTo(MD5);
    }

    @ParameterizedTest(name = "{0} with {1} digits")
    @CsvSource({"MD5, 32", "JA3, 32", "SHA1, 40", "SHA256, 64", "SHA512, 128"})
    void wrongLengthNamesTheExpectedLength(ObservableType type, int digits) {
      String tooShort = "a".repeat(digits - 1);
      assertThatThrownBy(() -> norm(type, tooShort))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining(type.name())
          .hasMessageContaining("has " + (digits - 1) + " hex digits")
          .hasMessageContaining("expected length " + digits);
      assertThatThrownBy(() -> norm(type, "a".repeat(digits + 1)))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("expected length " + digits);
    }

    @Test
    void nonHexIsRefused() {
      assertThatThrownBy(() -> norm(ObservableType.MD5, "g" + MD5.substring(1)))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("non-hex character 'g'");
    }
  }

  @Nested
  class FreeText {
    @ParameterizedTest
    @EnumSource(
        value = ObservableType.class,
        names = {"USER_AGENT", "FILE_NAME", "OTHER"})
    void trimmedOnlyWithInnerWhitespaceKept(ObservableType type) throws Exception {
      assertThat(norm(type, "  Mozilla/5.0  (X11;  Linux)\t"))
          .isEqualTo(new NormalizedObservable(type, "Mozilla/5.0  (X11;  Linux)"));
    }

    @Test
    void caseIsKept() throws Exception {
      assertThat(value(ObservableType.FILE_NAME, "Invoice.PDF.exe")).isEqualTo("Invoice.PDF.exe");
    }
  }

  @Nested
  class GuessingType {
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(
        delimiter = '|',
        value = {
          "192.0.2.1 | IPV4 | 192.0.2.1",
          "2001:DB8::1 | IPV6 | 2001:db8::1",
          "[2001:db8::1] | IPV6 | 2001:db8::1",
          "::ffff:192.0.2.1 | IPV4 | 192.0.2.1",
          "HTTPS://Example.com/x | URL | https://example.com/x",
          "ftp://example.com/ | URL | ftp://example.com/",
          "Alice <Alice@Example.org> | EMAIL | alice@example.org",
          "D41D8CD98F00B204E9800998ECF8427E | MD5 | d41d8cd98f00b204e9800998ecf8427e",
          "da39a3ee5e6b4b0d3255bfef95601890afd80709 | SHA1 | da39a3ee5e6b4b0d3255bfef95601890afd80709",
          "Example.ORG. | DOMAIN | example.org",
          "deadbeef.example | DOMAIN | deadbeef.example",
          "cafe | DOMAIN | cafe",
          "bücher.example | DOMAIN | xn--bcher-kva.example",
        })
    void detectsTheType(String raw, ObservableType type, String expected) throws Exception {
      assertThat(ObservableNormalizer.normalizeGuessingType(raw))
          .isEqualTo(new NormalizedObservable(type, expected));
    }

    @Test
    void sha256AndSha512ByLength() throws Exception {
      assertThat(ObservableNormalizer.normalizeGuessingType(Hashes.SHA256).type())
          .isEqualTo(ObservableType.SHA256);
      assertThat(ObservableNormalizer.normalizeGuessingType(Hashes.SHA512).type())
          .isEqualTo(ObservableType.SHA512);
    }

    @Test
    void octalLookingAddressGetsTheIpv4Message() {
      assertThatThrownBy(() -> ObservableNormalizer.normalizeGuessingType("010.1.1.1"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("leading zero");
    }

    @Test
    void zoneIdGetsTheIpv6Message() {
      assertThatThrownBy(() -> ObservableNormalizer.normalizeGuessingType("fe80::1%eth0"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageContaining("zone id");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void missingValueIsRefused(String raw) {
      assertThatThrownBy(() -> ObservableNormalizer.normalizeGuessingType(raw))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageStartingWith("observable value is");
    }

    @Test
    void somethingOfNoTypeFailsAsADomainWithTheReason() {
      assertThatThrownBy(() -> ObservableNormalizer.normalizeGuessingType("not a value"))
          .isInstanceOf(InvalidObservableException.class)
          .hasMessageStartingWith("domain 'not a value'")
          .hasMessageContaining("whitespace");
    }
  }
}
