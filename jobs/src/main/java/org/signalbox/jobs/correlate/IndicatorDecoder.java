package org.signalbox.jobs.correlate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.core.IndicatorIds;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.match.PatternMatcher;
import org.signalbox.stix.pattern.InvalidPatternException;
import org.signalbox.stix.pattern.StixPattern;

/**
 * Decodes, validates and canonicalizes records of the indicators topic. A record that cannot be
 * used becomes a dead letter; one bad indicator never stops the index from loading.
 */
public final class IndicatorDecoder extends ProcessFunction<RawRecord, IndicatorUpdate> {
  private static final long serialVersionUID = 1L;

  private final RecordLimits limits;
  private final KnownBenign benign;
  private transient AvroCodec<Indicator> codec;
  private transient Counter rejected;
  private transient Counter suppressed;

  public IndicatorDecoder(RecordLimits limits) {
    this(limits, "");
  }

  /**
   * @param warninglistDir directory of MISP warninglists; known-benign values are not indexed
   */
  public IndicatorDecoder(RecordLimits limits, String warninglistDir) {
    this.limits = limits;
    this.benign = new KnownBenign(warninglistDir);
  }

  @Override
  public void open(OpenContext openContext) throws IOException {
    codec = AvroCodec.indicator();
    rejected =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup(CorrelateMetrics.GROUP)
            .counter(CorrelateMetrics.INDICATOR_DEAD_LETTERS);
    suppressed =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup(CorrelateMetrics.GROUP)
            .counter(CorrelateMetrics.INDICATORS_SUPPRESSED);
    benign.open();
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<IndicatorUpdate> out) {
    String key = raw.key == null ? null : new String(raw.key, StandardCharsets.UTF_8);
    if (raw.value == null) {
      if (key == null || key.isBlank()) {
        reject(
            ctx,
            raw,
            "decode",
            "tombstone-without-key",
            "a tombstone needs the indicator id as its key");
      } else if (IndicatorIds.problem(key).isPresent()) {
        // A tombstone under a key no importer can write deletes nothing real; passing it on would
        // make state and an audit record for a key that is not an indicator.
        reject(
            ctx,
            raw,
            "validate",
            "invalid-id",
            "tombstone key: " + IndicatorIds.problem(key).get());
      } else {
        out.collect(IndicatorUpdate.deletion(key, raw));
      }
      return;
    }
    Indicator indicator;
    try {
      indicator = codec.decode(raw.value);
    } catch (IOException e) {
      reject(ctx, raw, "decode", "undecodable-avro", "not an Indicator: " + e.getMessage());
      return;
    }
    if (key != null && !key.equals(indicator.getId())) {
      // Compaction keeps one record per key: a key that is not the id would let two ids
      // overwrite each other, or one id live under two keys forever.
      reject(
          ctx,
          raw,
          "validate",
          "key-id-mismatch",
          "record key '" + key + "' is not the indicator id '" + indicator.getId() + "'");
      return;
    }
    try {
      canonicalize(indicator);
    } catch (InvalidIndicatorException e) {
      reject(ctx, raw, "validate", e.reason, e.getMessage());
      return;
    }
    List<String> benign = knownBenign(indicator);
    if (!benign.isEmpty()) {
      suppressed.inc();
      reject(
          ctx,
          raw,
          "suppress",
          "warninglist",
          indicator.getValue()
              + " is on MISP warninglist(s) "
              + benign
              + ": known benign, not indexed");
      return;
    }
    out.collect(IndicatorUpdate.upsert(indicator, raw));
  }

  /** Names of the warninglists that hold the indicator's value (a range by its first address). */
  private List<String> knownBenign(Indicator ind) {
    if (ind.getMatchKind() == MatchKind.PATTERN) {
      return List.of();
    }
    String value = ind.getValue();
    if (ind.getMatchKind() == MatchKind.CIDR) {
      value = value.substring(0, value.indexOf('/'));
    }
    return benign.listsHolding(ind.getObservableType(), value);
  }

  /** Validates {@code ind} and rewrites its value into canonical form, in place. */
  void canonicalize(Indicator ind) throws InvalidIndicatorException {
    Optional<String> badId = IndicatorIds.problem(ind.getId());
    if (badId.isPresent()) {
      throw new InvalidIndicatorException("invalid-id", badId.get());
    }
    if (ind.getConfidence() < 0 || ind.getConfidence() > 100) {
      throw new InvalidIndicatorException(
          "absurd-confidence", "confidence " + ind.getConfidence() + " is outside 0..100");
    }
    if (!limits.plausibleEventTime(ind.getVersion().toEpochMilli())) {
      throw new InvalidIndicatorException(
          "absurd-version",
          "version (modified) "
              + ind.getVersion()
              + " is outside "
              + limits.describeEventTimeRange());
    }
    if (ind.getValidUntil() != null && !ind.getValidUntil().isAfter(ind.getValidFrom())) {
      throw new InvalidIndicatorException(
          "empty-validity",
          "valid_until " + ind.getValidUntil() + " is not after valid_from " + ind.getValidFrom());
    }
    if (ind.getSource().isBlank()) {
      throw new InvalidIndicatorException("missing-source", "indicator source is empty");
    }
    MatchKind kind = ind.getMatchKind();
    if (kind == MatchKind.PATTERN) {
      if (ind.getPattern() == null || ind.getPattern().isBlank()) {
        throw new InvalidIndicatorException(
            "missing-pattern", "a PATTERN indicator needs a pattern");
      }
      StixPattern pattern;
      try {
        pattern = StixPattern.parse(ind.getPattern());
      } catch (InvalidPatternException e) {
        throw new InvalidIndicatorException("invalid-pattern", "STIX pattern: " + e.getMessage());
      }
      String broad = PatternMatcher.unmatchable(pattern, limits.breadth()).orElse(null);
      if (broad != null) {
        throw new InvalidIndicatorException("too-broad", "STIX pattern: " + broad);
      }
      return;
    }
    ObservableType type = ind.getObservableType();
    String value = ind.getValue();
    if (type == null || value == null || value.isBlank()) {
      throw new InvalidIndicatorException(
          "missing-value", kind + " indicator needs observableType and value");
    }
    try {
      switch (kind) {
        case EXACT:
          {
            NormalizedObservable n = ObservableNormalizer.normalize(type, value);
            ind.setObservableType(n.type());
            ind.setValue(n.value());
            return;
          }
        case CIDR:
          {
            if (type != ObservableType.IPV4 && type != ObservableType.IPV6) {
              throw new InvalidIndicatorException(
                  "invalid-cidr", "CIDR indicators are IPV4 or IPV6, not " + type);
            }
            IpNetwork net = IpNetwork.parse(value);
            String broad = limits.breadth().network(net).orElse(null);
            if (broad != null) {
              throw new InvalidIndicatorException("too-broad", broad);
            }
            ind.setObservableType(net.isIpv6() ? ObservableType.IPV6 : ObservableType.IPV4);
            ind.setValue(net.toString());
            return;
          }
        case DOMAIN_SUFFIX:
          {
            if (type != ObservableType.DOMAIN) {
              throw new InvalidIndicatorException(
                  "invalid-suffix", "DOMAIN_SUFFIX indicators are DOMAIN, not " + type);
            }
            String parent = value.strip();
            if (parent.startsWith("*.")) {
              parent = parent.substring(2);
            } else if (parent.startsWith(".")) {
              parent = parent.substring(1);
            }
            String canonicalParent =
                ObservableNormalizer.normalize(ObservableType.DOMAIN, parent).value();
            String broad = limits.breadth().suffix(canonicalParent).orElse(null);
            if (broad != null) {
              throw new InvalidIndicatorException("too-broad", broad);
            }
            ind.setValue(canonicalParent);
            return;
          }
        default:
          throw new InvalidIndicatorException("unknown-match-kind", "unknown match kind " + kind);
      }
    } catch (InvalidObservableException e) {
      throw new InvalidIndicatorException("invalid-value", type + " " + e.getMessage());
    }
  }

  private void reject(Context ctx, RawRecord raw, String stage, String reason, String error) {
    rejected.inc();
    ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage, reason, error));
  }

  /** A reason code and an explanation. */
  static final class InvalidIndicatorException extends Exception {
    final String reason;

    InvalidIndicatorException(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }
}
