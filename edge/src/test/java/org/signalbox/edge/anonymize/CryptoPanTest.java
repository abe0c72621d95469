package org.signalbox.edge.anonymize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CryptoPanTest {
  static final String KEY = "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202";

  @ParameterizedTest
  @CsvSource({
    "24.5.0.80, 100.9.15.210",
    "208.234.120.210, 227.154.67.17",
    "10.185.25.118, 117.161.29.118",
    "64.14.118.196, 0.255.183.58",
  })
  void matchesTheReferenceImplementation(String in, String expected) {
    assertThat(CryptoPan.fromHex(KEY).anonymize(in)).isEqualTo(expected);
  }

  @Test
  void intAndTextFormsAgree() {
    CryptoPan pan = CryptoPan.fromHex(KEY);
    int out = pan.anonymizeIpv4((24 << 24) | (5 << 16) | 80);
    assertThat(out).isEqualTo((100 << 24) | (9 << 16) | (15 << 8) | 210);
  }

  @Test
  void preservesExactlyTheCommonPrefixForIpv4() {
    assertPrefixPreserving(4, 2000);
  }

  @Test
  void preservesExactlyTheCommonPrefixForIpv6() {
    assertPrefixPreserving(16, 300);
  }

  @Test
  void ipv6IsDeterministicAndStaysIpv6() {
    CryptoPan pan = CryptoPan.fromHex(KEY);
    String a = pan.anonymize("fd00::1");
    assertThat(a).contains(":").isEqualTo(CryptoPan.fromHex(KEY).anonymize("fd00:0:0::1"));
    assertThat(a).isNotEqualTo("fd00::1");
  }

  @Test
  void rejectsWrongKeysAndNonAddresses() {
    assertThatThrownBy(() -> CryptoPan.fromHex("00ff")).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> CryptoPan.fromHex("zz" + KEY.substring(2)))
        .hasMessageContaining("not a hex digit");
    assertThatThrownBy(() -> CryptoPan.fromHex(KEY).anonymize("example.org"))
        .hasMessageContaining("not an IP address");
  }

  private static void assertPrefixPreserving(int bytes, int pairs) {
    CryptoPan pan = CryptoPan.fromHex(KEY);
    Random random = new Random(42);
    for (int n = 0; n < pairs; n++) {
      byte[] a = new byte[bytes];
      random.nextBytes(a);
      int k = random.nextInt(bytes * 8);
      byte[] b = a.clone();
      // b shares exactly k bits with a: same first k bits, bit k flipped, the rest random.
      for (int bit = k; bit < bytes * 8; bit++) {
        boolean v = bit == k ? !bitAt(a, bit) : random.nextBoolean();
        setBit(b, bit, v);
      }
      assertThat(CryptoPan.commonPrefixLength(a, b)).isEqualTo(k);
      assertThat(CryptoPan.commonPrefixLength(pan.anonymize(a), pan.anonymize(b)))
          .as("pair %d with common prefix %d", n, k)
          .isEqualTo(k);
    }
  }

  private static boolean bitAt(byte[] a, int bit) {
    return (a[bit >>> 3] & (0x80 >>> (bit & 7))) != 0;
  }

  private static void setBit(byte[] a, int bit, boolean v) {
    if (v) {
      a[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
    } else {
      a[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
    }
  }
}
