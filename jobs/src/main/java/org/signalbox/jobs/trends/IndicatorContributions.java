package org.signalbox.jobs.trends;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Indicator;

/**
 * Indicator versions published by members: a version whose source is a member id of the directory
 * is that member's contribution, at the version's time. New indicators and updates both count (an
 * update is work shared too). Sources that are not member ids (the secretariat, feeds, other ISACs,
 * members publishing under a pseudonym) are not members' contributions here.
 */
public final class IndicatorContributions implements FlatMapFunction<Indicator, TrendFact> {

  private final MemberDirectory directory;

  public IndicatorContributions(MemberDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void flatMap(Indicator i, Collector<TrendFact> out) {
    directory
        .member(i.getSource())
        .ifPresent(
            m ->
                Contributions.emit(
                    out,
                    Contributions.INDICATORS,
                    m.id(),
                    m.sector(),
                    i.getVersion().toEpochMilli(),
                    1,
                    i.getTlp()));
  }
}
