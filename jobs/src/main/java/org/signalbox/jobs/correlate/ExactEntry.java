package org.signalbox.jobs.correlate;

import java.util.List;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Tlp;

/**
 * What the exact index keeps of one indicator: the fields that decide a match and the fields a
 * sighting copies, nothing else. The value and its type are the state's key already, the pattern
 * and name never reach a sighting; leaving them out (and writing the id as 16 bytes, see {@link
 * ExactSlot.Serializer}) is most of the difference to storing the whole {@link Indicator}.
 */
public final class ExactEntry {
  /** {@link #validUntil} of an indicator without an end. */
  static final long NO_END = Long.MAX_VALUE;

  String indicatorId;
  long version;

  /** A withdrawal mark: only {@link #indicatorId} and {@link #version} are set. */
  boolean tombstone;

  boolean revoked;
  long validFrom;
  long validUntil;
  MatchKind matchKind;
  Tlp tlp;
  int confidence;
  String source;
  List<String> labels;
  IndicatorContext context;

  ExactEntry() {}

  static ExactEntry upsert(String id, long version, Indicator ind) {
    ExactEntry e = new ExactEntry();
    e.indicatorId = id;
    e.version = version;
    e.revoked = ind.getRevoked();
    e.validFrom = ind.getValidFrom().toEpochMilli();
    e.validUntil = ind.getValidUntil() == null ? NO_END : ind.getValidUntil().toEpochMilli();
    e.matchKind = ind.getMatchKind();
    e.tlp = ind.getTlp();
    e.confidence = ind.getConfidence();
    e.source = ind.getSource();
    e.labels = ind.getLabels();
    e.context = ind.getContext();
    return e;
  }

  static ExactEntry tombstone(String id, long version) {
    ExactEntry e = new ExactEntry();
    e.indicatorId = id;
    e.version = version;
    e.tombstone = true;
    return e;
  }

  /** True when this entry may produce a sighting for an event at {@code eventTime}. */
  boolean matchesAt(long eventTime) {
    return !tombstone && !revoked && eventTime >= validFrom && eventTime < validUntil;
  }
}
