package org.signalbox.edge.sanitize;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.signalbox.edge.anonymize.CidrRanges;
import org.signalbox.edge.anonymize.CryptoPan;
import org.signalbox.edge.anonymize.IpAddresses;
import org.signalbox.edge.anonymize.Pseudonymizer;
import org.signalbox.edge.parse.FieldKind;
import org.signalbox.edge.parse.ParsedField;
import org.signalbox.edge.parse.ParsedRecord;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Provenance;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;

/**
 * Turns a parsed record into a {@link TelemetryEvent} that may leave the member.
 *
 * <p>Fail closed: every value is either transformed by a rule that is known to make it safe, or
 * dropped and counted. There is no path on which a value the sanitizer did not understand is copied
 * to the output. Observable fields (those the parser gave a role) are passed when their role is
 * allowed; all other fields need an entry in the policy's attribute allowlist.
 *
 * <p>Internal addresses are anonymized with Crypto-PAn but kept out of the observables: an
 * anonymized address lands somewhere in the public address space and would match indicators for
 * whoever really owns it. They go to the attributes, where analysts still see which events share a
 * host.
 *
 * <p>Not thread-safe; one instance per input.
 */
public final class Sanitizer {
  private static final int CACHE_SIZE = 1 << 16;

  private final SanitizationPolicy policy;
  private final String member;
  private final Sector sector;
  private final CidrRanges internalNetworks;
  private final List<String> internalSuffixes = new ArrayList<>();
  private final CryptoPan cryptoPan;
  private final Pseudonymizer pseudonyms;
  private final PiiRedactor redactor;
  private final UrlScrubber urls;
  private final EdgeCounters counters;
  private final boolean anonymizeTextIps;
  private final Set<ObservableRole> roles;
  private final Map<String, String> panCache = lru(CACHE_SIZE);
  private final Map<String, String> pseudonymCache = lru(CACHE_SIZE);
  private final Set<String> learnedInternalNames =
      java.util.Collections.newSetFromMap(lru(CACHE_SIZE));

  public Sanitizer(
      SanitizationPolicy policy,
      EdgeKeys keys,
      String member,
      Sector sector,
      EdgeCounters counters) {
    this.policy = policy;
    this.member = member;
    this.sector = sector;
    this.counters = counters;
    this.internalNetworks = CidrRanges.parse(policy.internal.networks);
    for (String d : policy.internal.domains) {
      String s = Folding.host(d);
      while (s.startsWith(".") || s.startsWith("*.")) {
        s = s.substring(s.indexOf('.') + 1);
      }
      // The suffixes are compared with canonical names, so they are canonical themselves.
      try {
        internalSuffixes.add(ObservableNormalizer.normalize(ObservableType.DOMAIN, s).value());
      } catch (InvalidObservableException e) {
        internalSuffixes.add(s);
      }
    }
    this.cryptoPan = keys.newCryptoPan();
    this.pseudonyms = keys.newPseudonymizer();
    this.anonymizeTextIps = policy.pii.ipAddresses.equalsIgnoreCase("anonymize");
    this.redactor = new PiiRedactor(policy.pii, this::textIp, this::textHost);
    this.urls = new UrlScrubber(policy.urls);
    this.roles =
        policy.observables.roles.isEmpty()
            ? EnumSet.allOf(ObservableRole.class)
            : EnumSet.copyOf(policy.observables.roles);
  }

  public EdgeCounters counters() {
    return counters;
  }

  /** One event in the making. */
  private final class Draft {
    final String field;
    final List<Observable> observables;
    final Set<String> seen;
    final Map<String, List<String>> attributes;
    final Set<String> transformations;

    Draft(String field, Draft base) {
      this.field = field;
      this.observables = base.observables;
      this.seen = base.seen;
      this.attributes = base.attributes;
      this.transformations = base.transformations;
    }

    Draft() {
      field = null;
      observables = new ArrayList<>();
      seen = new HashSet<>();
      attributes = new LinkedHashMap<>();
      transformations = new LinkedHashSet<>();
    }

    void observable(ObservableType type, String raw, ObservableRole role) {
      NormalizedObservable n;
      try {
        n = ObservableNormalizer.normalize(type, raw);
      } catch (InvalidObservableException e) {
        drop("not a valid " + type.name().toLowerCase(Locale.ROOT));
        return;
      }
      if (seen.add(n.type() + "\u0000" + n.value() + "\u0000" + role)) {
        observables.add(new Observable(n.type(), n.value(), role));
      }
    }

    void attribute(String value) {
      attributes.computeIfAbsent(field, k -> new ArrayList<>(1)).add(value);
    }

    void drop(String reason) {
      counters.dropped(field, reason);
      transformations.add("dropped:" + field);
    }

    void did(String what) {
      transformations.add(what + ":" + field);
    }
  }

  /** Sanitizes one record; never returns anything that has not passed a rule. */
  public TelemetryEvent sanitize(ParsedRecord r) {
    Draft event = new Draft();
    if (policy.internal.namesResolvingInternally) {
      learnFromDnsAnswers(r);
    }
    for (ParsedField f : r.fields()) {
      Draft d = new Draft(f.name(), event);
      if (f.kind() == FieldKind.SECRET) {
        if (policy.actionFor(f.name()) != null) {
          d.drop("payloads and secrets never leave the member");
        } else {
          counters.notAllowlisted(f.name());
        }
        continue;
      }
      boolean asObservable =
          f.role() != null
              && roles.contains(f.role())
              && !SanitizationPolicy.globMatches(policy.observables.excludeFields, f.name());
      if (asObservable) {
        for (String v : f.values()) {
          observableField(d, f.kind(), f.role(), v);
        }
        continue;
      }
      FieldAction action = policy.actionFor(f.name());
      if (action == null || action == FieldAction.DROP) {
        counters.notAllowlisted(f.name());
        continue;
      }
      FieldKind kind = f.kind();
      if (!policy.namesExactly(f.name())
          && IdentifierNames.looksLikeIdentifier(f.name())
          && (kind == FieldKind.TEXT || kind == FieldKind.TOKEN || kind == FieldKind.FILE_NAME)) {
        // A wildcard ("cef.*: auto") was written for context fields; it must not pass a field
        // whose name says it identifies a person or a machine, whatever kind its parser gave it.
        kind = FieldKind.IDENTIFIER;
      }
      for (String v : f.values()) {
        attributeField(d, kind, action, v);
      }
    }
    if (r.eventTimeFromClock()) {
      event.transformations.add("time:received");
    }
    Map<String, String> attrs = new HashMap<>(event.attributes.size() * 2);
    event.attributes.forEach(
        (k, v) -> attrs.put(k, v.size() == 1 ? v.get(0) : String.join(",", v)));
    String origin = sanitizeOrigin(r.origin());
    String eventId =
        pseudonyms
            .digestHex("event", member + "\n" + r.origin() + "\n" + r.line() + "\n" + r.identity())
            .substring(0, 32);
    counters.eventsOut++;
    counters.observablesOut += event.observables.size();
    counters.eventsBySourceType.merge(r.sourceType(), 1L, Long::sum);
    return TelemetryEvent.newBuilder()
        .setEventId(eventId)
        .setMember(member)
        .setSector(sector)
        .setSourceType(r.sourceType())
        .setEventTime(java.time.Instant.ofEpochMilli(r.eventTimeMillis()))
        .setObservables(event.observables)
        .setAttributes(attrs)
        .setTlp(policy.tlp)
        .setProvenance(
            Provenance.newBuilder()
                .setParser(r.parser())
                .setOrigin(origin + ":" + r.line())
                .setPolicyId(policy.id)
                .setPolicyVersion(policy.version)
                .setTransformations(new ArrayList<>(event.transformations))
                .build())
        .build();
  }

  private void observableField(Draft d, FieldKind kind, ObservableRole role, String v) {
    switch (kind) {
      case IP -> ip(d, v, role, true);
      case HOST -> host(d, v, role, true);
      case DNS_ANSWER -> {
        if (canonicalHost(v) != null) {
          host(d, v, role, true);
        } else {
          d.drop("DNS answer is neither an address nor a name");
        }
      }
      case URL -> url(d, v, role, true);
      case EMAIL -> email(d, v, role, true);
      case HASH, CERT_FINGERPRINT, JA3 -> hash(d, kind, v, role, true);
      case USER_AGENT -> {
        String clean = text(d, v);
        if (clean != null) {
          d.observable(ObservableType.USER_AGENT, clean, role);
        }
      }
      case INTERNAL_HOST, USER, IDENTIFIER -> d.attribute(pseudonym(d, kind, v));
      default -> {
        // A role on a kind that has no observable form: keep it only as redacted text.
        String clean = text(d, v);
        if (clean != null) {
          d.attribute(clean);
        }
      }
    }
  }

  private void attributeField(Draft d, FieldKind kind, FieldAction action, String v) {
    switch (kind) {
      case USER, IDENTIFIER, INTERNAL_HOST -> {
        // Whatever the policy says, these name people and machines inside the member.
        d.attribute(pseudonym(d, kind, v));
        return;
      }
      case URL_PATH -> {
        // Session ids and tokens sit in the query whatever the policy calls the field.
        if (action != FieldAction.PSEUDONYM) {
          int[] dropped = new int[1];
          String scrubbed = redactUrlPart(d, urls.scrubPathQueryFragment(v, dropped));
          if (dropped[0] > 0) {
            d.did("url-scrubbed");
          }
          String t = text(d, scrubbed);
          if (t != null) {
            d.attribute(t);
          }
          return;
        }
      }
      default -> {}
    }
    FieldAction a = action;
    if (a == FieldAction.AUTO) {
      switch (kind) {
        case IP -> ip(d, v, null, false);
        case HOST -> host(d, v, null, false);
        case DNS_ANSWER -> {
          if (canonicalHost(v) != null) {
            host(d, v, null, false);
          } else {
            String t = text(d, v);
            if (t != null) {
              d.attribute(t);
            }
          }
        }
        case URL -> url(d, v, null, false);
        case EMAIL -> email(d, v, null, false);
        case HASH, CERT_FINGERPRINT, JA3 -> hash(d, kind, v, null, false);
        case TOKEN -> keep(d, v);
        default -> {
          String t = text(d, v);
          if (t != null) {
            d.attribute(t);
          }
        }
      }
      return;
    }
    switch (a) {
      case KEEP -> keep(d, v);
      case TEXT -> {
        String t = text(d, v);
        if (t != null) {
          d.attribute(t);
        }
      }
      case PSEUDONYM -> {
        d.attribute(pseudonyms.pseudonym("value", v));
        d.did("pseudonym");
      }
      default -> d.drop("no rule");
    }
  }

  // ---- value rules -------------------------------------------------------------------------

  /**
   * A host-position value in its canonical form: an address (any literal form, see {@link
   * IpAddresses#readings}) or a domain name as {@link ObservableNormalizer} writes it. Every
   * decision about a host is taken on this form, and this form is what leaves.
   */
  private record HostForm(InetAddress address, String name) {}

  /** The canonical form of {@code raw}, or null when it is neither an address nor a name. */
  private HostForm canonicalHost(String raw) {
    String s = Folding.host(raw);
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.isEmpty()) {
      return null;
    }
    List<InetAddress> readings = IpAddresses.readings(s);
    if (!readings.isEmpty()) {
      for (InetAddress a : readings) {
        if (internalOf(a) != null) {
          return new HostForm(a, null);
        }
      }
      return new HostForm(readings.get(0), null);
    }
    try {
      return new HostForm(null, ObservableNormalizer.normalize(ObservableType.DOMAIN, s).value());
    } catch (InvalidObservableException e) {
      return null;
    }
  }

  /**
   * The internal address {@code a} denotes: itself, or an IPv4 address it embeds (mapped,
   * compatible, NAT64, 6to4, Teredo, ISATAP); null when it denotes none.
   */
  private InetAddress internalOf(InetAddress a) {
    if (internalNetworks.contains(a)) {
      return a;
    }
    for (InetAddress e : IpAddresses.embeddedIpv4(a)) {
      if (internalNetworks.contains(e)) {
        return e;
      }
    }
    return null;
  }

  private void ip(Draft d, String v, ObservableRole role, boolean asObservable) {
    HostForm h = canonicalHost(v);
    if (h == null || h.address() == null) {
      d.drop("not an IP address");
      return;
    }
    address(d, h.address(), role, asObservable);
  }

  private void address(Draft d, InetAddress a, ObservableRole role, boolean asObservable) {
    InetAddress internal = internalOf(a);
    if (internal != null) {
      d.attribute(anonymize(internal));
      d.did("cryptopan");
      return;
    }
    if (asObservable) {
      d.observable(
          a.getAddress().length == 4 ? ObservableType.IPV4 : ObservableType.IPV6,
          IpAddresses.format(a),
          role);
    } else {
      d.attribute(IpAddresses.format(a));
    }
  }

  private void host(Draft d, String v, ObservableRole role, boolean asObservable) {
    HostForm h = canonicalHost(v);
    if (h == null) {
      d.drop("not a host name");
      return;
    }
    if (h.address() != null) {
      address(d, h.address(), role, asObservable);
      return;
    }
    String name = h.name();
    if (name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa")) {
      InetAddress a = reverseName(name);
      if (a == null) {
        d.drop("malformed reverse-DNS name");
        return;
      }
      InetAddress internal = internalOf(a);
      if (internal != null) {
        d.attribute(reverseNameOf(cryptoPan.anonymize(internal)));
        d.did("cryptopan");
        return;
      }
    } else if (isInternalName(name)) {
      d.attribute(hostPseudonym(name));
      d.did("pseudonym");
      return;
    }
    if (asObservable) {
      d.observable(ObservableType.DOMAIN, name, role);
    } else {
      d.attribute(name);
    }
  }

  private void url(Draft d, String v, ObservableRole role, boolean asObservable) {
    UrlScrubber.Parts p = UrlScrubber.split(v.trim());
    if (p == null) {
      d.drop("not an absolute URL");
      return;
    }
    HostForm h = canonicalHost(UrlScrubber.decode(p.host()));
    if (h == null) {
      d.drop("URL host is not a host name");
      return;
    }
    boolean internal;
    String host;
    if (h.address() != null) {
      InetAddress in = internalOf(h.address());
      internal = in != null;
      InetAddress shown = internal ? cryptoPan.anonymize(in) : h.address();
      host = IpAddresses.format(shown);
      if (shown.getAddress().length == 16) {
        host = "[" + host + "]";
      }
    } else {
      internal = isInternalName(h.name());
      host = internal ? hostPseudonym(h.name()) : h.name();
    }
    if (internal) {
      d.did(h.address() != null ? "cryptopan" : "pseudonym");
    }
    String port = p.port() == null ? "" : p.port();
    if (!port.isEmpty() && (port.length() > 5 || !port.chars().allMatch(Character::isDigit))) {
      d.drop("URL port is not a number");
      return;
    }
    int[] dropped = new int[1];
    String rest = urls.scrubPathQueryFragment(p.pathQueryFragment(), dropped);
    if (dropped[0] > 0) {
      d.did("url-scrubbed");
    }
    String redacted = redactUrlPart(d, rest);
    String out = p.scheme() + "://" + host + (port.isEmpty() ? "" : ":" + port) + redacted;
    if (asObservable && !internal) {
      d.observable(ObservableType.URL, out, role);
    } else {
      d.attribute(out);
    }
  }

  /**
   * Path, query and fragment with personal data and internal names and addresses replaced. The scan
   * runs on the fully percent-decoded and folded text (a server decodes before it acts, and the
   * normalizer decodes unreserved characters, so {@code %31%30%2e...} is an address); when it finds
   * something, the redacted decoded text is re-encoded and leaves, else {@code rest} does.
   */
  private String redactUrlPart(Draft d, String rest) {
    EnumSet<PiiRedactor.Found> found = EnumSet.noneOf(PiiRedactor.Found.class);
    String redacted = redactor.redact(UrlScrubber.decode(rest), found);
    if (found.isEmpty()) {
      return rest;
    }
    d.did("redacted");
    return UrlScrubber.encode(redacted);
  }

  private void email(Draft d, String v, ObservableRole role, boolean asObservable) {
    String s = Folding.fold(v).strip();
    int lt = s.lastIndexOf('<');
    int gt = s.lastIndexOf('>');
    if (lt >= 0 && gt > lt) {
      s = s.substring(lt + 1, gt).strip();
    }
    if (s.regionMatches(true, 0, "mailto:", 0, 7)) {
      s = s.substring(7);
    }
    int at = s.lastIndexOf('@');
    if (at <= 0 || at == s.length() - 1 || s.indexOf(' ') >= 0) {
      d.drop("not an e-mail address");
      return;
    }
    String local = s.substring(0, at).toLowerCase(Locale.ROOT);
    HostForm h = canonicalHost(s.substring(at + 1));
    if (h == null) {
      d.drop("e-mail domain is not a host name");
      return;
    }
    boolean internal;
    String domain;
    if (h.address() != null) {
      InetAddress in = internalOf(h.address());
      internal = in != null;
      domain = "[" + (internal ? anonymize(in) : IpAddresses.format(h.address())) + "]";
    } else {
      internal = isInternalName(h.name());
      domain = internal ? hostPseudonym(h.name()) : h.name();
    }
    String out = pseudonyms.pseudonym("email", local) + "@" + domain;
    d.did("pseudonym");
    if (asObservable && !internal && h.address() == null) {
      d.observable(ObservableType.EMAIL, out, role);
    } else {
      d.attribute(out);
    }
  }

  private void hash(Draft d, FieldKind kind, String v, ObservableRole role, boolean asObservable) {
    String h = v.trim().replace(":", "").toLowerCase(Locale.ROOT);
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        d.drop("hash is not hexadecimal");
        return;
      }
    }
    ObservableType type =
        switch (h.length()) {
          case 32 -> kind == FieldKind.JA3 ? ObservableType.JA3 : ObservableType.MD5;
          case 40 -> ObservableType.SHA1;
          case 64 -> ObservableType.SHA256;
          case 128 -> ObservableType.SHA512;
          default -> null;
        };
    if (type == null || (kind == FieldKind.JA3 && type != ObservableType.JA3)) {
      d.drop("hash has an unexpected length");
      return;
    }
    if (asObservable) {
      d.observable(type, h, role);
    } else {
      d.attribute(h);
    }
  }

  private void keep(Draft d, String v) {
    if (v.length() > policy.maxTextLength) {
      d.drop("value longer than maxTextLength");
      return;
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        d.drop("control character in a kept value");
        return;
      }
    }
    if (redactor.containsPii(v)) {
      d.drop("kept value holds personal data or an internal name");
      return;
    }
    d.attribute(v);
  }

  /** Redacted, bounded, control-character-free text, or null if nothing is left. */
  private String text(Draft d, String v) {
    EnumSet<PiiRedactor.Found> found = EnumSet.noneOf(PiiRedactor.Found.class);
    String s = redactor.redact(v, found);
    if (!found.isEmpty()) {
      d.did("redacted");
    }
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, ' ');
      }
    }
    if (sb != null) {
      s = sb.toString();
    }
    if (s.length() > policy.maxTextLength) {
      int cut = policy.maxTextLength;
      if (Character.isHighSurrogate(s.charAt(cut - 1))) {
        cut--;
      }
      s = s.substring(0, cut);
      d.did("truncated");
    }
    return s.isBlank() ? null : s;
  }

  private String pseudonym(Draft d, FieldKind kind, String v) {
    d.did("pseudonym");
    return switch (kind) {
      case USER -> pseudonyms.pseudonym("user", v.trim().toLowerCase(Locale.ROOT));
      case INTERNAL_HOST -> {
        HostForm h = canonicalHost(v);
        yield h != null && h.name() != null ? hostPseudonym(h.name()) : hostPseudonym(hostKey(v));
      }
      default -> pseudonyms.pseudonym("id", v.trim());
    };
  }

  // ---- internal names and addresses ---------------------------------------------------------

  private String anonymize(InetAddress a) {
    String key = IpAddresses.format(a);
    String r = panCache.get(key);
    if (r == null) {
      r = IpAddresses.format(cryptoPan.anonymize(a));
      panCache.put(key, r);
    }
    return r;
  }

  private String hostPseudonym(String name) {
    String r = pseudonymCache.get(name);
    if (r == null) {
      r = pseudonyms.pseudonym("host", name);
      pseudonymCache.put(name, r);
    }
    return r;
  }

  /**
   * Replacement for an address literal found in free text, or null to leave it. A weak literal (an
   * inet_aton form of fewer than four parts, such as {@code 167772161}) is replaced only when it
   * denotes an internal address; text is full of numbers that are no address.
   */
  private String textIp(String literal, boolean strong) {
    List<InetAddress> readings = IpAddresses.readings(literal);
    if (readings.isEmpty()) {
      return null;
    }
    InetAddress internal = null;
    for (int i = 0; i < readings.size() && internal == null; i++) {
      internal = internalOf(readings.get(i));
    }
    if (!strong && internal == null) {
      return null;
    }
    if (!anonymizeTextIps) {
      return "[IP]";
    }
    return internal != null ? anonymize(internal) : literal;
  }

  /** Replacement for a name found in free text: its pseudonym if internal, else null. */
  private String textHost(String name) {
    HostForm h = canonicalHost(name);
    if (h == null || h.name() == null) {
      return null;
    }
    return isInternalName(h.name()) ? hostPseudonym(h.name()) : null;
  }

  /**
   * Learns the names a DNS record resolves to an internal address (the query and the names in its
   * answer section), so that later records naming them are pseudonymized. Only a DNS answer teaches
   * this: the direction of a flow or alert does not (an alert in the response direction has an
   * internal destination and would teach the attacker's domain).
   */
  private void learnFromDnsAnswers(ParsedRecord r) {
    if (!r.sourceType().endsWith(".dns")) {
      return;
    }
    boolean internalAnswer = false;
    for (ParsedField f : r.fields()) {
      if (f.kind() == FieldKind.DNS_ANSWER) {
        for (String v : f.values()) {
          HostForm h = canonicalHost(v);
          internalAnswer |= h != null && h.address() != null && internalOf(h.address()) != null;
        }
      }
    }
    if (!internalAnswer) {
      return;
    }
    for (ParsedField f : r.fields()) {
      boolean query = f.kind() == FieldKind.HOST && f.role() == ObservableRole.QUERY;
      if (query || f.kind() == FieldKind.DNS_ANSWER) {
        for (String v : f.values()) {
          HostForm h = canonicalHost(v);
          if (h != null && h.name() != null && !isInternalName(h.name())) {
            learnedInternalNames.add(h.name());
            counters.learnedInternal(h.name());
          }
        }
      }
    }
  }

  boolean isInternalName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    if (policy.internal.singleLabelNames && name.indexOf('.') < 0 && looksLikeName(name)) {
      return true;
    }
    for (String suffix : internalSuffixes) {
      if (name.endsWith(suffix)
          && (name.length() == suffix.length()
              || name.charAt(name.length() - suffix.length() - 1) == '.')) {
        return true;
      }
    }
    return learnedInternalNames.contains(name);
  }

  private String sanitizeOrigin(String origin) {
    boolean plain = origin.length() <= 100;
    for (int i = 0; plain && i < origin.length(); i++) {
      char c = origin.charAt(i);
      plain =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '.'
              || c == '-'
              || c == '_';
    }
    if (plain && !redactor.containsPii(origin)) {
      return origin;
    }
    return pseudonyms.pseudonym("origin", origin);
  }

  static String hostKey(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  static boolean looksLikeName(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '-'
              || c == '.'
              || c == '_'
              || c > 0x7f;
      if (!ok) {
        return false;
      }
    }
    return !s.startsWith(".") && !s.contains("..");
  }

  private static InetAddress reverseName(String name) {
    if (name.endsWith(".in-addr.arpa")) {
      String[] parts = name.substring(0, name.length() - 13).split("\\.");
      if (parts.length != 4) {
        return null;
      }
      return IpAddresses.parse(parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0]);
    }
    String[] nibbles = name.substring(0, name.length() - 9).split("\\.");
    if (nibbles.length != 32) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 31; i >= 0; i--) {
      sb.append(nibbles[i]);
      if (i % 4 == 0 && i > 0) {
        sb.append(':');
      }
    }
    return IpAddresses.parse(sb.toString());
  }

  private static String reverseNameOf(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return (b[3] & 0xff)
          + "."
          + (b[2] & 0xff)
          + "."
          + (b[1] & 0xff)
          + "."
          + (b[0] & 0xff)
          + ".in-addr.arpa";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 15; i >= 0; i--) {
      sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
      sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
    }
    return sb.append("ip6.arpa").toString();
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }
}
