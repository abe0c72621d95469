package org.signalbox.edge.sanitize;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.signalbox.edge.anonymize.IpAddresses;

/**
 * Finds personal data in free text and replaces it: e-mail addresses, card numbers (13-19 digits
 * passing the Luhn check, so order numbers and timestamps survive), phone numbers (international
 * {@code +} form, North American, and Japanese domestic forms such as {@code 03-1234-5678}, {@code
 * 090-1234-5678}, {@code 0120-123-456}, also written in full-width digits), IP addresses (in every
 * literal form a resolver accepts: {@code 010.001.002.003}, {@code 0x0a.0x01.0x02.0x03}, {@code
 * 167772161}, IPv6 with an embedded IPv4), and internal host names.
 *
 * <p>The text is folded first ({@link Folding}: NFKC, default-ignorable code points removed,
 * ideographic full stops as '.'), and the folded text is what is scanned and returned, so a name
 * hidden by a soft hyphen or full-width letters is found and cannot reappear later.
 *
 * <p>These patterns are ours, fixed and linear in practice (possessive quantifiers, bounded
 * repetition); untrusted patterns from feeds never get here.
 */
public final class PiiRedactor {
  /** Kinds of personal data found, reported as transformations. */
  public enum Found {
    EMAIL,
    CARD,
    PHONE,
    IP,
    HOST
  }

  /** Single-label domains too: {@code alice@fileserver} names a person and an internal host. */
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]{1,64}+@[A-Za-z0-9-]{1,63}+(?:\\.[A-Za-z0-9-]{1,63}+)*+");

  private static final String INET_PART = "(?:0[xX][0-9A-Fa-f]{1,8}+|[0-9]{1,12}+)";

  /** Four parts, each decimal, octal or hex: 10.1.2.3, 010.001.002.003, 0x0a.0x01.0x02.0x03. */
  private static final Pattern IPV4 =
      Pattern.compile("(?<![0-9.])(?:" + INET_PART + "\\.){3}" + INET_PART + "(?![0-9]|\\.[0-9])");

  /** One to three parts (167772161, 10.66051, 0x0a.1.515): addresses only when internal. */
  private static final Pattern IPV4_SHORT =
      Pattern.compile(
          "(?<![0-9A-Za-z.])(?:"
              + INET_PART
              + "\\.){0,2}"
              + INET_PART
              + "(?![0-9A-Za-z]|\\.[0-9A-Za-z])");

  /** The host of a URL written in text; there every literal form is an address. */
  private static final Pattern URL_HOST =
      Pattern.compile(
          "(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,15}+://(?:[^\\s/?#@\\[\\]]{0,256}+@)?"
              + "([0-9][0-9A-Za-z.]{0,63}+)(?=[/?#:\\s]|$)");

  // The dotted tail is tried first, so ::ffff:10.1.2.3 is one literal, not "::ffff:10" and text.
  private static final Pattern IPV6 =
      Pattern.compile(
          "(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:[0-9]{1,3}\\.){3}[0-9]{1,3}|[0-9A-Fa-f]{1,4})?(?![0-9A-Za-z:]|\\.[0-9])");
  private static final Pattern CARD =
      Pattern.compile("(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])");
  private static final Pattern PHONE =
      Pattern.compile(
          "(?<![0-9A-Za-z])(?:"
              // international: +81 3-1234-5678, +1 (415) 555-0100, +44 20 7946 0958
              + "\\+[0-9]{1,3}(?:[ .-]?\\(?[0-9]{1,4}\\)?){2,5}"
              // Japanese domestic: 03-1234-5678, 090-1234-5678, 0120-123-456, (03)1234-5678
              + "|0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}"
              + "|\\(0[0-9]{1,4}\\)[0-9]{1,4}-[0-9]{4}"
              // North American: (415) 555-0100, 415-555-0100, 415.555.0100
              + "|\\(?[0-9]{3}\\)?[ .-][0-9]{3}[ .-][0-9]{4}"
              + ")(?![0-9])");
  // Also after '@': with e-mail redaction off, the domain of an address is still a host name.
  private static final Pattern DOTTED_NAME =
      Pattern.compile(
          "(?<![A-Za-z0-9.-])[A-Za-z0-9][A-Za-z0-9-]{0,62}+(?:\\.[A-Za-z0-9][A-Za-z0-9-]{0,62}+)++");

  private final SanitizationPolicy.Pii pii;
  private final IpReplacement ipReplacement;
  private final UnaryOperator<String> hostReplacement;

  /** Replacement for an address literal; {@code strong} for full literals, see the patterns. */
  @FunctionalInterface
  public interface IpReplacement {
    /** The replacement, or null to leave the literal as it is. */
    String replace(String literal, boolean strong);
  }

  /**
   * @param ipReplacement maps an address literal to its replacement
   * @param hostReplacement maps a host name to its pseudonym, or returns null if it is not internal
   */
  public PiiRedactor(
      SanitizationPolicy.Pii pii,
      IpReplacement ipReplacement,
      UnaryOperator<String> hostReplacement) {
    this.pii = pii;
    this.ipReplacement = ipReplacement;
    this.hostReplacement = hostReplacement;
  }

  /** Redacts {@code text}; {@code found} collects what was found. */
  public String redact(String text, Set<Found> found) {
    // Full-width digits and hyphens are common in Japanese text; NFKC makes them ASCII.
    String s = Folding.fold(text);
    if (pii.emails && s.indexOf('@') >= 0) {
      s = replace(EMAIL, s, m -> "[EMAIL]", found, Found.EMAIL);
    }
    if (s.indexOf("://") >= 0) {
      s = replaceUrlHosts(s, found);
    }
    if (s.indexOf(':') >= 0) {
      s =
          replace(
              IPV6,
              s,
              m ->
                  IpAddresses.parse(m) != null && m.indexOf(':') != m.lastIndexOf(':')
                      ? ipReplacement.replace(m, true)
                      : null,
              found,
              Found.IP);
    }
    if (s.indexOf('.') >= 0) {
      s = replace(IPV4, s, m -> ipReplacement.replace(m, true), found, Found.IP);
    }
    if (hasDigit(s)) {
      s =
          replace(
              IPV4_SHORT,
              s,
              m -> weakAddressForm(m) ? ipReplacement.replace(m, false) : null,
              found,
              Found.IP);
    }
    if (pii.cards) {
      s = replace(CARD, s, m -> luhn(m) ? "[CARD]" : null, found, Found.CARD);
    }
    if (pii.phones) {
      s = replace(PHONE, s, m -> digitCount(m) >= 8 ? "[PHONE]" : null, found, Found.PHONE);
    }
    if (s.indexOf('.') >= 0) {
      s = replace(DOTTED_NAME, s, hostReplacement, found, Found.HOST);
    }
    return s;
  }

  /** True when {@link #redact} finds something in {@code text} (folding alone does not count). */
  public boolean containsPii(String text) {
    EnumSet<Found> found = EnumSet.noneOf(Found.class);
    redact(text, found);
    return !found.isEmpty();
  }

  /**
   * Short inet_aton forms worth a look: hex or zero-led parts, or one integer of eight digits or
   * more. Plain "10.15" or "10.0.19045" stay, since in text they are version numbers far more often
   * than addresses (in host positions the sanitizer reads every form).
   */
  private static boolean weakAddressForm(String m) {
    if (m.indexOf('x') >= 0 || m.indexOf('X') >= 0) {
      return true;
    }
    if (m.indexOf('.') < 0) {
      return m.length() >= 8;
    }
    for (String part : m.split("\\.")) {
      if (part.length() > 1 && part.charAt(0) == '0') {
        return true;
      }
    }
    return false;
  }

  private static boolean hasDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        return true;
      }
    }
    return false;
  }

  private static String replace(
      Pattern p, String s, UnaryOperator<String> replacement, Set<Found> found, Found kind) {
    Matcher m = p.matcher(s);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      String r = replacement.apply(m.group());
      if (r == null || r.equals(m.group())) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length());
      }
      out.append(s, last, m.start()).append(r);
      last = m.end();
      found.add(kind);
    }
    if (out == null) {
      return s;
    }
    return out.append(s, last, s.length()).toString();
  }

  private String replaceUrlHosts(String s, Set<Found> found) {
    Matcher m = URL_HOST.matcher(s);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      String host = m.group(1);
      String r = IpAddresses.readings(host).isEmpty() ? null : ipReplacement.replace(host, true);
      if (r == null || r.equals(host)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length());
      }
      out.append(s, last, m.start(1)).append(r);
      last = m.end(1);
      found.add(Found.IP);
    }
    return out == null ? s : out.append(s, last, s.length()).toString();
  }

  private static int digitCount(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        n++;
      }
    }
    return n;
  }

  static boolean luhn(String number) {
    int sum = 0;
    int digits = 0;
    boolean dbl = false;
    for (int i = number.length() - 1; i >= 0; i--) {
      char c = number.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
      digits++;
    }
    return digits >= 13 && digits <= 19 && sum % 10 == 0;
  }
}
