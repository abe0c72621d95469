package org.signalbox.jobs.campaign;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.Sighting;

/**
 * Fans a sighting out to every key a campaign can be recognised by: the indicator itself, each
 * threat actor or intrusion set, each campaign and each ATT&CK technique of its context.
 *
 * <p>Names from different feeds differ in case and spacing ("APT 28" vs "apt 28"), so actor and
 * campaign names are case-folded with runs of whitespace collapsed; technique ids are upper-cased
 * (t1071.004 is T1071.004). A key listed twice in one context counts once.
 */
public final class CampaignKeys implements FlatMapFunction<Sighting, CampaignObservation> {
  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(Sighting s, Collector<CampaignObservation> out) {
    for (CampaignObservation o : of(s)) {
      out.collect(o);
    }
  }

  public static List<CampaignObservation> of(Sighting s) {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(CampaignKeyKind.INDICATOR.name() + "|" + s.getIndicatorId());
    IndicatorContext ctx = s.getEnrichment();
    if (ctx != null) {
      for (String actor : ctx.getThreatActors()) {
        add(keys, CampaignKeyKind.ACTOR, name(actor));
      }
      for (String campaign : ctx.getCampaigns()) {
        add(keys, CampaignKeyKind.CAMPAIGN, name(campaign));
      }
      for (String technique : ctx.getAttackPatterns()) {
        add(keys, CampaignKeyKind.TECHNIQUE, technique.trim().toUpperCase(Locale.ROOT));
      }
    }
    return keys.stream()
        .map(
            key -> {
              int bar = key.indexOf('|');
              CampaignObservation o = new CampaignObservation();
              o.kind = CampaignKeyKind.valueOf(key.substring(0, bar));
              o.value = key.substring(bar + 1);
              o.member = s.getMember();
              o.sector = s.getSector();
              o.eventTime = s.getEventTime().toEpochMilli();
              o.tlp = s.getTlp();
              o.confidence = s.getConfidence();
              o.indicatorId = s.getIndicatorId();
              o.sightingId = s.getSightingId();
              return o;
            })
        .toList();
  }

  private static void add(Set<String> keys, CampaignKeyKind kind, String value) {
    if (!value.isEmpty()) {
      keys.add(kind.name() + "|" + value);
    }
  }

  static String name(String raw) {
    return raw.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
