package org.signalbox.connectors.edge.sanitize;

import java.text.Normalizer;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.signalbox.connectors.edge.anonymize.IpAddresses;

/**
 * Finds personal data in free text and replaces it: e-mail addresses, card numbers (13-19 digits
 * passing the Luhn check, so order numbers and timestamps survive), phone numbers (international
 * {@code +} form, North American, and Japanese domestic forms such as {@code 03-1234-5678}, {@code
 * 090-1234-5678}, {@code 0120-123-456}, also written in full-width digits), IP addresses, and
 * internal host names.
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

  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]{1,64}+@[A-Za-z0-9-]{1,63}+(?:\\.[A-Za-z0-9-]{1,63}+)++");
  private static final Pattern IPV4 =
      Pattern.compile("(?<![0-9.])(?:[0-9]{1,3}\\.){3}[0-9]{1,3}(?![0-9]|\\.[0-9])");
  private static final Pattern IPV6 =
      Pattern.compile(
          "(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:[0-9]{1,3}\\.){3}[0-9]{1,3})?(?![0-9A-Za-z:])");
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
  private static final Pattern DOTTED_NAME =
      Pattern.compile(
          "(?<![A-Za-z0-9.@-])[A-Za-z0-9][A-Za-z0-9-]{0,62}+(?:\\.[A-Za-z0-9][A-Za-z0-9-]{0,62}+)++");

  private final SanitizationPolicy.Pii pii;
  private final UnaryOperator<String> ipReplacement;
  private final UnaryOperator<String> hostReplacement;

  /**
   * @param ipReplacement maps an address literal to its replacement
   * @param hostReplacement maps a host name to its pseudonym, or returns null if it is not internal
   */
  public PiiRedactor(
      SanitizationPolicy.Pii pii,
      UnaryOperator<String> ipReplacement,
      UnaryOperator<String> hostReplacement) {
    this.pii = pii;
    this.ipReplacement = ipReplacement;
    this.hostReplacement = hostReplacement;
  }

  /** Redacts {@code text}; {@code found} collects what was found. */
  public String redact(String text, Set<Found> found) {
    String s = text;
    if (hasFullWidth(s)) {
      // Full-width digits and hyphens are common in Japanese text; NFKC makes them ASCII.
      s = Normalizer.normalize(s, Normalizer.Form.NFKC);
    }
    if (pii.emails && s.indexOf('@') >= 0) {
      s = replace(EMAIL, s, m -> "[EMAIL]", found, Found.EMAIL);
    }
    if (s.indexOf(':') >= 0) {
      s =
          replace(
              IPV6,
              s,
              m ->
                  IpAddresses.parse(m) != null && m.indexOf(':') != m.lastIndexOf(':')
                      ? ipReplacement.apply(m)
                      : null,
              found,
              Found.IP);
    }
    if (s.indexOf('.') >= 0) {
      s =
          replace(
              IPV4,
              s,
              m -> IpAddresses.parseIpv4(m) != null ? ipReplacement.apply(m) : null,
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

  /** True when {@link #redact} would change {@code text}. */
  public boolean containsPii(String text) {
    EnumSet<Found> found = EnumSet.noneOf(Found.class);
    return !redact(text, found).equals(text) || !found.isEmpty();
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

  private static boolean hasFullWidth(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '\uFF01' && c <= '\uFF5E') {
        return true;
      }
    }
    return false;
  }
}
