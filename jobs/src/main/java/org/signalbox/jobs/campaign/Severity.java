package org.signalbox.jobs.campaign;

/**
 * Severity of a campaign alert, 0 to 100, so members can sort alerts without reading them all.
 * Breadth weighs most: a second sector says more than a fifth member in one sector says about an
 * actor's intent, but many members matter too. Weights: members 40 (full at 5), sectors 25 (full at
 * 3), highest indicator confidence 25, recency 10 (full when the last sighting is at the watermark,
 * zero when it is a whole window old).
 */
public final class Severity {
  private Severity() {}

  public static int score(
      int members, int sectors, int maxConfidence, long ageMillis, long windowMillis) {
    double m = 40.0 * clamp((members - 1) / 4.0);
    double s = 25.0 * clamp((sectors - 1) / 2.0);
    double c = 25.0 * clamp(maxConfidence / 100.0);
    double r = 10.0 * clamp(1.0 - (double) Math.max(0, ageMillis) / windowMillis);
    return (int) Math.round(m + s + c + r);
  }

  private static double clamp(double x) {
    return Math.max(0.0, Math.min(1.0, x));
  }
}
