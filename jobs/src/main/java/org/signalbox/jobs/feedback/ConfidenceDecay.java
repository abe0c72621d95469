package org.signalbox.jobs.feedback;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.util.TimeUtils;
import org.signalbox.schema.ObservableType;

/**
 * Polynomial decay of an indicator's confidence in the manner of MISP's decaying model: {@code
 * score(t) = base * (1 - (t / lifetime)^(1 / speed))}, clamped at 0 once t reaches the lifetime. A
 * speed below 1 keeps the score high for most of the lifetime and drops it sharply at the end
 * (suits infrastructure that is rented and abandoned, like IP addresses); 1 is linear.
 *
 * <p>The default parameters per type are Signalbox's own starting points, not MISP's published
 * values; tune them with {@code feedback.decay}.
 */
public final class ConfidenceDecay implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Lifetime and decay speed of one observable type. */
  public record Parameters(Duration lifetime, double speed) implements Serializable {
    public Parameters {
      if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("decay lifetime must be positive, got " + lifetime);
      }
      if (!(speed > 0) || Double.isInfinite(speed)) {
        throw new IllegalArgumentException("decay speed must be a positive number, got " + speed);
      }
    }
  }

  /** Defaults, as a {@code feedback.decay} specification. */
  public static final String DEFAULT_SPEC =
      "IPV4=30d/0.3,IPV6=30d/0.3,DOMAIN=180d/0.5,URL=90d/0.5,EMAIL=180d/0.5,MD5=365d/1.0,"
          + "SHA1=365d/1.0,SHA256=365d/1.0,SHA512=365d/1.0,JA3=180d/0.5,USER_AGENT=90d/0.5,"
          + "FILE_NAME=90d/0.5,OTHER=90d/0.5";

  private final EnumMap<ObservableType, Parameters> byType;

  private ConfidenceDecay(EnumMap<ObservableType, Parameters> byType) {
    this.byType = byType;
  }

  public static ConfidenceDecay defaults() {
    return parse(DEFAULT_SPEC);
  }

  /**
   * Parses {@code TYPE=lifetime/speed} entries separated by commas, e.g. {@code
   * IPV4=30d/0.3,DOMAIN=180d/0.5}. Types left out keep their default; OTHER's parameters stand in
   * for any type without its own.
   *
   * @throws IllegalArgumentException naming the faulty entry and its position
   */
  public static ConfidenceDecay parse(String spec) {
    EnumMap<ObservableType, Parameters> map = new EnumMap<>(ObservableType.class);
    if (!DEFAULT_SPEC.equals(spec)) {
      map.putAll(parse(DEFAULT_SPEC).byType);
    }
    String[] entries = spec.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].trim();
      if (entry.isEmpty() && entries.length == 1) {
        break;
      }
      String where = "feedback.decay entry " + (i + 1) + " '" + entry + "'";
      int eq = entry.indexOf('=');
      int slash = entry.lastIndexOf('/');
      if (eq <= 0 || slash < eq) {
        throw new IllegalArgumentException(where + ": expected TYPE=lifetime/speed");
      }
      ObservableType type;
      try {
        type = ObservableType.valueOf(entry.substring(0, eq).trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": unknown observable type", e);
      }
      try {
        Duration lifetime = TimeUtils.parseDuration(entry.substring(eq + 1, slash).trim());
        double speed = Double.parseDouble(entry.substring(slash + 1).trim());
        map.put(type, new Parameters(lifetime, speed));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new ConfidenceDecay(map);
  }

  public Parameters parameters(ObservableType type) {
    Parameters p = type == null ? null : byType.get(type);
    return p != null ? p : byType.get(ObservableType.OTHER);
  }

  /** The score of an indicator of this type that had {@code base} {@code ageMillis} ago. */
  public double score(ObservableType type, double base, long ageMillis) {
    return score(base, ageMillis, parameters(type));
  }

  /** The decay formula itself; a negative age (a record older than the anchor) decays nothing. */
  public static double score(double base, long ageMillis, Parameters p) {
    if (ageMillis <= 0) {
      return base;
    }
    double fraction = (double) ageMillis / p.lifetime().toMillis();
    if (fraction >= 1) {
      return 0;
    }
    return Math.max(0, base * (1 - Math.pow(fraction, 1 / p.speed())));
  }

  /** For error messages and the README: the parameters in force. */
  public Map<ObservableType, Parameters> asMap() {
    return Map.copyOf(byType);
  }
}
