package org.signalbox.edge.anonymize;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpLiterals;
import org.signalbox.observable.IpNetwork;

/**
 * IP literals without name resolution. {@link InetAddress#getByName} would query DNS for anything
 * that is not a literal, which an edge parsing hostile logs must never do.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * The address for an IPv4 or IPv6 literal, or null: the strict forms of the observable normalizer
   * ({@link IpLiterals}), plus brackets and a zone id, which the edge must still recognise as an
   * address ({@code fe80::1%eth0} is {@code fe80::1} when deciding whether it is internal) although
   * shared intelligence refuses them.
   */
  public static InetAddress parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return null;
    }
    String s = text;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    try {
      if (s.indexOf(':') >= 0) {
        return byAddress(IpLiterals.parseIpv6(s));
      }
      byte[] v4 = parseIpv4(s);
      return v4 == null ? null : byAddress(v4);
    } catch (InvalidObservableException e) {
      return null;
    }
  }

  /** Strict dotted quad (no leading zeros beyond "0", four parts), or null. */
  public static byte[] parseIpv4(String s) {
    if (s.length() < 7 || s.length() > 15) {
      return null;
    }
    try {
      return IpLiterals.parseIpv4(s);
    } catch (InvalidObservableException e) {
      return null;
    }
  }

  /**
   * Every address {@code text} can denote where a host is expected: the strict forms of {@link
   * #parse}, plus the inet_aton forms resolvers and browsers accept (one to four parts, each
   * decimal, octal with a leading {@code 0} or hex with {@code 0x}; the last part fills the
   * remaining bytes, so {@code 10.66051} and {@code 167772161} are 10.1.2.3; one trailing dot
   * allowed). A part with a leading zero is read both as octal and as decimal, since parsers
   * disagree ({@code 010.1.2.3} is 8.1.2.3 to inet_aton and 10.1.2.3 to others): a caller that
   * decides whether an address is internal must look at every reading. Empty when no address.
   */
  public static List<InetAddress> readings(String text) {
    List<InetAddress> out = new ArrayList<>(1);
    InetAddress strict = parse(text);
    if (strict != null) {
      out.add(strict);
      return out;
    }
    if (text == null || text.isEmpty() || text.length() > 64 || text.indexOf(':') >= 0) {
      return out;
    }
    String s = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    String[] parts = s.split("\\.", -1);
    if (parts.length > 4) {
      return out;
    }
    List<long[]> values = new ArrayList<>(parts.length);
    for (String p : parts) {
      long[] v = partValues(p);
      if (v == null) {
        return out;
      }
      values.add(v);
    }
    combine(values, 0, new long[parts.length], out);
    return out;
  }

  /** The values one inet_aton part can have (two when octal and decimal disagree), or null. */
  private static long[] partValues(String p) {
    if (p.isEmpty() || p.length() > 12) {
      return null;
    }
    if (p.length() > 2 && (p.startsWith("0x") || p.startsWith("0X"))) {
      long v = 0;
      for (int i = 2; i < p.length(); i++) {
        int d = Character.digit(p.charAt(i), 16);
        if (d < 0 || p.charAt(i) > 0x7f) {
          return null;
        }
        v = v * 16 + d;
      }
      return new long[] {v};
    }
    long dec = 0;
    boolean octalOk = true;
    long oct = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      dec = dec * 10 + (c - '0');
      octalOk &= c <= '7';
      oct = oct * 8 + (c - '0');
    }
    if (p.length() > 1 && p.charAt(0) == '0') {
      return octalOk && oct != dec ? new long[] {oct, dec} : new long[] {dec};
    }
    return new long[] {dec};
  }

  private static void combine(List<long[]> values, int i, long[] pick, List<InetAddress> out) {
    if (i == values.size()) {
      int n = pick.length;
      long addr = 0;
      for (int k = 0; k < n - 1; k++) {
        if (pick[k] > 255) {
          return;
        }
        addr |= pick[k] << (8 * (3 - k));
      }
      long last = pick[n - 1];
      if (last >= 1L << (8 * (5 - n))) {
        return;
      }
      addr |= last;
      InetAddress a =
          byAddress(
              new byte[] {
                (byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr
              });
      if (!out.contains(a)) {
        out.add(a);
      }
      return;
    }
    for (long v : values.get(i)) {
      pick[i] = v;
      combine(values, i + 1, pick, out);
    }
  }

  /**
   * The IPv4 addresses an IPv6 address carries inside it: IPv4-mapped ({@code ::ffff:0:0/96}),
   * IPv4-compatible ({@code ::/96} except {@code ::} and {@code ::1}), NAT64 ({@code 64:ff9b::/96}
   * and the local-use {@code 64:ff9b:1::/48}, RFC 6052/8215), 6to4 ({@code 2002::/16}), Teredo
   * ({@code 2001::/32}: server, and client with its bits inverted) and ISATAP interface ids. Empty
   * for IPv4 addresses and IPv6 addresses that embed none.
   */
  public static List<InetAddress> embeddedIpv4(InetAddress a) {
    List<InetAddress> out = new ArrayList<>(1);
    byte[] b = a.getAddress();
    if (b.length != 16) {
      return out;
    }
    boolean zero80 = allZero(b, 0, 10);
    if (zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      out.add(v4(b, 12, 13, 14, 15));
    } else if (zero80 && b[10] == 0 && b[11] == 0) {
      boolean unspecOrLoop = allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1);
      if (!unspecOrLoop) {
        out.add(v4(b, 12, 13, 14, 15));
      }
    }
    int w0 = word(b, 0);
    int w1 = word(b, 2);
    if (w0 == 0x0064 && w1 == 0xff9b && allZero(b, 4, 12)) {
      out.add(v4(b, 12, 13, 14, 15));
    }
    if (w0 == 0x0064 && w1 == 0xff9b && word(b, 4) == 0x0001) {
      // RFC 6052 /48: the IPv4 address straddles the reserved u octet (bits 64..71).
      out.add(v4(b, 6, 7, 9, 10));
    }
    if (w0 == 0x2002) {
      out.add(v4(b, 2, 3, 4, 5));
    }
    if (w0 == 0x2001 && w1 == 0x0000) {
      out.add(v4(b, 4, 5, 6, 7));
      out.add(byAddress(new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]}));
    }
    int w4 = word(b, 8);
    int w5 = word(b, 10);
    if ((w4 == 0x0000 || w4 == 0x0200) && w5 == 0x5efe) {
      out.add(v4(b, 12, 13, 14, 15));
    }
    return out;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int word(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  private static InetAddress v4(byte[] b, int i, int j, int k, int l) {
    return byAddress(new byte[] {b[i], b[j], b[k], b[l]});
  }

  /** Dotted quad for IPv4 (also for IPv4-mapped IPv6), RFC 5952 for IPv6. */
  /** Canonical text (dotted quad, RFC 5952), the same the observable normalizer produces. */
  public static String format(InetAddress a) {
    return IpNetwork.canonicalAddress(a.getAddress());
  }

  static InetAddress byAddress(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean isIpv6(InetAddress a) {
    return a instanceof Inet6Address;
  }

  public static boolean isIpv4(InetAddress a) {
    return a instanceof Inet4Address;
  }
}
