package org.signalbox.cli;

import org.signalbox.stix.match.BreadthLimits;
import picocli.CommandLine.Option;

/** The limits on how broad an indicator may be, as options (the same as the correlate job's). */
final class BreadthOptions {

  @Option(
      names = "--min-ipv4-prefix",
      paramLabel = "N",
      description =
          "Refuse IPv4 networks with a prefix shorter than /N (1 to 32, default: ${DEFAULT-VALUE};"
              + " the job's correlate.min-ipv4-prefix).")
  int minIpv4Prefix = BreadthLimits.DEFAULT.minIpv4Prefix();

  @Option(
      names = "--min-ipv6-prefix",
      paramLabel = "N",
      description =
          "Refuse IPv6 networks with a prefix shorter than /N (1 to 128, default:"
              + " ${DEFAULT-VALUE}; the job's correlate.min-ipv6-prefix).")
  int minIpv6Prefix = BreadthLimits.DEFAULT.minIpv6Prefix();

  @Option(
      names = "--min-suffix-labels",
      paramLabel = "N",
      description =
          "Refuse domain suffixes whose parent has fewer than N labels or is a public suffix"
              + " (*.com, *.co.uk) (1 to 10, default: ${DEFAULT-VALUE}; the job's"
              + " correlate.min-suffix-labels).")
  int minSuffixLabels = BreadthLimits.DEFAULT.minSuffixLabels();

  /**
   * @throws IllegalArgumentException naming the option out of range
   */
  BreadthLimits limits() {
    return new BreadthLimits(minIpv4Prefix, minIpv6Prefix, minSuffixLabels);
  }
}
