package org.signalbox.observable;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 network, as CIDR indicators and warninglists give them.
 *
 * <p>Parsing follows the {@link ObservableNormalizer} address rules (strict dotted quad, RFC 5952
 * output, no name lookup). A bare address is a host network ({@code /32} or {@code /128}). <b>Host
 * bits are masked, not refused</b>: feeds often publish {@code 198.51.100.7/24} meaning "the /24
 * this host is in", so it becomes {@code 198.51.100.0/24}; the alternative, rejecting it, would
 * lose the indicator. An IPv4-mapped IPv6 network of prefix 96 or longer ({@code
 * ::ffff:198.51.100.0/120}) is the IPv4 network it maps ({@code 198.51.100.0/24}), so that it
 * matches the IPv4 addresses the normalizer produces for mapped hosts.
 *
 * <p>Instances are immutable; {@link #toString()} is the canonical text form.
 */
public final class IpNetwork {
  private final byte[] network;
  private final int prefixLength;

  private IpNetwork(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code 198.51.100.0/24}, {@code 2001:db8::/32} or a bare address.
   *
   * @throws InvalidObservableException naming the fault (bad address, prefix missing, not a number,
   *     or out of range)
   */
  public static IpNetwork parse(String cidr) throws InvalidObservableException {
    if (cidr == null) {
      throw new InvalidObservableException("network is missing (null)");
    }
    String s = cidr.strip();
    if (s.isEmpty()) {
      throw new InvalidObservableException("network is blank: " + Messages.quote(cidr));
    }
    int slash = s.indexOf('/');
    String addressText = slash >= 0 ? s.substring(0, slash) : s;
    byte[] address;
    try {
      address =
          addressText.indexOf(':') >= 0
              ? IpLiterals.parseIpv6(addressText)
              : IpLiterals.parseIpv4(addressText);
    } catch (InvalidObservableException e) {
      throw new InvalidObservableException(
          "network " + Messages.quote(s) + " has an invalid address: " + e.getMessage());
    }
    int maxPrefix = address.length * 8;
    int prefix = maxPrefix;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty()) {
        throw new InvalidObservableException(
            "network " + Messages.quote(s) + " has no prefix length after '/'");
      }
      if (p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new InvalidObservableException(
            "network "
                + Messages.quote(s)
                + " has prefix length '"
                + Messages.shorten(p)
                + "', expected a number from 0 to "
                + maxPrefix);
      }
      prefix = Integer.parseInt(p);
      if (prefix > maxPrefix) {
        throw new InvalidObservableException(
            "network "
                + Messages.quote(s)
                + " has prefix length "
                + prefix
                + ", at most "
                + maxPrefix
                + " for "
                + (maxPrefix == 32 ? "IPv4" : "IPv6"));
      }
    }
    if (address.length == 16 && prefix >= 96 && IpLiterals.isIpv4Mapped(address)) {
      address = IpLiterals.mappedIpv4(address);
      prefix -= 96;
    }
    return new IpNetwork(mask(address, prefix), prefix);
  }

  /**
   * The 4 or 16 bytes of an IP address literal (any form the normalizer accepts; an IPv4-mapped
   * IPv6 address gives the 4 IPv4 bytes).
   *
   * @throws InvalidObservableException if {@code ip} is not an IP address literal
   */
  public static byte[] addressBytes(String ip) throws InvalidObservableException {
    if (ip == null) {
      throw new InvalidObservableException("IP address is missing (null)");
    }
    return IpLiterals.parseAny(ip.strip());
  }

  /**
   * True if {@code text} has the shape of CIDR notation: an IPv4 or IPv6 literal, '/', and digits.
   * Cheap and syntactic (no range checks), for telling a CIDR indicator from an address or a URL; a
   * bare address is not CIDR.
   */
  /**
   * The canonical text of a 4- or 16-byte address: dotted quad, or RFC 5952 IPv6. The one formatter
   * of the project, so the edge and the job can never disagree on an address's bytes.
   */
  public static String canonicalAddress(byte[] address) {
    if (address.length == 4) {
      return IpLiterals.formatIpv4(address);
    }
    if (address.length == 16) {
      return IpLiterals.formatIpv6(address);
    }
    throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
  }

  public static boolean looksLikeCidr(String text) {
    if (text == null) {
      return false;
    }
    String s = text.strip();
    int slash = s.indexOf('/');
    if (slash <= 0 || slash == s.length() - 1) {
      return false;
    }
    for (int i = slash + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    String address = s.substring(0, slash);
    return IpLiterals.looksLikeIpv4(address)
        || (IpLiterals.looksLikeIpv6(address) && address.indexOf('%') < 0);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsInByte = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - bitsInByte));
    }
    return out;
  }

  /**
   * True if the address lies in this network; an IPv4 address is never in an IPv6 network (nor the
   * reverse), except that an IPv4-mapped IPv6 address counts as the IPv4 address it maps.
   *
   * @throws IllegalArgumentException if {@code canonicalIp} is not an IP address literal: the
   *     caller should have normalized it, so this is a programming error
   */
  public boolean contains(String canonicalIp) {
    byte[] a;
    try {
      a = addressBytes(canonicalIp);
    } catch (InvalidObservableException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return contains(a);
  }

  /** {@link #contains(String)} for the 4 or 16 bytes of an address. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int m = 0xff << (8 - rest);
    return ((address[full] ^ network[full]) & m) == 0;
  }

  /** The network address (host bits zero), 4 bytes for IPv4 and 16 for IPv6; a copy. */
  public byte[] networkBytes() {
    return network.clone();
  }

  public int prefixLength() {
    return prefixLength;
  }

  public boolean isIpv6() {
    return network.length == 16;
  }

  /** The canonical text form, e.g. {@code 198.51.100.0/24} or {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    return IpLiterals.format(network) + "/" + prefixLength;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpNetwork other
        && prefixLength == other.prefixLength
        && Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }
}
