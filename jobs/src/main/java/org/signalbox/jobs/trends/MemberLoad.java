package org.signalbox.jobs.trends;

import java.io.Serializable;
import java.util.Set;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.sharing.Audience;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.TrendMetric;
import org.signalbox.schema.TrendPeriod;

/**
 * A member's load is what its feeds deliver to it in a UTC day, the volume its analysts have to
 * look at: every record the sharing routers send to an audience the member reads (its own feed, its
 * groups' feeds, the community and public feeds). The audiences come from the routers' own rules
 * ({@code SightingRouter#audiences}, {@code SharingRouter#audiences}), so the figure follows the
 * routing table rather than a copy of it.
 *
 * <p>Records, not the sum of a sighting's {@code count}: the capacity is records a day a team can
 * absorb, and one record with a count of five is one thing to look at. A revision of a campaign
 * alert is one record (the feed carries each revision).
 */
final class MemberLoad implements Serializable {
  private static final long serialVersionUID = 1L;

  private final MemberDirectory directory;

  MemberLoad(MemberDirectory directory) {
    this.directory = directory;
  }

  /**
   * One MEMBER_LOAD fact per reader of {@code audiences} (in the reader's sector), and, for readers
   * with a declared capacity, one MEMBERS_OVER_CAPACITY fact in their sector and for all sectors.
   */
  void emit(Collector<TrendFact> out, long eventTime, Set<Audience> audiences, Tlp tlp) {
    for (String reader : directory.readersOf(audiences)) {
      MemberDirectory.Member m = directory.member(reader).orElseThrow();
      out.collect(
          TrendFact.of(
              TrendPeriod.DAY,
              eventTime,
              m.sector(),
              TrendMetric.MEMBER_LOAD,
              reader,
              reader,
              1,
              tlp));
      if (m.capacity().isPresent()) {
        for (Sector scope : new Sector[] {m.sector(), null}) {
          out.collect(
              TrendFact.of(
                  TrendPeriod.DAY,
                  eventTime,
                  scope,
                  TrendMetric.MEMBERS_OVER_CAPACITY,
                  "",
                  reader,
                  1,
                  tlp));
        }
      }
    }
  }
}
