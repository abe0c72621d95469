package org.signalbox.stix.match;

import com.google.common.net.InternetDomainName;
import java.io.Serializable;
import java.util.Optional;
import org.apache.lucene.util.automaton.MinimizationOperations;
import org.apache.lucene.util.automaton.Operations;
import org.signalbox.observable.IpNetwork;
import org.signalbox.stix.regex.UntrustedRegex;

/**
 * How broad an indicator may be. An indicator that matches (nearly) everything floods every member
 * with sightings and campaigns that mean nothing; one that can never match hides a feed's mistake
 * until someone wonders why a known-bad value was missed. Importers, {@code stix check-pattern} and
 * the correlate job refuse both with the same reasons, so what is accepted at import is what the
 * job runs.
 *
 * <ul>
 *   <li>a network shorter than {@code /minIpv4Prefix} or {@code /minIpv6Prefix};
 *   <li>a domain suffix with fewer than {@code minSuffixLabels} labels, or that is a public suffix
 *       (the Public Suffix List, as Guava ships it: {@code *.co.uk} is as broad as {@code *.com});
 *   <li>a MATCHES or LIKE that accepts every string ({@code '.*'}, {@code '%'}, {@code 'a*'}), or
 *       none.
 * </ul>
 *
 * @param minIpv4Prefix shortest IPv4 prefix accepted (1 to 32)
 * @param minIpv6Prefix shortest IPv6 prefix accepted (1 to 128)
 * @param minSuffixLabels fewest labels of a suffix's parent domain (1 to 10)
 */
public record BreadthLimits(int minIpv4Prefix, int minIpv6Prefix, int minSuffixLabels)
    implements Serializable {

  /** An IPv4 /8 is an allocation a feed may well list; a /7 is two of them. */
  public static final BreadthLimits DEFAULT = new BreadthLimits(8, 16, 2);

  public BreadthLimits {
    check("minimum IPv4 prefix", minIpv4Prefix, 1, 32);
    check("minimum IPv6 prefix", minIpv6Prefix, 1, 128);
    check("minimum suffix labels", minSuffixLabels, 1, 10);
  }

  private static void check(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          what + " must be " + min + " to " + max + ", not " + value);
    }
  }

  /** Why {@code net} is too broad, or empty. */
  public Optional<String> network(IpNetwork net) {
    int min = net.isIpv6() ? minIpv6Prefix : minIpv4Prefix;
    if (net.prefixLength() >= min) {
      return Optional.empty();
    }
    return Optional.of(
        "network "
            + net
            + " is too broad: its prefix is shorter than /"
            + min
            + " (the limit for "
            + (net.isIpv6() ? "IPv6" : "IPv4")
            + " networks)");
  }

  /** Why the suffix {@code *.parent} ({@code parent} canonical) is too broad, or empty. */
  public Optional<String> suffix(String parent) {
    int labels = parent.isEmpty() ? 0 : parent.split("\\.", -1).length;
    if (labels < minSuffixLabels) {
      return Optional.of(
          "suffix *."
              + parent
              + " is too broad: "
              + labels
              + (labels == 1 ? " label" : " labels")
              + ", fewer than the "
              + minSuffixLabels
              + " the limit asks for");
    }
    if (InternetDomainName.isValid(parent) && InternetDomainName.from(parent).isPublicSuffix()) {
      return Optional.of(
          "suffix *."
              + parent
              + " is too broad: "
              + parent
              + " is a public suffix, under which anyone registers names");
    }
    return Optional.empty();
  }

  /**
   * Why {@code r} cannot be an indicator, or empty: it matches every string, or no string. The
   * automaton is deterministic, so both are exact answers, not samples.
   */
  public static Optional<String> regex(UntrustedRegex r) {
    if (Operations.isEmpty(r.automaton())) {
      return Optional.of("'" + r.source() + "' can never match any value");
    }
    // Totality is read off the minimal automaton: one accepting state looping on every character.
    if (Operations.isTotal(
        MinimizationOperations.minimize(r.automaton(), UntrustedRegex.DETERMINIZE_WORK_LIMIT))) {
      return Optional.of("'" + r.source() + "' matches every value: too broad");
    }
    return Optional.empty();
  }
}
