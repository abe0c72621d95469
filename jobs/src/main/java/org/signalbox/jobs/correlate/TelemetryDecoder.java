package org.signalbox.jobs.correlate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Observable;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;

/**
 * Decodes and validates telemetry. Anything unusable becomes a dead letter with its origin; the
 * stream goes on. Observables are brought into canonical form again here, because the job cannot
 * assume every member runs the current edge release.
 *
 * <p>Each member writes to its own topic {@code <prefix><member>}, and the broker's ACLs let only
 * that member write there: the topic is the proof of the sender, the {@code member} field is only a
 * claim. An event whose claim differs from its topic is a forgery (or a misconfigured edge) and
 * becomes a dead letter ({@code forged-member}); were it accepted, one member could make sightings,
 * campaign alerts and trends appear under another member's name.
 */
public final class TelemetryDecoder extends ProcessFunction<RawRecord, DecodedTelemetry> {
  private static final long serialVersionUID = 1L;

  static final int MAX_OBSERVABLES = 1000;
  static final int MAX_ATTRIBUTES = 256;

  private final RecordLimits limits;
  private final String memberTopicPrefix;
  private transient AvroCodec<TelemetryEvent> codec;
  private transient Counter decoded;
  private transient Counter rejected;
  private transient Counter forged;

  /**
   * @param memberTopicPrefix records from a topic {@code <prefix><member>} must claim that member;
   *     records from other topics, and all records when the prefix is empty (files), are not
   *     checked
   */
  public TelemetryDecoder(RecordLimits limits, String memberTopicPrefix) {
    this.limits = limits;
    this.memberTopicPrefix = memberTopicPrefix == null ? "" : memberTopicPrefix;
  }

  @Override
  public void open(OpenContext openContext) {
    codec = AvroCodec.telemetry();
    var metrics = getRuntimeContext().getMetricGroup().addGroup(CorrelateMetrics.GROUP);
    decoded = metrics.counter(CorrelateMetrics.TELEMETRY_EVENTS_IN);
    rejected = metrics.counter(CorrelateMetrics.TELEMETRY_DEAD_LETTERS);
    forged = metrics.counter(CorrelateMetrics.TELEMETRY_FORGED_MEMBERS);
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<DecodedTelemetry> out) {
    if (raw.value == null) {
      reject(ctx, raw, "decode", "tombstone", "telemetry record has no value (a Kafka tombstone)");
      return;
    }
    TelemetryEvent event;
    try {
      event = codec.decode(raw.value);
    } catch (IOException e) {
      reject(ctx, raw, "decode", "undecodable-avro", "not a TelemetryEvent: " + e.getMessage());
      return;
    }
    String problem = validate(event);
    if (problem != null) {
      reject(ctx, raw, "validate", problem.substring(0, problem.indexOf(':')), problem);
      return;
    }
    String topicMember = memberOfTopic(raw.topic);
    if (topicMember != null && !topicMember.equals(event.getMember())) {
      forged.inc();
      reject(
          ctx,
          raw,
          "validate",
          "forged-member",
          "forged-member: event claims member '"
              + event.getMember()
              + "' but was written to "
              + raw.topic
              + ", the topic of member '"
              + topicMember
              + "'");
      return;
    }
    List<Observable> canonical = new ArrayList<>(event.getObservables().size());
    for (Observable o : event.getObservables()) {
      try {
        NormalizedObservable n = ObservableNormalizer.normalize(o.getType(), o.getValue());
        canonical.add(new Observable(n.type(), n.value(), o.getRole()));
      } catch (InvalidObservableException e) {
        reject(
            ctx,
            raw,
            "validate",
            "invalid-observable",
            "invalid-observable: " + o.getType() + " " + e.getMessage());
        return;
      }
    }
    event.setObservables(canonical);
    decoded.inc();
    out.collect(new DecodedTelemetry(event, raw.timestamp));
  }

  /** The member whose topic {@code topic} is, or null when the topic is not a member topic. */
  String memberOfTopic(String topic) {
    if (memberTopicPrefix.isEmpty()
        || topic == null
        || topic.length() <= memberTopicPrefix.length()
        || !topic.startsWith(memberTopicPrefix)) {
      return null;
    }
    return topic.substring(memberTopicPrefix.length());
  }

  /** Null when the event is usable, else {@code reason-code: explanation}. */
  String validate(TelemetryEvent e) {
    if (e.getEventId().isBlank()) {
      return "missing-event-id: eventId is empty";
    }
    if (e.getMember().isBlank()) {
      return "missing-member: member is empty";
    }
    long t = e.getEventTime().toEpochMilli();
    if (!limits.plausibleEventTime(t)) {
      return "absurd-event-time: eventTime "
          + e.getEventTime()
          + " is outside "
          + limits.describeEventTimeRange();
    }
    if (e.getObservables().size() > MAX_OBSERVABLES) {
      return "too-many-observables: "
          + e.getObservables().size()
          + " observables, at most "
          + MAX_OBSERVABLES;
    }
    if (e.getAttributes().size() > MAX_ATTRIBUTES) {
      return "too-many-attributes: "
          + e.getAttributes().size()
          + " attributes, at most "
          + MAX_ATTRIBUTES;
    }
    return null;
  }

  private void reject(Context ctx, RawRecord raw, String stage, String reason, String error) {
    rejected.inc();
    ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage, reason, error));
  }
}
