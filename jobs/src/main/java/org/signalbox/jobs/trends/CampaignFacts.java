package org.signalbox.jobs.trends;

import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.SharingRouter;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

/**
 * Turns a campaign alert revision (from the campaigns topic, with raw member ids) into facts:
 * revision 1 is an alert opened, a later revision an escalation, both counted per key kind and per
 * key. The time of a revision is its {@code lastSeen}: the event time at which it was raised.
 *
 * <p>Campaign figures are for all sectors only: an alert lists its members and its sectors, but not
 * which member is in which sector, so a per-sector figure could not apply the k rule honestly. Each
 * member of the alert becomes one fact (the first carries the count, the others 0) so the window
 * counts distinct members like every other figure.
 */
public final class CampaignFacts implements FlatMapFunction<CampaignAlert, TrendFact> {

  /** May be null: then alert revisions do not count in members' load. */
  private final MemberLoad load;

  public CampaignFacts() {
    this(null);
  }

  /**
   * @param directory with it, each revision is one record of the daily load of every member whose
   *     feeds it reaches ({@link MemberLoad}); may be null
   */
  public CampaignFacts(MemberDirectory directory) {
    this.load = directory == null ? null : new MemberLoad(directory);
  }

  @Override
  public void flatMap(CampaignAlert a, Collector<TrendFact> out) {
    long t = a.getLastSeen().toEpochMilli();
    TrendMetric change =
        a.getRevision() <= 1 ? TrendMetric.CAMPAIGNS_OPENED : TrendMetric.CAMPAIGNS_ESCALATED;
    String kind = a.getKeyKind().name();
    List<String> members = a.getMembers();
    for (TrendPeriod p : TrendWindows.PERIODS) {
      emit(out, p, t, change, kind, members, a);
      emit(out, p, t, TrendMetric.CAMPAIGNS_BY_KEY, kind + ":" + a.getKeyValue(), members, a);
    }
    if (load != null) {
      load.emit(out, t, SharingRouter.audiences(a), a.getTlp());
    }
  }

  private static void emit(
      Collector<TrendFact> out,
      TrendPeriod p,
      long t,
      TrendMetric metric,
      String dimension,
      List<String> members,
      CampaignAlert a) {
    if (members.isEmpty()) {
      // Counts withheld (a shared copy): no member to count, so the figure stays below k.
      out.collect(TrendFact.of(p, t, null, metric, dimension, null, 1, a.getTlp()));
      return;
    }
    for (int i = 0; i < members.size(); i++) {
      out.collect(
          TrendFact.of(p, t, null, metric, dimension, members.get(i), i == 0 ? 1 : 0, a.getTlp()));
    }
  }
}
