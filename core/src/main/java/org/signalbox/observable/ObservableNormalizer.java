package org.signalbox.observable;

import java.net.IDN;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.signalbox.schema.ObservableType;

/**
 * Canonical forms of observable values, shared by the member edge, the importers and the correlate
 * job so that the same thing always has the same bytes.
 *
 * <ul>
 *   <li>DOMAIN: trimmed, lowercase, one trailing dot removed, internationalized names in punycode
 *       ({@link IDN} with unassigned code points allowed and without the STD3 rules, so that {@code
 *       _dmarc.example.org} passes). Labels are 1 to 63 characters of letters, digits, '-' and '_',
 *       the name at most 253. A bare IP address, or a name whose last label is all digits, is
 *       refused. Note that {@link IDN} implements IDNA 2003: {@code ß} maps to {@code ss}, where
 *       IDNA 2008 would keep it.
 *   <li>IPV4: strict dotted quad; octets with a leading zero ({@code 010}) are refused because
 *       parsers disagree whether they are octal. IPV6: RFC 5952 text, zone ids refused, parsed
 *       without any name lookup. An IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) becomes IPV4;
 *       a value typed IPV4 that is an IPv6 literal (or the reverse) is accepted and re-typed.
 *   <li>URL: see {@link #normalizeUrl}.
 *   <li>EMAIL: {@code Display Name <a@b>}, {@code <a@b>} and {@code mailto:} wrappers removed,
 *       exactly one '@', local part lowercased (most mail systems treat it case-insensitively, and
 *       intelligence matching wants the same bytes), domain by the DOMAIN rules.
 *   <li>MD5, SHA1, SHA256, SHA512, JA3 (an MD5): all whitespace removed, lowercase hex of exactly
 *       32, 40, 64, 128, 32 digits.
 *   <li>USER_AGENT, FILE_NAME, OTHER: trimmed only; inner whitespace is part of the value.
 * </ul>
 *
 * Every rejection is an {@link InvalidObservableException} whose message names the type, the
 * offending value (shortened to 100 characters) and what is wrong with it.
 */
public final class ObservableNormalizer {
  private static final int MAX_DOMAIN_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;
  private static final int MAX_EMAIL_LOCAL_LENGTH = 64;
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ObservableNormalizer() {}

  /**
   * Brings {@code raw} into canonical form for {@code type}.
   *
   * @throws InvalidObservableException if the value is not a valid {@code type}
   */
  public static NormalizedObservable normalize(ObservableType type, String raw)
      throws InvalidObservableException {
    if (type == null) {
      throw new InvalidObservableException(
          "observable type is missing for value " + (raw == null ? "null" : Messages.quote(raw)));
    }
    String s = requireText(type, raw);
    switch (type) {
      case IPV4:
      case IPV6:
        return normalizeIp(s);
      case DOMAIN:
        return new NormalizedObservable(ObservableType.DOMAIN, canonicalDomain(s));
      case URL:
        return new NormalizedObservable(ObservableType.URL, normalizeUrl(s));
      case EMAIL:
        return new NormalizedObservable(ObservableType.EMAIL, canonicalEmail(s));
      case MD5:
      case JA3:
        return new NormalizedObservable(type, canonicalHex(type, s, 32));
      case SHA1:
        return new NormalizedObservable(type, canonicalHex(type, s, 40));
      case SHA256:
        return new NormalizedObservable(type, canonicalHex(type, s, 64));
      case SHA512:
        return new NormalizedObservable(type, canonicalHex(type, s, 128));
      case USER_AGENT:
      case FILE_NAME:
      case OTHER:
        return new NormalizedObservable(type, s);
      default:
        throw new InvalidObservableException(
            "observable type " + type + " has no canonical form yet (value " + quote(s) + ")");
    }
  }

  /**
   * Normalizes a value whose type is not known: an IPv4 or IPv6 literal, a URL (it has {@code
   * scheme://}), an e-mail address (it has '@'), an MD5/SHA1/SHA256/SHA512 by its number of hex
   * digits (32 hex digits come back as MD5, never JA3), and otherwise a domain.
   *
   * @throws InvalidObservableException if the value is not valid as the type it looks like
   */
  public static NormalizedObservable normalizeGuessingType(String raw)
      throws InvalidObservableException {
    String s = requireText(null, raw);
    return normalize(guessType(s), s);
  }

  /** The type {@link #normalizeGuessingType} would treat {@code s} (already trimmed) as. */
  static ObservableType guessType(String s) {
    if (schemeEnd(s) > 0) {
      return ObservableType.URL;
    }
    if (IpLiterals.looksLikeIpv4(s)) {
      return ObservableType.IPV4;
    }
    if (IpLiterals.looksLikeIpv6(s)) {
      return ObservableType.IPV6;
    }
    if (s.indexOf('@') >= 0) {
      return ObservableType.EMAIL;
    }
    String hex = stripWhitespace(s);
    if (isAllHex(hex)) {
      switch (hex.length()) {
        case 32:
          return ObservableType.MD5;
        case 40:
          return ObservableType.SHA1;
        case 64:
          return ObservableType.SHA256;
        case 128:
          return ObservableType.SHA512;
        default:
          break;
      }
    }
    return ObservableType.DOMAIN;
  }

  private static String requireText(ObservableType type, String raw)
      throws InvalidObservableException {
    String what = type == null ? "observable" : type.name();
    if (raw == null) {
      throw new InvalidObservableException(what + " value is missing (null)");
    }
    String s = raw.strip();
    if (s.isEmpty()) {
      throw new InvalidObservableException(what + " value is blank: " + quote(raw));
    }
    return s;
  }

  private static String quote(String s) {
    return Messages.quote(s);
  }

  // ---------------------------------------------------------------- IP

  private static NormalizedObservable normalizeIp(String s) throws InvalidObservableException {
    if (s.indexOf(':') >= 0 || (s.startsWith("[") && s.endsWith("]"))) {
      byte[] v6 = IpLiterals.parseIpv6(s);
      if (IpLiterals.isIpv4Mapped(v6)) {
        return new NormalizedObservable(
            ObservableType.IPV4, IpLiterals.formatIpv4(IpLiterals.mappedIpv4(v6)));
      }
      return new NormalizedObservable(ObservableType.IPV6, IpLiterals.formatIpv6(v6));
    }
    return new NormalizedObservable(
        ObservableType.IPV4, IpLiterals.formatIpv4(IpLiterals.parseIpv4(s)));
  }

  // ---------------------------------------------------------------- DOMAIN

  /** Canonical domain name; {@code s} is already trimmed. */
  static String canonicalDomain(String s) throws InvalidObservableException {
    String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    if (name.isEmpty()) {
      throw invalidDomain(s, "has no labels");
    }
    if (IpLiterals.looksLikeIpv4(name) || IpLiterals.looksLikeIpv6(name)) {
      throw invalidDomain(s, "is an IP address, not a domain name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        throw invalidDomain(s, "contains whitespace or a control character at position " + i);
      }
    }
    if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      throw invalidDomain(s, "has an empty label");
    }
    // IDN refuses long labels with a message that does not say which one; all-ASCII labels keep
    // their length through the conversion, so check those here and name them.
    int labelStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i == name.length() || name.charAt(i) == '.') {
        String label = name.substring(labelStart, i);
        if (label.length() > MAX_LABEL_LENGTH && label.chars().allMatch(c -> c < 0x80)) {
          throw labelTooLong(s, label);
        }
        labelStart = i + 1;
      }
    }
    String ascii;
    try {
      // Lowercase first: IDN leaves all-ASCII labels untouched, and nameprep folds the rest.
      ascii = IDN.toASCII(name.toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      String why = e.getMessage();
      if (why != null && why.contains("too long")) {
        throw invalidDomain(
            s, "has a label longer than " + MAX_LABEL_LENGTH + " characters in punycode");
      }
      throw invalidDomain(s, "cannot be converted to punycode: " + why);
    }
    ascii = ascii.toLowerCase(Locale.ROOT);
    if (ascii.endsWith(".")) {
      // IDN maps ideographic full stops to '.', so a trailing '。' shows up only now.
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (ascii.isEmpty()) {
      throw invalidDomain(s, "has no labels");
    }
    if (ascii.length() > MAX_DOMAIN_LENGTH) {
      throw invalidDomain(
          s,
          "is " + ascii.length() + " characters long, at most " + MAX_DOMAIN_LENGTH + " allowed");
    }
    int start = 0;
    String lastLabel = null;
    for (int i = 0; i <= ascii.length(); i++) {
      if (i < ascii.length() && ascii.charAt(i) != '.') {
        char c = ascii.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
          throw invalidDomain(
              s,
              "has invalid character '"
                  + c
                  + "' (only letters, digits, '-' and '_' are allowed in labels)");
        }
        continue;
      }
      int len = i - start;
      if (len == 0) {
        throw invalidDomain(s, "has an empty label");
      }
      if (len > MAX_LABEL_LENGTH) {
        throw labelTooLong(s, ascii.substring(start, i));
      }
      lastLabel = ascii.substring(start, i);
      start = i + 1;
    }
    if (isAllDigits(lastLabel)) {
      throw invalidDomain(
          s, "ends in the all-digit label '" + lastLabel + "' (looks like an IP address)");
    }
    return ascii;
  }

  private static InvalidObservableException labelTooLong(String s, String label) {
    return invalidDomain(
        s,
        "has a label of "
            + label.length()
            + " characters ('"
            + Messages.shorten(label)
            + "'), at most "
            + MAX_LABEL_LENGTH
            + " allowed");
  }

  private static InvalidObservableException invalidDomain(String s, String what) {
    return new InvalidObservableException("domain " + quote(s) + " " + what);
  }

  // ---------------------------------------------------------------- EMAIL

  private static String canonicalEmail(String s) throws InvalidObservableException {
    String addr = s;
    int lt = addr.lastIndexOf('<');
    if (lt >= 0) {
      if (!addr.endsWith(">")) {
        throw invalidEmail(s, "has a '<' without a closing '>' at the end");
      }
      addr = addr.substring(lt + 1, addr.length() - 1).strip();
    } else if (addr.indexOf('>') >= 0) {
      throw invalidEmail(s, "has a '>' without an opening '<'");
    }
    if (addr.regionMatches(true, 0, "mailto:", 0, 7)) {
      addr = addr.substring(7);
    }
    int at = addr.indexOf('@');
    if (at < 0) {
      throw invalidEmail(s, "has no '@'");
    }
    if (addr.indexOf('@', at + 1) >= 0) {
      throw invalidEmail(s, "has more than one '@'");
    }
    String local = addr.substring(0, at);
    String domain = addr.substring(at + 1);
    if (local.isEmpty()) {
      throw invalidEmail(s, "has an empty local part (before '@')");
    }
    if (domain.isEmpty()) {
      throw invalidEmail(s, "has an empty domain (after '@')");
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        throw invalidEmail(s, "has whitespace or a control character in its local part");
      }
    }
    if (local.length() > MAX_EMAIL_LOCAL_LENGTH) {
      throw invalidEmail(
          s,
          "has a local part of "
              + local.length()
              + " characters, at most "
              + MAX_EMAIL_LOCAL_LENGTH
              + " allowed");
    }
    String canonicalDomain;
    try {
      canonicalDomain = canonicalDomain(domain);
    } catch (InvalidObservableException e) {
      throw invalidEmail(s, "has an invalid domain: " + e.getMessage());
    }
    return local.toLowerCase(Locale.ROOT) + "@" + canonicalDomain;
  }

  private static InvalidObservableException invalidEmail(String s, String what) {
    return new InvalidObservableException("e-mail address " + quote(s) + " " + what);
  }

  // ---------------------------------------------------------------- hashes

  private static String canonicalHex(ObservableType type, String s, int digits)
      throws InvalidObservableException {
    String hex = stripWhitespace(s);
    for (int i = 0; i < hex.length(); i++) {
      if (!IpLiterals.isHex(hex.charAt(i))) {
        throw new InvalidObservableException(
            type
                + " "
                + quote(s)
                + " has non-hex character '"
                + hex.charAt(i)
                + "'; expected "
                + digits
                + " hex digits");
      }
    }
    if (hex.length() != digits) {
      throw new InvalidObservableException(
          type
              + " "
              + quote(s)
              + " has "
              + hex.length()
              + " hex digits; expected length "
              + digits);
    }
    return hex.toLowerCase(Locale.ROOT);
  }

  private static String stripWhitespace(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isAllHex(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!IpLiterals.isHex(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAllDigits(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- URL

  /**
   * Canonical URL, following RFC 3986 section 6 where it applies:
   *
   * <ul>
   *   <li>a value without {@code scheme://} is taken as {@code http://} (feeds routinely omit it);
   *       {@code //host/...} likewise;
   *   <li>scheme and host lowercase, the host by the DOMAIN, IPV4 and IPV6 rules (IPv6 in brackets,
   *       an IPv4-mapped one as plain IPv4), percent-encoding in the host decoded;
   *   <li>the default port of http, https, ftp, ws and wss removed, as is an empty port;
   *   <li>for these web schemes a backslash before the query counts as '/', as browsers do (so
   *       {@code http://evil.example\@good.example} is a URL on {@code evil.example});
   *   <li>empty path becomes {@code /}; dot segments removed (RFC 3986 5.2.4);
   *   <li>in user info, path and query: percent-encoded unreserved characters decoded, other
   *       percent-escapes with uppercase hex, raw spaces, non-ASCII (as UTF-8) and other characters
   *       not allowed in a URI percent-encoded, a '%' not starting an escape encoded as {@code
   *       %25}; reserved characters are left as they are;
   *   <li>fragment dropped, an empty query ({@code ?} alone) dropped, an empty user info dropped;
   *       user info is otherwise kept with its case.
   * </ul>
   *
   * Control characters and URLs without a host are refused.
   */
  static String normalizeUrl(String s) throws InvalidObservableException {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw invalidUrl(s, "has a control character at position " + i);
      }
    }
    String url = s;
    int schemeEnd = schemeEnd(url);
    if (schemeEnd < 0) {
      url = url.startsWith("//") ? "http:" + url : "http://" + url;
      schemeEnd = 4;
    }
    String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    boolean web = defaultPort(scheme) > 0;
    String rest = url.substring(schemeEnd + 3);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    int authEnd = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '/' || c == '?' || (web && c == '\\')) {
        authEnd = i;
        break;
      }
    }
    String authority = rest.substring(0, authEnd);
    String pathAndQuery = rest.substring(authEnd);
    int q = pathAndQuery.indexOf('?');
    String path = q >= 0 ? pathAndQuery.substring(0, q) : pathAndQuery;
    String query = q >= 0 ? pathAndQuery.substring(q + 1) : null;
    if (web) {
      path = path.replace('\\', '/');
    }

    String userInfo = null;
    String hostPort = authority;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      userInfo = authority.substring(0, at);
      hostPort = authority.substring(at + 1);
    }
    String host;
    String port = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw invalidUrl(s, "has an IPv6 host without a closing ']'");
      }
      host = hostPort.substring(0, close + 1);
      String after = hostPort.substring(close + 1);
      if (!after.isEmpty()) {
        if (after.charAt(0) != ':') {
          throw invalidUrl(s, "has '" + Messages.shorten(after) + "' after the IPv6 host");
        }
        port = after.substring(1);
      }
    } else {
      int colon = hostPort.indexOf(':');
      if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
        throw invalidUrl(s, "has an IPv6 host that is not in brackets");
      }
      host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
      port = colon >= 0 ? hostPort.substring(colon + 1) : null;
    }
    if (host.isEmpty()) {
      throw invalidUrl(s, "has no host");
    }
    String canonicalHost = canonicalUrlHost(s, host);
    String canonicalPort = canonicalPort(s, port);
    if (canonicalPort != null && Integer.parseInt(canonicalPort) == defaultPort(scheme)) {
      canonicalPort = null;
    }
    String canonicalPath = removeDotSegments(percentNormalize(s, path.isEmpty() ? "/" : path));

    StringBuilder out = new StringBuilder(s.length() + 16);
    out.append(scheme).append("://");
    if (userInfo != null && !userInfo.isEmpty()) {
      out.append(percentNormalize(s, userInfo)).append('@');
    }
    out.append(canonicalHost);
    if (canonicalPort != null) {
      out.append(':').append(canonicalPort);
    }
    out.append(canonicalPath);
    if (query != null && !query.isEmpty()) {
      out.append('?').append(percentNormalize(s, query));
    }
    return out.toString();
  }

  /** Index of ':' in a leading {@code scheme://}, or -1 if there is none. */
  private static int schemeEnd(String s) {
    int colon = s.indexOf("://");
    if (colon <= 0) {
      return -1;
    }
    char first = s.charAt(0);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
      return -1;
    }
    for (int i = 1; i < colon; i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '-'
              || c == '.';
      if (!ok) {
        return -1;
      }
    }
    return colon;
  }

  private static int defaultPort(String scheme) {
    switch (scheme) {
      case "http":
      case "ws":
        return 80;
      case "https":
      case "wss":
        return 443;
      case "ftp":
        return 21;
      default:
        return -1;
    }
  }

  private static String canonicalUrlHost(String url, String host)
      throws InvalidObservableException {
    try {
      if (host.startsWith("[")) {
        if (!host.endsWith("]")) {
          throw invalidUrl(url, "has an IPv6 host without a closing ']'");
        }
        byte[] v6 = IpLiterals.parseIpv6(host);
        if (IpLiterals.isIpv4Mapped(v6)) {
          return IpLiterals.formatIpv4(IpLiterals.mappedIpv4(v6));
        }
        return "[" + IpLiterals.formatIpv6(v6) + "]";
      }
      String decoded = host.indexOf('%') >= 0 ? percentDecode(url, host) : host;
      if (IpLiterals.looksLikeIpv4(decoded)) {
        return IpLiterals.formatIpv4(IpLiterals.parseIpv4(decoded));
      }
      return canonicalDomain(decoded);
    } catch (InvalidObservableException e) {
      if (e.getMessage().startsWith("URL ")) {
        throw e;
      }
      throw invalidUrl(url, "has an invalid host: " + e.getMessage());
    }
  }

  private static String canonicalPort(String url, String port) throws InvalidObservableException {
    if (port == null || port.isEmpty()) {
      return null;
    }
    if (port.length() > 5 || !isAllDigits(port)) {
      throw invalidUrl(url, "has an invalid port '" + Messages.shorten(port) + "'");
    }
    int p = Integer.parseInt(port);
    if (p > 65535) {
      throw invalidUrl(url, "has port " + p + ", greater than 65535");
    }
    return Integer.toString(p);
  }

  private static String percentDecode(String url, String s) throws InvalidObservableException {
    byte[] bytes = new byte[s.length() * 4];
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw invalidUrl(url, "has an incomplete percent-escape in the host");
        }
        if (!IpLiterals.isHex(s.charAt(i + 1)) || !IpLiterals.isHex(s.charAt(i + 2))) {
          throw invalidUrl(url, "has an invalid percent-escape in the host");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        bytes[n++] = (byte) ((hi << 4) | lo);
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(enc, 0, bytes, n, enc.length);
        n += enc.length;
        i += Character.charCount(cp);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes, 0, n))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalidUrl(url, "has a percent-encoded host that is not valid UTF-8");
    }
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static boolean isReserved(int c) {
    return ":/?#[]@!$&'()*+,;=".indexOf(c) >= 0;
  }

  /** Percent-encoding normalization of one URL component (see {@link #normalizeUrl}). */
  private static String percentNormalize(String url, String s) throws InvalidObservableException {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 < s.length()
            && IpLiterals.isHex(s.charAt(i + 1))
            && IpLiterals.isHex(s.charAt(i + 2))) {
          int v =
              (Character.digit(s.charAt(i + 1), 16) << 4) | Character.digit(s.charAt(i + 2), 16);
          if (isUnreserved(v)) {
            out.append((char) v);
          } else {
            appendEscape(out, v);
          }
          i += 3;
        } else {
          out.append("%25");
          i++;
        }
      } else if (c < 0x80) {
        if (isUnreserved(c) || isReserved(c)) {
          out.append(c);
        } else {
          appendEscape(out, c);
        }
        i++;
      } else {
        if (Character.isHighSurrogate(c)
            && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))) {
          throw invalidUrl(url, "has an unpaired surrogate character at position " + i);
        }
        if (Character.isLowSurrogate(c)) {
          throw invalidUrl(url, "has an unpaired surrogate character at position " + i);
        }
        int cp = s.codePointAt(i);
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          appendEscape(out, b & 0xff);
        }
        i += Character.charCount(cp);
      }
    }
    return out.toString();
  }

  private static void appendEscape(StringBuilder out, int b) {
    out.append('%').append(HEX[b >>> 4]).append(HEX[b & 0xf]);
  }

  /** RFC 3986 5.2.4 for an absolute path (it starts with '/'), in one linear pass. */
  static String removeDotSegments(String path) {
    // Each segment is "/name"; "." drops itself, ".." also drops the previous segment. A final
    // "." or ".." leaves a trailing '/', as the RFC's algorithm does.
    StringBuilder out = new StringBuilder(path.length());
    int i = 0;
    int n = path.length();
    while (i < n) {
      // path.charAt(i) == '/' here
      int next = path.indexOf('/', i + 1);
      int end = next < 0 ? n : next;
      int segLen = end - i - 1;
      boolean dot = segLen == 1 && path.charAt(i + 1) == '.';
      boolean dotDot = segLen == 2 && path.charAt(i + 1) == '.' && path.charAt(i + 2) == '.';
      if (dot || dotDot) {
        if (dotDot) {
          int lastSlash = out.lastIndexOf("/");
          out.setLength(Math.max(lastSlash, 0));
        }
        if (next < 0) {
          out.append('/');
        }
      } else {
        out.append(path, i, end);
      }
      i = end;
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static InvalidObservableException invalidUrl(String s, String what) {
    return new InvalidObservableException("URL " + quote(s) + " " + what);
  }
}
