package org.signalbox.edge.anonymize;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A list of IPv4 and IPv6 networks, e.g. a member's internal address ranges. */
public final class CidrRanges {
  /** RFC 1918, loopback, link-local, IPv6 unique-local, loopback and link-local. */
  public static final List<String> PRIVATE_AND_LOCAL =
      List.of(
          "10.0.0.0/8",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "127.0.0.0/8",
          "169.254.0.0/16",
          "fc00::/7",
          "::1/128",
          "fe80::/10");

  private record Network(byte[] prefix, int bits, String text) {}

  private final List<Network> networks;

  private CidrRanges(List<Network> networks) {
    this.networks = networks;
  }

  /**
   * @throws IllegalArgumentException naming the first entry that is not a valid CIDR block
   */
  public static CidrRanges parse(List<String> cidrs) {
    List<Network> out = new ArrayList<>();
    for (String c : cidrs) {
      String s = c.trim();
      int slash = s.indexOf('/');
      InetAddress a = IpAddresses.parse(slash < 0 ? s : s.substring(0, slash));
      if (a == null) {
        throw new IllegalArgumentException("not a CIDR block: '" + c + "' (bad address)");
      }
      byte[] b = a.getAddress();
      int bits;
      try {
        bits = slash < 0 ? b.length * 8 : Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a CIDR block: '" + c + "' (bad prefix length)");
      }
      if (bits < 0 || bits > b.length * 8) {
        throw new IllegalArgumentException(
            "not a CIDR block: '" + c + "' (prefix length out of range 0.." + b.length * 8 + ")");
      }
      out.add(new Network(b, bits, s));
    }
    return new CidrRanges(List.copyOf(out));
  }

  public boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    for (Network n : networks) {
      if (n.prefix.length == b.length && prefixMatches(n.prefix, b, n.bits)) {
        return true;
      }
    }
    return false;
  }

  public List<String> asText() {
    return networks.stream().map(Network::text).toList();
  }

  private static boolean prefixMatches(byte[] p, byte[] a, int bits) {
    int full = bits >>> 3;
    for (int i = 0; i < full; i++) {
      if (p[i] != a[i]) {
        return false;
      }
    }
    int rem = bits & 7;
    if (rem == 0) {
      return true;
    }
    int mask = 0xff << (8 - rem) & 0xff;
    return (p[full] & mask) == (a[full] & mask);
  }
}
