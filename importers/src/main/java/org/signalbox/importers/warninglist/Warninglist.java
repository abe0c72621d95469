package org.signalbox.importers.warninglist;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.regex.InvalidRegexException;
import org.signalbox.stix.regex.UntrustedRegex;

/**
 * One MISP warninglist: known-benign values that must not raise sightings. Compared as MISP does by
 * list type: {@code string} equal (case-insensitive), {@code hostname} the name or any subdomain of
 * it (URLs by their host), {@code cidr} an address inside a network, {@code substring} contained,
 * {@code regex} matched (through {@link UntrustedRegex}, never java.util.regex). Only values of the
 * types its {@code matching_attributes} name are compared.
 */
public final class Warninglist {

  /** How list entries are compared. */
  public enum Kind {
    STRING,
    HOSTNAME,
    CIDR,
    SUBSTRING,
    REGEX
  }

  private final String name;
  private final Kind kind;
  private final Set<ObservableType> appliesTo;
  private final Set<String> strings = new HashSet<>();
  private final CidrSet networks = new CidrSet();
  private final List<UntrustedRegex> regexes = new ArrayList<>();
  private UntrustedRegex substrings;
  private final List<String> rejectedEntries = new ArrayList<>();
  private final int size;

  Warninglist(String name, Kind kind, Set<ObservableType> appliesTo, List<String> entries) {
    this.name = name;
    this.kind = kind;
    this.appliesTo = appliesTo;
    List<String> needles = new ArrayList<>();
    int accepted = 0;
    for (String raw : entries) {
      String e = raw.strip();
      if (e.isEmpty()) {
        continue;
      }
      try {
        switch (kind) {
          case STRING:
            strings.add(e.toLowerCase(Locale.ROOT));
            break;
          case HOSTNAME:
            strings.add(hostKey(e));
            break;
          case CIDR:
            networks.add(IpNetwork.parse(e));
            break;
          case SUBSTRING:
            needles.add(e.toLowerCase(Locale.ROOT));
            break;
          default:
            regexes.add(UntrustedRegex.delimited(e));
        }
        accepted++;
      } catch (InvalidObservableException | InvalidRegexException ex) {
        rejectedEntries.add(e + ": " + ex.getMessage());
      }
    }
    if (!needles.isEmpty()) {
      try {
        substrings = UntrustedRegex.substring(needles);
      } catch (InvalidRegexException ex) {
        // Too many needles for one automaton: each is then looked for on its own.
        for (String n : needles) {
          try {
            regexes.add(UntrustedRegex.substring(List.of(n)));
          } catch (InvalidRegexException inner) {
            rejectedEntries.add(n + ": " + inner.getMessage());
          }
        }
      }
    }
    this.size = accepted;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  /** Observable types this list is compared against. */
  public Set<ObservableType> appliesTo() {
    return EnumSet.copyOf(appliesTo);
  }

  /** Entries loaded. */
  public int size() {
    return size;
  }

  /** Entries that could not be used (bad network, regex too complex), with why. */
  public List<String> rejectedEntries() {
    return List.copyOf(rejectedEntries);
  }

  /** True if {@code value} (canonical form of {@code type}) is on this list. */
  public boolean contains(ObservableType type, String value) {
    if (!appliesTo.contains(type) || value == null) {
      return false;
    }
    switch (kind) {
      case STRING:
        return strings.contains(value.toLowerCase(Locale.ROOT));
      case HOSTNAME:
        {
          String host = type == ObservableType.URL ? hostOf(value) : value;
          if (host == null) {
            return false;
          }
          String h = hostKey(host);
          // The name itself or any parent: a.b.example.com, b.example.com, example.com, com.
          for (int dot = -1; ; dot = h.indexOf('.', dot + 1)) {
            if (strings.contains(h.substring(dot + 1))) {
              return true;
            }
            if (h.indexOf('.', dot + 1) < 0) {
              return false;
            }
          }
        }
      case CIDR:
        return networks.contains(value);
      default:
        String lower = value.toLowerCase(Locale.ROOT);
        if (substrings != null && substrings.matches(lower)) {
          return true;
        }
        for (UntrustedRegex r : regexes) {
          if (r.matches(kind == Kind.SUBSTRING ? lower : value)) {
            return true;
          }
        }
        return false;
    }
  }

  private static String hostKey(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    while (h.startsWith(".") || h.startsWith("*.")) {
      h = h.substring(h.startsWith(".") ? 1 : 2);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static String hostOf(String url) {
    try {
      return URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return name + " (" + kind.name().toLowerCase(Locale.ROOT) + ", " + size + " entries)";
  }
}
