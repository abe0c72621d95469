package org.signalbox.observable;

/**
 * Parsing and printing of IP address literals without any name resolution: {@code
 * InetAddress.getByName} would send a non-literal to DNS, which turns every malformed observable
 * into a lookup (slow, and a leak of telemetry to the resolver).
 *
 * <p>The one strict IP parser of the project: the observable normalizer and the edge's sanitizer
 * ({@code IpAddresses}) both read literals through it, so they cannot disagree on what is an
 * address.
 */
public final class IpLiterals {
  private IpLiterals() {}

  /** True if {@code s} consists only of digits and dots and has a dot: meant as an IPv4. */
  static boolean looksLikeIpv4(String s) {
    boolean dot = false;
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        dot = true;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dot;
  }

  /**
   * True if {@code s} is meant as an IPv6 literal: at least two colons and otherwise only hex
   * digits, dots, an optional zone suffix after '%' and optional surrounding brackets.
   */
  static boolean looksLikeIpv6(String s) {
    String t = stripBrackets(s);
    int zone = t.indexOf('%');
    if (zone >= 0) {
      t = t.substring(0, zone);
    }
    int colons = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == ':') {
        colons++;
      } else if (c != '.' && !isHex(c)) {
        return false;
      }
    }
    return colons >= 2;
  }

  static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  static String stripBrackets(String s) {
    if (s.length() >= 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  /** Parses a strict dotted quad: four decimal octets 0..255 without leading zeros. */
  public static byte[] parseIpv4(String s) throws InvalidObservableException {
    byte[] out = new byte[4];
    int octet = 0;
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == '.') {
        int v = parseOctet(s, start, i);
        if (octet == 4) {
          throw invalid(s, "has more than four octets");
        }
        out[octet++] = (byte) v;
        start = i + 1;
      }
    }
    if (octet != 4) {
      throw invalid(s, "has " + octet + " octet" + (octet == 1 ? "" : "s") + ", expected four");
    }
    return out;
  }

  private static int parseOctet(String s, int from, int to) throws InvalidObservableException {
    if (from == to) {
      throw invalid(s, "has an empty octet at position " + from);
    }
    String octet = s.substring(from, to);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw invalid(s, "has invalid character '" + c + "' at position " + i);
      }
    }
    if (to - from > 3) {
      throw invalid(s, "octet '" + Messages.shorten(octet) + "' is longer than three digits");
    }
    int v = Integer.parseInt(octet);
    if (to - from > 1 && s.charAt(from) == '0') {
      // 010 is 8 to inet_aton and 10 to most other parsers: refuse to guess which was meant.
      throw invalid(
          s, "octet '" + octet + "' has a leading zero (ambiguous: some parsers read it as octal)");
    }
    if (v > 255) {
      throw invalid(s, "octet " + v + " is greater than 255");
    }
    return v;
  }

  private static InvalidObservableException invalid(String s, String what) {
    return new InvalidObservableException("IPv4 address " + Messages.quote(s) + " " + what);
  }

  /**
   * Parses an IPv6 literal (RFC 4291 text forms, including an embedded dotted quad in the last 32
   * bits), optionally in brackets. Zone ids are refused: they are local to one host and mean
   * nothing in shared intelligence.
   */
  public static byte[] parseIpv6(String raw) throws InvalidObservableException {
    String s = stripBrackets(raw);
    if (s.indexOf('%') >= 0) {
      throw invalid6(raw, "has a zone id ('%...'); zone ids are local to one host, remove it");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ':' && c != '.' && !isHex(c)) {
        throw invalid6(raw, "has invalid character '" + c + "' at position " + i);
      }
    }
    if (s.contains(":::")) {
      throw invalid6(raw, "has ':::'");
    }
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      throw invalid6(raw, "has more than one '::'");
    }
    String[] head;
    String[] tail;
    if (gap >= 0) {
      head = groups(raw, s.substring(0, gap));
      tail = groups(raw, s.substring(gap + 2));
    } else {
      head = groups(raw, s);
      tail = new String[0];
    }
    int[] headWords = words(raw, head, gap < 0);
    int[] tailWords = words(raw, tail, true);
    int count = headWords.length + tailWords.length;
    if (gap < 0 && count != 8) {
      throw invalid6(raw, "has " + count + " groups, expected 8 (or use '::')");
    }
    if (gap >= 0 && count > 7) {
      throw invalid6(raw, "has " + count + " groups besides '::', at most 7 allowed");
    }
    int[] all = new int[8];
    System.arraycopy(headWords, 0, all, 0, headWords.length);
    System.arraycopy(tailWords, 0, all, 8 - tailWords.length, tailWords.length);
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (all[i] >>> 8);
      out[2 * i + 1] = (byte) all[i];
    }
    return out;
  }

  private static String[] groups(String raw, String part) throws InvalidObservableException {
    if (part.isEmpty()) {
      return new String[0];
    }
    String[] g = part.split(":", -1);
    for (String x : g) {
      if (x.isEmpty()) {
        throw invalid6(raw, "has an empty group (a single ':' at the start or end, or ':::')");
      }
    }
    return g;
  }

  /** Hex groups to 16-bit words; the last group may be a dotted quad worth two words. */
  private static int[] words(String raw, String[] groups, boolean lastMayBeIpv4)
      throws InvalidObservableException {
    int n = groups.length;
    boolean v4 = n > 0 && groups[n - 1].indexOf('.') >= 0;
    int[] out = new int[v4 ? n + 1 : n];
    for (int i = 0; i < n; i++) {
      String g = groups[i];
      if (g.indexOf('.') >= 0) {
        if (i != n - 1 || !lastMayBeIpv4) {
          throw invalid6(raw, "has a dotted quad '" + g + "' that is not the last 32 bits");
        }
        byte[] q;
        try {
          q = parseIpv4(g);
        } catch (InvalidObservableException e) {
          throw invalid6(raw, "has an invalid embedded IPv4 part: " + e.getMessage());
        }
        out[i] = ((q[0] & 0xff) << 8) | (q[1] & 0xff);
        out[i + 1] = ((q[2] & 0xff) << 8) | (q[3] & 0xff);
      } else {
        if (g.length() > 4) {
          throw invalid6(raw, "group '" + Messages.shorten(g) + "' has more than four hex digits");
        }
        out[i] = Integer.parseInt(g, 16);
      }
    }
    return out;
  }

  private static InvalidObservableException invalid6(String s, String what) {
    return new InvalidObservableException("IPv6 address " + Messages.quote(s) + " " + what);
  }

  /** True for {@code ::ffff:a.b.c.d}, which is an IPv4 host seen through a dual-stack socket. */
  static boolean isIpv4Mapped(byte[] v6) {
    for (int i = 0; i < 10; i++) {
      if (v6[i] != 0) {
        return false;
      }
    }
    return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
  }

  static byte[] mappedIpv4(byte[] v6) {
    return new byte[] {v6[12], v6[13], v6[14], v6[15]};
  }

  static String formatIpv4(byte[] a) {
    return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
  }

  /** RFC 5952: lowercase, no leading zeros, the first longest run of two or more zeros as '::'. */
  static String formatIpv6(byte[] a) {
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is never compressed (RFC 5952 4.2.2)
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }

  /**
   * Parses any IP literal into 4 or 16 bytes; an IPv4-mapped IPv6 address comes back as its 4 IPv4
   * bytes, so that both spellings of one host are the same key.
   */
  static byte[] parseAny(String s) throws InvalidObservableException {
    if (s.indexOf(':') >= 0) {
      byte[] v6 = parseIpv6(s);
      return isIpv4Mapped(v6) ? mappedIpv4(v6) : v6;
    }
    return parseIpv4(s);
  }

  static String format(byte[] a) {
    return a.length == 4 ? formatIpv4(a) : formatIpv6(a);
  }
}
