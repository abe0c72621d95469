package org.signalbox.connectors.edge.sanitize;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Removes from URLs what identifies people or sessions: user info always, query parameters the
 * policy names (or the whole query), and the fragment. The host is handed to the caller to
 * anonymize or pseudonymize.
 */
final class UrlScrubber {
  /** A URL taken apart; the host is still raw. */
  record Parts(String scheme, String host, String port, String pathQueryFragment) {}

  private final Set<String> dropParams = new HashSet<>();
  private final boolean dropAll;
  private final boolean dropFragments;

  UrlScrubber(SanitizationPolicy.Urls policy) {
    for (String p : policy.dropQueryParameters) {
      dropParams.add(p.toLowerCase(Locale.ROOT));
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
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
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
          String name = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
          if (dropParams.contains(name) || dropParams.contains(percentDecodeLoosely(name))) {
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

  private static String percentDecodeLoosely(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    try {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8)
          .toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
