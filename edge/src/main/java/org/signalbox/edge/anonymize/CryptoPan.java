package org.signalbox.edge.anonymize;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Prefix-preserving IP address anonymization (Xu, Fan, Ammar, Moon 2002), byte-compatible with the
 * reference implementation {@code panonymizer.cpp}: the first 16 key bytes are the AES-128 key, the
 * AES encryption of the last 16 key bytes is the pad. Bit {@code i} of the output is bit {@code i}
 * of the input flipped by the top bit of AES(first i input bits followed by the pad's remaining
 * bits).
 *
 * <p>IPv4 addresses occupy the top 32 bits of the 128-bit block, as in the reference; IPv6
 * addresses use all 128, which is what the widely used IPv6 extensions of Crypto-PAn do. Two
 * addresses sharing exactly a k-bit prefix map to outputs sharing exactly a k-bit prefix.
 *
 * <p>Not thread-safe (it holds a {@link Cipher}); give each thread its own instance.
 */
public final class CryptoPan {
  private final Cipher aes;
  private final byte[] pad;
  private final byte[] block = new byte[16];
  private final byte[] out = new byte[16];

  /**
   * @param key 32 bytes: AES key followed by the pad secret
   */
  public CryptoPan(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "Crypto-PAn key must be 32 bytes (64 hex digits), got " + key.length + " bytes");
    }
    try {
      aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Arrays.copyOfRange(key, 0, 16), "AES"));
      pad = aes.doFinal(Arrays.copyOfRange(key, 16, 32));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/ECB is not available in this JVM", e);
    }
  }

  public static CryptoPan fromHex(String hex) {
    return new CryptoPan(Hex.decode(hex.trim()));
  }

  /** Anonymizes an IPv4 address given as an unsigned 32-bit value. */
  public int anonymizeIpv4(int address) {
    byte[] in = new byte[4];
    for (int i = 0; i < 4; i++) {
      in[i] = (byte) (address >>> (24 - 8 * i));
    }
    byte[] r = anonymizeBits(in, 32);
    return ((r[0] & 0xff) << 24) | ((r[1] & 0xff) << 16) | ((r[2] & 0xff) << 8) | (r[3] & 0xff);
  }

  /** Anonymizes a 4-byte (IPv4) or 16-byte (IPv6) address. */
  public byte[] anonymize(byte[] address) {
    if (address.length != 4 && address.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
    }
    return anonymizeBits(address, address.length * 8);
  }

  /** Anonymizes an address; the result has the same family. */
  public InetAddress anonymize(InetAddress address) {
    try {
      return InetAddress.getByAddress(anonymize(address.getAddress()));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot happen for 4 or 16 bytes", e);
    }
  }

  /**
   * Anonymizes a textual address literal (never resolves names) and returns it in canonical text:
   * dotted quad for IPv4, RFC 5952 for IPv6.
   *
   * @throws IllegalArgumentException if {@code literal} is not an IP address literal
   */
  public String anonymize(String literal) {
    InetAddress a = IpAddresses.parse(literal);
    if (a == null) {
      throw new IllegalArgumentException("not an IP address: " + literal);
    }
    return IpAddresses.format(anonymize(a));
  }

  private byte[] anonymizeBits(byte[] address, int bits) {
    byte[] flips = new byte[address.length];
    for (int pos = 0; pos < bits; pos++) {
      // Block = the first `pos` bits of the address, then the pad's bits from `pos` on.
      int fullBytes = pos >>> 3;
      int remBits = pos & 7;
      System.arraycopy(address, 0, block, 0, fullBytes);
      if (remBits == 0) {
        System.arraycopy(pad, fullBytes, block, fullBytes, 16 - fullBytes);
      } else {
        int mask = 0xff << (8 - remBits);
        block[fullBytes] = (byte) ((address[fullBytes] & mask) | (pad[fullBytes] & ~mask & 0xff));
        System.arraycopy(pad, fullBytes + 1, block, fullBytes + 1, 15 - fullBytes);
      }
      try {
        aes.doFinal(block, 0, 16, out, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES failed on a full block", e);
      }
      if ((out[0] & 0x80) != 0) {
        flips[fullBytes] |= (byte) (0x80 >>> remBits);
      }
    }
    byte[] result = new byte[address.length];
    for (int i = 0; i < result.length; i++) {
      result[i] = (byte) (address[i] ^ flips[i]);
    }
    return result;
  }

  /** Number of leading bits two equal-length addresses share. */
  public static int commonPrefixLength(byte[] a, byte[] b) {
    BigInteger x = new BigInteger(1, a).xor(new BigInteger(1, b));
    return x.signum() == 0 ? a.length * 8 : a.length * 8 - x.bitLength();
  }

  static boolean isIpv4(InetAddress a) {
    return a instanceof Inet4Address;
  }

  static boolean isIpv6(InetAddress a) {
    return a instanceof Inet6Address;
  }
}
