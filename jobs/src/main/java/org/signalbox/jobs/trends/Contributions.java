package org.signalbox.jobs.trends;

import org.apache.flink.util.Collector;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

/**
 * What a member contributed, as facts: PARTICIPATION for the kind of contribution and for
 * "contributors" (any kind), per sector when the member's sector is known and for all sectors, and
 * MEMBER_CONTRIBUTIONS per kind and member for the secretariat.
 */
public final class Contributions {
  private Contributions() {}

  /** PARTICIPATION dimension: members whose telemetry produced sightings. */
  public static final String TELEMETRY = "telemetry";

  /** PARTICIPATION dimension: members that published indicators under their member id. */
  public static final String INDICATORS = "indicators";

  /** PARTICIPATION dimension: members that sent verdicts. */
  public static final String FEEDBACK = "feedback";

  /** PARTICIPATION dimension: members that contributed anything of the above. */
  public static final String CONTRIBUTORS = "contributors";

  /** PARTICIPATION dimension: members of the directory that contributed nothing. */
  public static final String CONSUMER_ONLY = "consumer-only";

  /** The MEMBER_CONTRIBUTIONS dimension of one kind and member. */
  public static String memberKey(String kind, String member) {
    return kind + ":" + member;
  }

  /**
   * @param sector the member's sector; null when unknown (then only the all-sector figures)
   * @param records records contributed (for MEMBER_CONTRIBUTIONS)
   */
  static void emit(
      Collector<TrendFact> out,
      String kind,
      String member,
      Sector sector,
      long time,
      long records,
      Tlp tlp) {
    for (TrendPeriod p : TrendWindows.PERIODS) {
      for (Sector scope : sector == null ? new Sector[] {null} : new Sector[] {sector, null}) {
        out.collect(TrendFact.of(p, time, scope, TrendMetric.PARTICIPATION, kind, member, 0, tlp));
        out.collect(
            TrendFact.of(p, time, scope, TrendMetric.PARTICIPATION, CONTRIBUTORS, member, 0, tlp));
      }
      out.collect(
          TrendFact.of(
              p,
              time,
              null,
              TrendMetric.MEMBER_CONTRIBUTIONS,
              memberKey(kind, member),
              member,
              records,
              tlp));
    }
  }
}
