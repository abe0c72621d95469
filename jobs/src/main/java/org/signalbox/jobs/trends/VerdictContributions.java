package org.signalbox.jobs.trends;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.Sector;

/**
 * Verdicts as members' contributions, at their report time. Every verdict counts, a repeated one
 * too: sending it was the member's work. The sector is the directory's; a member the directory does
 * not list (or a run without a directory) counts for all sectors only.
 */
public final class VerdictContributions implements FlatMapFunction<Feedback, TrendFact> {

  /** May be null. */
  private final MemberDirectory directory;

  public VerdictContributions(MemberDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void flatMap(Feedback f, Collector<TrendFact> out) {
    Sector sector =
        directory == null
            ? null
            : directory.member(f.getMember()).map(MemberDirectory.Member::sector).orElse(null);
    Contributions.emit(
        out,
        Contributions.FEEDBACK,
        f.getMember(),
        sector,
        f.getReportedAt().toEpochMilli(),
        1,
        VerdictsBySource.VERDICT_TLP);
  }
}
