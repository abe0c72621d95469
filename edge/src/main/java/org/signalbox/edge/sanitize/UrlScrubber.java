package org.signalbox.edge.sanitize;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes from URLs what identifies people or sessions: user info always, query parameters that
 * carry credentials or identifiers (or the whole query), and the fragment. The host is handed to
 * the caller to anonymize or pseudonymize.
 *
 * <p>Parameter names are compared after percent-decoding, folding, lower-casing and removing the
 * separators {@code _ - . [ ]} and spaces, so {@code user_name}, {@code User-Name} and {@code
 * user%5Fname} are one name. A name is dropped when the policy lists it or when it matches the
 * built-in credential and identifier patterns ({@link #CREDENTIAL_PARTS}, {@link
 * #CREDENTIAL_NAMES}), which a policy can add to but not switch off.
 */
final class UrlScrubber {
  /** A URL taken apart; the host is still raw. */
  record Parts(String scheme, String host, String port, String pathQueryFragment) {}

  /** A normalized name containing one of these carries a credential or names a person. */
  static final List<String> CREDENTIAL_PARTS =
      List.of(
          "pass",
          "pwd",
          "pswd",
          "user",
          "usr",
          "login",
          "logon",
          "token",
          "secret",
          "key",
          "auth",
          "session",
          "sess",
          "email",
          "mail",
          "account",
          "acct",
          "cred",
          "cookie",
          "jwt",
          "bearer",
          "signature",
          "phone",
          "mobile",
          "msisdn",
          "ssn",
          "passport",
          "nonce",
          "otp",
          "ticket",
          "saml",
          "oauth",
          "cert");

  /**
   * Short names that are identifiers on their own but too common inside other words. A bare {@code
   * id} is not here: it names the resource far more often than a person.
   */
  static final Set<String> CREDENTIAL_NAMES =
      Set.of(
          "sid",
          "uid",
          "guid",
          "code",
          "state",
          "sig",
          "pin",
          "tel",
          "name",
          "firstname",
          "lastname",
          "fullname",
          "surname",
          "dob",
          "member",
          "customer",
          "clientid",
          "uname",
          "nick",
          "nickname",
          "u",
          "p",
          "pw",
          "tan",
          "iban",
          "card",
          "cc",
          "cvv");

  private final Set<String> dropParams = new HashSet<>();
  private final boolean dropAll;
  private final boolean dropFragments;

  UrlScrubber(SanitizationPolicy.Urls policy) {
    for (String p : policy.dropQueryParameters) {
      dropParams.add(normalizeName(p));
    }
    this.dropAll = policy.dropAllQueries;
    this.dropFragments = policy.dropFragments;
  }

  /**
   * @return the parts, or null when {@code url} is not an absolute URL with a host
   */
  static Parts split(String url) {
    int colon = url.indexOf("://");
    if (colon <= 0 || colon > 16) {
      return null;
    }
    String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
    for (int i = 0; i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
        return null;
      }
    }
    int start = colon + 3;
    int end = start;
    // Browsers end the authority of web URLs at a backslash too, as the normalizer does.
    String ends =
        scheme.startsWith("http") || scheme.startsWith("ws") || scheme.equals("ftp")
            ? "/?#\\"
            : "/?#";
    while (end < url.length() && ends.indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    String host = authority;
    String port = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = authority.substring(1, close);
      if (close + 1 < authority.length() && authority.charAt(close + 1) == ':') {
        port = authority.substring(close + 2);
      }
    } else {
      int pc = authority.lastIndexOf(':');
      if (pc >= 0) {
        host = authority.substring(0, pc);
        port = authority.substring(pc + 1);
      }
    }
    if (host.isEmpty()) {
      return null;
    }
    return new Parts(scheme, host, port, url.substring(end));
  }

  /** Path, kept query parameters and (unless dropped) fragment; {@code dropped} counts removals. */
  String scrubPathQueryFragment(String rest, int[] dropped) {
    String fragment = null;
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      fragment = rest.substring(hash + 1);
      rest = rest.substring(0, hash);
    }
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    StringBuilder out = new StringBuilder(rest);
    if (query != null) {
      if (dropAll) {
        dropped[0]++;
      } else {
        StringBuilder kept = new StringBuilder();
        for (String pair : query.split("&", -1)) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          if (dropsParameter(eq < 0 ? pair : pair.substring(0, eq))) {
            dropped[0]++;
            continue;
          }
          if (kept.length() > 0) {
            kept.append('&');
          }
          kept.append(pair);
        }
        if (kept.length() > 0) {
          out.append('?').append(kept);
        }
      }
    }
    if (fragment != null) {
      if (dropFragments) {
        dropped[0]++;
      } else {
        out.append('#').append(fragment);
      }
    }
    return out.toString();
  }

  /** True when a query parameter of this (raw) name is removed. */
  boolean dropsParameter(String rawName) {
    String n = normalizeName(rawName);
    if (n.isEmpty() || dropParams.contains(n) || CREDENTIAL_NAMES.contains(n)) {
      return true;
    }
    for (String part : CREDENTIAL_PARTS) {
      if (n.contains(part)) {
        return true;
      }
    }
    for (String suffix : CREDENTIAL_SUFFIXES) {
      if (n.endsWith(suffix)) {
        return true;
      }
    }
    // A short name as one word of a longer one: "x_code", "authState", "my-pin".
    for (String word : Folding.fold(decode(rawName)).split("[_\\-.\\[\\] ]+|(?<=[a-z])(?=[A-Z])")) {
      if (CREDENTIAL_NAMES.contains(word.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Endings that make any name an identifier: {@code xsid}, {@code deviceuid}, {@code userguid}.
   */
  static final List<String> CREDENTIAL_SUFFIXES = List.of("sid", "uid", "ssn");

  /** Decoded, folded, lower-case, without separators: the form names are compared in. */
  static String normalizeName(String raw) {
    String s = Folding.fold(decode(raw)).toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("_-.[] +".indexOf(c) < 0 && !Character.isWhitespace(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Percent-decoding until nothing changes (at most four rounds, as double-encoding is a common
   * evasion), as UTF-8 with malformed bytes replaced; a '%' that starts no escape stays.
   */
  static String decode(String s) {
    String cur = s;
    for (int round = 0; round < 4 && cur.indexOf('%') >= 0; round++) {
      String next = decodeOnce(cur);
      if (next.equals(cur)) {
        break;
      }
      cur = next;
    }
    return cur;
  }

  private static String decodeOnce(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%'
          && i + 2 < s.length()
          && Character.digit(s.charAt(i + 1), 16) >= 0
          && Character.digit(s.charAt(i + 2), 16) >= 0
          && s.charAt(i + 1) < 0x80
          && s.charAt(i + 2) < 0x80) {
        out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Re-encodes decoded (redacted) URL text: unreserved and reserved ASCII stay, '[' and ']' (of the
   * redaction markers) and everything else become UTF-8 percent-escapes.
   */
  static String encode(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean keep =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || "-._~:/?#@!$&'()*+,;=".indexOf(c) >= 0;
      if (keep) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
