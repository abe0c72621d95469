package org.signalbox.edge.sanitize;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Generates the spellings a resolver, browser or the observable normalizer reads as one name or
 * address: the IDNA/UTS #46 mapping (case, NFKC full-width forms, default-ignorable code points,
 * the full stops U+3002, U+FF0E, U+FF61, trailing dots) and every IPv4 literal form (inet_aton
 * octal/hex/decimal, fewer parts, IPv6 forms that embed the address). Systematic, not a list.
 */
final class Spellings {
  private Spellings() {}

  static final List<String> IGNORABLES =
      List.of("\u00AD", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF");
  static final List<String> FULL_STOPS = List.of("\u3002", "\uFF0E", "\uFF61");

  /** Spellings of {@code name} (canonical, lowercase ASCII). */
  static Set<String> ofName(String name) {
    Set<String> out = new LinkedHashSet<>();
    out.add(name);
    out.add(name.toUpperCase(Locale.ROOT));
    out.add(alternateCase(name));
    for (String tail : List.of(".", "..", "...")) {
      out.add(name + tail);
    }
    for (String stop : FULL_STOPS) {
      out.add(name + stop);
      out.add(name + "." + stop);
      out.add(name.replace(".", stop));
      // one separator at a time
      for (int i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) {
        out.add(name.substring(0, i) + stop + name.substring(i + 1));
      }
    }
    out.add(fullWidth(name));
    out.add(fullWidth(name) + "\uFF0E");
    String[] labels = name.split("\\.");
    for (int l = 0; l < labels.length; l++) {
      String[] copy = labels.clone();
      copy[l] = fullWidth(copy[l]);
      out.add(String.join(".", copy));
      copy[l] = fullWidth(labels[l].toUpperCase(Locale.ROOT));
      out.add(String.join(".", copy));
    }
    // Every ignorable at every position: before, inside and after each label, and after the name.
    for (String ig : IGNORABLES) {
      for (int i = 0; i <= name.length(); i++) {
        out.add(name.substring(0, i) + ig + name.substring(i));
      }
      out.add(name + "." + ig);
      out.add(name.replace(".", ig + "."));
    }
    // Combinations.
    out.add(fullWidth(name).toUpperCase(Locale.ROOT) + "\u3002");
    out.add(name.replace(".", "\u00AD\uFF0E\u200B") + "..");
    return out;
  }

  /** Spellings of the IPv4 address {@code a.b.c.d} in every literal form, IPv6 embeddings too. */
  static Set<String> ofIpv4(int a, int b, int c, int d, boolean withIpv6) {
    Set<String> out = new LinkedHashSet<>();
    int[] p = {a, b, c, d};
    long v = ((long) a << 24) | (b << 16) | (c << 8) | d;
    // Four parts, each in decimal, zero-padded decimal (read as decimal by some parsers), octal
    // and hex, in every combination (4^4).
    for (int mask = 0; mask < 256; mask++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        int form = (mask >> (2 * i)) & 3;
        sb.append(i > 0 ? "." : "")
            .append(
                switch (form) {
                  case 0 -> Integer.toString(p[i]);
                  case 1 -> String.format("%03d", p[i]);
                  case 2 -> "0" + Integer.toOctalString(p[i]);
                  default -> "0x" + String.format("%02x", p[i]);
                });
      }
      out.add(sb.toString());
    }
    out.add(String.format("0X%02X.0X%02X.0X%02X.0X%02X", a, b, c, d));
    // Fewer parts: the last fills the rest.
    long last16 = ((long) c << 8) | d;
    long last24 = ((long) b << 16) | last16;
    out.add(a + "." + b + "." + last16);
    out.add(a + "." + last24);
    out.add(Long.toString(v));
    out.add("0x" + Long.toHexString(v));
    out.add("0" + Long.toOctalString(v));
    out.add("0x" + Integer.toHexString(a) + "." + b + "." + "0x" + Long.toHexString(last16));
    out.add("0" + Integer.toOctalString(a) + "." + last24);
    out.add(a + "." + b + "." + c + "." + d + ".");
    if (withIpv6) {
      String hi = Integer.toHexString((a << 8) | b);
      String lo = Integer.toHexString((c << 8) | d);
      String dotted = a + "." + b + "." + c + "." + d;
      String inv =
          Integer.toHexString(~((a << 8) | b) & 0xffff)
              + ":"
              + Integer.toHexString(~((c << 8) | d) & 0xffff);
      for (String s :
          List.of(
              "::ffff:" + dotted,
              "::ffff:" + hi + ":" + lo,
              "0:0:0:0:0:ffff:" + hi + ":" + lo,
              "::" + dotted,
              "::" + hi + ":" + lo,
              "64:ff9b::" + dotted,
              "64:ff9b::" + hi + ":" + lo,
              "2002:" + hi + ":" + lo + "::1",
              "2002:" + hi + ":" + lo + ":1::2",
              "2001:0:4136:e378:8000:63bf:" + inv,
              "2001:db8::5efe:" + hi + ":" + lo)) {
        out.add(s);
        out.add(s.toUpperCase(Locale.ROOT));
      }
    }
    return out;
  }

  static String fullWidth(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      sb.append(ch >= '!' && ch <= '~' && ch != '.' ? (char) (ch - '!' + '\uFF01') : ch);
    }
    return sb.toString();
  }

  private static String alternateCase(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      sb.append(i % 2 == 0 ? Character.toUpperCase(ch) : ch);
    }
    return sb.toString();
  }

  /** What a reader of the output would see after the same mapping: for leak checks. */
  static String folded(String s) {
    String n = Normalizer.normalize(s, Normalizer.Form.NFKC);
    StringBuilder sb = new StringBuilder(n.length());
    for (int i = 0; i < n.length(); i++) {
      char ch = n.charAt(i);
      if (Character.getType(ch) == Character.FORMAT) {
        continue;
      }
      sb.append(ch == '\u3002' || ch == '\uFF0E' || ch == '\uFF61' ? '.' : ch);
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  static List<String> list(Set<String> s) {
    return new ArrayList<>(s);
  }
}
