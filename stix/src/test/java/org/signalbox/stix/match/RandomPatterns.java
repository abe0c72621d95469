package org.signalbox.stix.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.Literal;
import org.signalbox.stix.pattern.StixPattern;

/**
 * Random STIX patterns and random events over small shared value pools, so that patterns and events
 * collide often: equalities, IN, LIKE (literal, suffix, prefix, single-character), MATCHES, CIDR
 * (ISSUBSET and '='), {@code !=}, NOT, EXISTS, nested AND/OR, over eleven object paths; constants
 * are sometimes written in a non-canonical spelling or invalid.
 */
final class RandomPatterns {
  private final Random r;

  RandomPatterns(long seed) {
    this.r = new Random(seed);
  }

  private static final String[] IPV4 = {
    "10.0.0.1",
    "10.0.0.2",
    "10.0.1.7",
    "10.0.1.200",
    "10.0.2.5",
    "10.0.2.6",
    "192.0.2.1",
    "198.51.100.7"
  };
  private static final String[] IPV4_NETS = {
    "10.0.0.0/8",
    "10.0.1.0/24",
    "10.0.2.4/30",
    "10.0.0.0/16",
    "192.0.2.0/24",
    "198.51.100.7/32",
    "10.0.1.128/25",
    "::ffff:10.0.2.0/120"
  };
  private static final String[] IPV6 = {"2001:db8::1", "2001:db8::2", "2001:db8:1::5", "fe80::1"};
  private static final String[] IPV6_NETS = {"2001:db8::/32", "2001:db8:1::/48", "fe80::/10"};
  private static final String[] DOMAINS = {
    "a.example",
    "b.a.example",
    "example",
    "evil.test",
    "x.evil.test",
    "cdn.y.evil.test",
    "other.org"
  };
  private static final String[] URLS = {
    "http://a.example/p1", "http://a.example/p2", "https://evil.test/login", "http://other.org/"
  };
  private static final String[] EMAILS = {"u1@a.example", "u2@evil.test", "root@other.org"};
  private static final String[] SHA256 = {
    "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c",
    "0000000000000000000000000000000000000000000000000000000000000001"
  };
  private static final String[] MD5 = {
    "d41d8cd98f00b204e9800998ecf8427e", "0123456789abcdef0123456789abcdef"
  };
  private static final String[] USER_AGENTS = {"Mozilla/5.0", "curl/8.0", "python-requests/2.31"};
  private static final String[] FILE_NAMES = {"a.exe", "b.dll", "report.pdf.exe"};

  private record Path(String text, ObservableType type, String[] values, String[] nets) {}

  private static final Path[] PATHS = {
    new Path("ipv4-addr:value", ObservableType.IPV4, IPV4, IPV4_NETS),
    new Path("ipv6-addr:value", ObservableType.IPV6, IPV6, IPV6_NETS),
    new Path("domain-name:value", ObservableType.DOMAIN, DOMAINS, null),
    new Path("url:value", ObservableType.URL, URLS, null),
    new Path("email-addr:value", ObservableType.EMAIL, EMAILS, null),
    new Path("email-message:from_ref.value", ObservableType.EMAIL, EMAILS, null),
    new Path("file:hashes.'SHA-256'", ObservableType.SHA256, SHA256, null),
    new Path("artifact:hashes.'SHA-256'", ObservableType.SHA256, SHA256, null),
    new Path("file:hashes.MD5", ObservableType.MD5, MD5, null),
    new Path("file:name", ObservableType.FILE_NAME, FILE_NAMES, null),
    new Path(
        "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'",
        ObservableType.USER_AGENT,
        USER_AGENTS,
        null),
  };

  /** A random single-observation pattern the matcher can run. */
  StixPattern pattern() {
    while (true) {
      String text = "[" + expression(0) + "]";
      try {
        StixPattern p = StixPattern.parse(text);
        PatternMatcher.compile(p);
        return p;
      } catch (Exception e) {
        // e.g. a MATCHES the linear-time engine refuses: draw again
      }
    }
  }

  private String expression(int depth) {
    int k = depth >= 2 ? 0 : r.nextInt(10);
    if (k < 6) {
      return comparison();
    }
    int n = 2 + r.nextInt(3);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add("(" + expression(depth + 1) + ")");
    }
    return String.join(k < 8 ? " OR " : " AND ", parts);
  }

  private String comparison() {
    Path p = PATHS[r.nextInt(PATHS.length)];
    String v = pick(p.values);
    String not = r.nextInt(8) == 0 ? "NOT " : "";
    switch (r.nextInt(p.nets != null ? 11 : 9)) {
      case 0:
      case 1:
        return p.text + " " + not + "= " + quote(spell(p.type, v));
      case 2:
        return p.text + " " + not + "!= " + quote(spell(p.type, v));
      case 3:
        {
          List<String> set = new ArrayList<>();
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            set.add(quote(spell(p.type, pick(p.values))));
          }
          if (r.nextInt(4) == 0) {
            set.add(quote("not valid"));
          }
          return p.text + " " + not + "IN (" + String.join(", ", set) + ")";
        }
      case 4:
      case 5:
        return p.text + " " + not + "LIKE " + quote(like(v));
      case 6:
        return p.text + " " + not + "MATCHES " + quote(regex(v));
      case 7:
        return "EXISTS " + p.text;
      case 8:
        return p.text + " " + not + "= " + quote("not valid " + r.nextInt(3));
      default:
        return p.text + " " + not + (r.nextBoolean() ? "ISSUBSET " : "= ") + quote(pick(p.nets));
    }
  }

  /** A pool value as a feed might write it: canonical, upper case, with blanks, or expanded. */
  private String spell(ObservableType type, String v) {
    switch (r.nextInt(4)) {
      case 0:
        return type == ObservableType.IPV6 ? v.replace("::", ":0:0:0:0:0:") : v;
      case 1:
        return type == ObservableType.DOMAIN
                || type == ObservableType.SHA256
                || type == ObservableType.MD5
            ? v.toUpperCase(Locale.ROOT)
            : v;
      default:
        return v;
    }
  }

  private String like(String v) {
    switch (r.nextInt(6)) {
      case 0:
        return v;
      case 1:
        {
          int dot = v.indexOf('.');
          return dot >= 0 ? "%" + v.substring(dot) : "%" + v;
        }
      case 2:
        return v.substring(0, Math.max(1, v.length() / 2)) + "%";
      case 3:
        return "_" + v.substring(1);
      case 4:
        return "%" + v.substring(v.length() / 2, v.length() - 1) + "%";
      default:
        return v.toUpperCase(Locale.ROOT);
    }
  }

  private String regex(String v) {
    String escaped = v.replace(".", "\\.").replace("/", "\\/");
    switch (r.nextInt(5)) {
      case 0:
        return "^" + escaped + "$";
      case 1:
        return escaped.substring(0, Math.max(1, escaped.length() / 2));
      case 2:
        return "(?i)" + v.substring(v.length() / 2).toUpperCase(Locale.ROOT).replace(".", "\\.");
      case 3:
        return "[0-9a-f]{4}";
      default:
        return "^(a|b|x)\\.";
    }
  }

  /** One to five observables from the pools (canonical values), some of types no path names. */
  List<Observable> event() {
    List<Observable> out = new ArrayList<>();
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(PATHS.length + 1);
      if (k == PATHS.length) {
        out.add(obs(r.nextBoolean() ? ObservableType.JA3 : ObservableType.OTHER, "x" + i));
        continue;
      }
      Path p = PATHS[k];
      String v = pick(p.values);
      if (p.type == ObservableType.IPV4 && r.nextInt(3) == 0) {
        v = "10.0." + r.nextInt(4) + "." + r.nextInt(256);
      }
      out.add(obs(p.type, canonical(p.type, v)));
    }
    return out;
  }

  private static String canonical(ObservableType t, String v) {
    try {
      return ObservableNormalizer.normalize(t, v).value();
    } catch (InvalidObservableException e) {
      throw new IllegalStateException("pool value " + v + " is not a valid " + t, e);
    }
  }

  static Observable obs(ObservableType t, String v) {
    return Observable.newBuilder().setType(t).setValue(v).setRole(ObservableRole.OTHER).build();
  }

  private String pick(String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static String quote(String s) {
    return new Literal.StringValue(s).toString();
  }
}
