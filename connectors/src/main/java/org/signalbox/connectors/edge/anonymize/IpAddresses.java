package org.signalbox.connectors.edge.anonymize;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.signalbox.observable.IpNetwork;

/**
 * IP literals without name resolution. {@link InetAddress#getByName} would query DNS for anything
 * that is not a literal, which an edge parsing hostile logs must never do.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /** The address for an IPv4 or IPv6 literal (zone ids and brackets accepted), or null. */
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
    byte[] v4 = parseIpv4(s);
    if (v4 != null) {
      return byAddress(v4);
    }
    if (s.indexOf(':') < 0) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      // Only hex digits, colons and dots reach here, so this cannot trigger a DNS lookup.
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Strict dotted quad (no leading zeros beyond "0", four parts), or null. */
  public static byte[] parseIpv4(String s) {
    int len = s.length();
    if (len < 7 || len > 15) {
      return null;
    }
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= len; i++) {
      char c = i < len ? s.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || part > 3) {
          return null;
        }
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null;
        }
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
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
