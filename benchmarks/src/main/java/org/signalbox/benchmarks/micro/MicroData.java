package org.signalbox.benchmarks.micro;

import java.util.Locale;
import java.util.SplittableRandom;
import org.signalbox.schema.ObservableType;

/** Deterministic inputs for the micro-benchmarks. */
final class MicroData {
  private MicroData() {}

  private static final String[] TLDS = {"com", "net", "org", "eu", "xyz", "info"};

  /** Raw values as telemetry carries them: mixed case, a trailing dot, surrounding blanks. */
  static String[] rawValues(ObservableType type, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (type) {
            case IPV4 -> ipv4(r);
            case IPV6 ->
                String.format(
                    "2001:DB8:%x:%x::%x", r.nextInt(65536), r.nextInt(65536), 1 + r.nextInt(65535));
            case DOMAIN -> " " + domain(r).toUpperCase(Locale.ROOT) + ". ";
            case URL ->
                "HTTP://" + domain(r) + ":80/path/" + hex(r, 8) + "/index.php?q=" + hex(r, 4);
            case SHA256 -> hex(r, 64).toUpperCase(Locale.ROOT);
            default -> throw new IllegalArgumentException("no generator for " + type);
          };
    }
    return out;
  }

  static String ipv4(SplittableRandom r) {
    return (1 + r.nextInt(223))
        + "."
        + r.nextInt(256)
        + "."
        + r.nextInt(256)
        + "."
        + r.nextInt(256);
  }

  static String domain(SplittableRandom r) {
    return "host" + r.nextInt(100) + "." + hex(r, 8) + "." + TLDS[r.nextInt(TLDS.length)];
  }

  static String hex(SplittableRandom r, int chars) {
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; i < chars; i++) {
      sb.append(Character.forDigit(r.nextInt(16), 16));
    }
    return sb.toString();
  }
}
