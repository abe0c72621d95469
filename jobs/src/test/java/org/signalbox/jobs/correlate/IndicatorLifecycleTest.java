package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.indicator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.jobs.metrics.HarnessMetrics;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.IndicatorAuditAction;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

class IndicatorLifecycleTest {
  static final Duration GRACE = Duration.ofHours(1);
  static final Duration RETENTION = Duration.ofDays(7);
  static final String SECRETARIAT = "secretariat";

  KeyedOneInputStreamOperatorTestHarness<IndicatorKey, IndicatorUpdate, IndicatorChange> harness;

  /** Every change the lifecycle emitted, including those already drained: the index's input. */
  final List<IndicatorChange> emitted = new ArrayList<>();

  final AvroCodec<Indicator> codec = AvroCodec.indicator();
  long offset;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new IndicatorLifecycle(GRACE, RETENTION, true, SECRETARIAT)),
            u -> IndicatorKey.of(u.id),
            TypeInformation.of(IndicatorKey.class));
    harness.open();
    harness.setProcessingTime(T0.toEpochMilli());
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  void send(Indicator ind) throws Exception {
    harness.processElement(new StreamRecord<>(IndicatorUpdate.upsert(ind, origin(ind))));
  }

  /** The record as the decoder passes it on: from partition 3 of the indicators topic. */
  RawRecord origin(Indicator ind) {
    return new RawRecord(
        "indicators",
        3,
        offset++,
        0L,
        ind.getId().getBytes(StandardCharsets.UTF_8),
        codec.encode(ind));
  }

  void tombstone(String id) throws Exception {
    RawRecord raw =
        new RawRecord("indicators", 3, offset++, 0L, id.getBytes(StandardCharsets.UTF_8), null);
    harness.processElement(new StreamRecord<>(IndicatorUpdate.deletion(id, raw)));
  }

  List<String> drain() {
    List<IndicatorChange> changes = harness.extractOutputValues();
    emitted.addAll(changes);
    harness.getOutput().clear();
    return changes.stream().map(Object::toString).collect(Collectors.toList());
  }

  List<DeadLetter> deadLetters() {
    return values(harness.getSideOutput(DeadLetters.TAG));
  }

  List<IndicatorAudit> audits() {
    return values(harness.getSideOutput(IndicatorLifecycle.AUDIT));
  }

  static <T> List<T> values(Queue<StreamRecord<T>> queue) {
    List<T> out = new ArrayList<>();
    if (queue != null) {
      queue.forEach(r -> out.add(r.getValue()));
      queue.clear();
    }
    return out;
  }

  /**
   * What the exact index answers for {@code value} once it has applied every change the lifecycle
   * emitted so far: "eventId -> indicatorId@version" per sighting.
   */
  List<String> exactIndexMatches(ObservableType type, String value) throws Exception {
    drain();
    KeyedTwoInputStreamOperatorTestHarness<String, ObservableProbe, IndicatorChange, Sighting>
        index =
            ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new ExactIndicatorMatcher(false), p -> p.key, c -> c.key, Types.STRING);
    try (index) {
      index.open();
      for (IndicatorChange c : emitted) {
        if (c.target == IndexTarget.EXACT) {
          index.processElement2(new StreamRecord<>(c));
        }
      }
      index.processElement1(
          new StreamRecord<>(Fixtures.probe("probe", type, value, T0.plus(Duration.ofDays(1)))));
      return index.extractOutputValues().stream()
          .map(
              x ->
                  x.getEventId()
                      + " -> "
                      + x.getIndicatorId()
                      + "@"
                      + x.getIndicatorVersion().toEpochMilli())
          .toList();
    }
  }

  @Test
  void newerVersionWinsAndLateOlderVersionIsIgnored() throws Exception {
    Indicator v2 =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(60))
            .build();
    Indicator v1 =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.8")
            .build();

    send(v2);
    send(v1);

    assertThat(drain())
        .containsExactly(
            "UPSERT indicator--61000000-0000-4000-8000-000000000000@"
                + T0.plusSeconds(60).toEpochMilli()
                + " -> EXACT IPV4|198.51.100.7");
  }

  @Test
  void aMovedValueWithdrawsTheOldIndexEntry() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "old.example")
            .build());
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "new.example")
            .setVersion(T0.plusSeconds(1))
            .build());

    long v2 = T0.plusSeconds(1).toEpochMilli();
    assertThat(drain())
        .containsExactly(
            "UPSERT indicator--61000000-0000-4000-8000-000000000000@"
                + T0.toEpochMilli()
                + " -> EXACT DOMAIN|old.example",
            "TOMBSTONE indicator--61000000-0000-4000-8000-000000000000@"
                + v2
                + " -> EXACT DOMAIN|old.example",
            "UPSERT indicator--61000000-0000-4000-8000-000000000000@"
                + v2
                + " -> EXACT DOMAIN|new.example");
  }

  @Test
  void revocationLeavesAMarkThenStateIsEmptyAfterRetention() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(5))
            .setRevoked(true)
            .build());
    // Older version replayed during the retention: still ignored.
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    assertThat(drain()).hasSize(2).last().asString().startsWith("TOMBSTONE");
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(T0.plus(RETENTION).toEpochMilli());

    assertThat(drain())
        .singleElement()
        .asString()
        .startsWith("REMOVE indicator--61000000-0000-4000-8000-000000000000");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void expiredIndicatorLeavesStateAfterTheGrace() throws Exception {
    Instant until = T0.plus(Duration.ofDays(1));
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setValidUntil(until)
            .build());
    drain();

    harness.setProcessingTime(until.plus(GRACE).toEpochMilli() - 1);
    assertThat(drain()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

    harness.setProcessingTime(until.plus(GRACE).toEpochMilli());
    assertThat(drain())
        .singleElement()
        .asString()
        .startsWith("REMOVE indicator--61000000-0000-4000-8000-000000000000");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void anUpdateMovesTheExpiryTimerInsteadOfAddingOne() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setValidUntil(T0.plus(Duration.ofDays(1)))
            .build());
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(1))
            .setValidUntil(T0.plus(Duration.ofDays(30)))
            .build());
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(T0.plus(Duration.ofDays(2)).toEpochMilli());
    drain();
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
  }

  @Test
  void kafkaTombstoneWithdrawsTheCurrentVersion() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.0/24")
            .setMatchKind(MatchKind.CIDR)
            .build());
    harness.processElement(
        new StreamRecord<>(
            IndicatorUpdate.deletion("indicator--61000000-0000-4000-8000-000000000000")));

    assertThat(drain())
        .containsExactly(
            "UPSERT indicator--61000000-0000-4000-8000-000000000000@"
                + T0.toEpochMilli()
                + " -> RANGE CIDR|198.51.100.0/24",
            "TOMBSTONE indicator--61000000-0000-4000-8000-000000000000@"
                + T0.toEpochMilli()
                + " -> RANGE CIDR|198.51.100.0/24");
    harness.setProcessingTime(T0.plus(RETENTION).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void deletionOfAnUnknownIdChangesNothing() throws Exception {
    harness.processElement(
        new StreamRecord<>(
            IndicatorUpdate.deletion("indicator--6e6f626f-6479-4000-8000-000000000000")));
    assertThat(drain()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void deletionOfAnUnknownIdIsNotAudited() throws Exception {
    tombstone("indicator--6e6f626f-6479-4000-8000-000000000000");
    assertThat(audits()).isEmpty();
    assertThat(deadLetters()).isEmpty();
  }

  // --- Ownership: an id belongs to the source of the first version accepted.

  @Test
  void theOriginalSourcesOwnUpdatesAreAppliedWithoutAudit() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "old.example")
            .build());
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "new.example")
            .setVersion(T0.plusSeconds(1))
            .setValidUntil(T0.plus(Duration.ofDays(3)))
            .build());

    assertThat(drain()).hasSize(3).last().asString().startsWith("UPSERT");
    assertThat(deadLetters()).isEmpty();
    assertThat(audits()).isEmpty();
    assertThat(exactIndexMatches(ObservableType.DOMAIN, "new.example"))
        .containsExactly(
            "probe -> indicator--61000000-0000-4000-8000-000000000000@"
                + T0.plusSeconds(1).toEpochMilli());
  }

  @Test
  void aForeignUpdateIsADeadLetterAndTheHeldVersionKeepsMatching() throws Exception {
    Indicator original =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build();
    send(original);
    drain();
    // Another source claims the id with a newer version that moves the value.
    Indicator forged =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "203.0.113.9")
            .setVersion(T0.plusSeconds(60))
            .setSource("member-mallory")
            .setConfidence(1)
            .build();
    send(forged);

    assertThat(drain()).isEmpty();
    assertThat(audits()).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getStage()).isEqualTo("lifecycle");
              assertThat(d.getReason()).isEqualTo("not-original-source");
              assertThat(d.getError())
                  .contains(
                      "source 'member-mallory' may not change indicator--61000000-0000-4000-8000-000000000000")
                  .contains("its original source is 'isac'");
              assertThat(d.getOriginTopic()).isEqualTo("indicators");
              assertThat(d.getPartition()).isEqualTo(3);
              assertThat(d.getOffset()).isEqualTo(1);
              // The evidence is the record exactly as it arrived.
              assertThat(codec.decode(d.getRaw().array())).isEqualTo(forged);
              assertThat(new String(d.getRawKey().array(), StandardCharsets.UTF_8))
                  .isEqualTo("indicator--61000000-0000-4000-8000-000000000000");
            });
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isZero();

    // Downstream, the original still matches and the forged value does not.
    assertThat(exactIndexMatches(ObservableType.IPV4, "198.51.100.7"))
        .containsExactly(
            "probe -> indicator--61000000-0000-4000-8000-000000000000@" + T0.toEpochMilli());
    assertThat(exactIndexMatches(ObservableType.IPV4, "203.0.113.9")).isEmpty();

    // The held version did not move to the forged one's: an owner's version older than the
    // forgery still counts as newer than what is held.
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(30))
            .build());
    assertThat(drain())
        .containsExactly(
            "UPSERT indicator--61000000-0000-4000-8000-000000000000@"
                + T0.plusSeconds(30).toEpochMilli()
                + " -> EXACT IPV4|198.51.100.7");
  }

  @Test
  void foreignRevocationsAndValidityChangesAreRefusedWhateverTheirVersion() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    drain();
    Indicator.Builder foreign =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setSource("feed-x");
    send(foreign.setVersion(T0.plusSeconds(5)).setRevoked(true).build());
    send(
        foreign
            .setVersion(T0.plusSeconds(6))
            .setRevoked(false)
            .setValidUntil(T0.plusSeconds(7))
            .build());
    // Older than the held version: refused as foreign all the same (the sender picks the version).
    send(foreign.setVersion(T0.minusSeconds(60)).setRevoked(true).build());

    assertThat(drain()).isEmpty();
    assertThat(deadLetters())
        .extracting(DeadLetter::getReason, DeadLetter::getOffset)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("not-original-source", 1L),
            org.assertj.core.groups.Tuple.tuple("not-original-source", 2L),
            org.assertj.core.groups.Tuple.tuple("not-original-source", 3L));
    // No expiry timer from the refused valid_until, and the revocation left no mark.
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(exactIndexMatches(ObservableType.IPV4, "198.51.100.7"))
        .containsExactly(
            "probe -> indicator--61000000-0000-4000-8000-000000000000@" + T0.toEpochMilli());
  }

  @Test
  void theSecretariatMayChangeAnyIndicatorAndEveryChangeIsAudited() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    drain();

    Indicator revocation =
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(10))
            .setSource(SECRETARIAT)
            .setRevoked(true)
            .build();
    send(revocation);

    assertThat(drain())
        .containsExactly(
            "TOMBSTONE indicator--61000000-0000-4000-8000-000000000000@"
                + T0.plusSeconds(10).toEpochMilli()
                + " -> EXACT IPV4|198.51.100.7");
    assertThat(deadLetters()).isEmpty();
    assertThat(audits())
        .singleElement()
        .isEqualTo(
            IndicatorAudit.newBuilder()
                .setIndicatorId("indicator--61000000-0000-4000-8000-000000000000")
                .setAction(IndicatorAuditAction.REVOKE)
                .setActor(SECRETARIAT)
                .setOriginalSource("isac")
                .setOldVersion(T0)
                .setNewVersion(T0.plusSeconds(10))
                .setAt(T0)
                .setOriginTopic("indicators")
                .setPartition(3)
                .setOffset(1)
                .build());
    assertThat(exactIndexMatches(ObservableType.IPV4, "198.51.100.7")).isEmpty();

    // A stale change by the secretariat changes nothing, so there is nothing to audit.
    send(revocation);
    assertThat(drain()).isEmpty();
    assertThat(audits()).isEmpty();

    // The secretariat restores it: an audited UPDATE.
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(20))
            .setSource(SECRETARIAT)
            .build());
    assertThat(drain()).singleElement().asString().startsWith("UPSERT");
    assertThat(audits())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getAction()).isEqualTo(IndicatorAuditAction.UPDATE);
              assertThat(a.getOldVersion()).isEqualTo(T0.plusSeconds(10));
              assertThat(a.getNewVersion()).isEqualTo(T0.plusSeconds(20));
            });

    // Ownership stays with the original source: it may still update, others may still not.
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(30))
            .build());
    assertThat(drain()).singleElement().asString().startsWith("UPSERT");
    assertThat(audits()).isEmpty();
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(40))
            .setSource("feed-x")
            .setRevoked(true)
            .build());
    assertThat(drain()).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.getError()).contains("its original source is 'isac'"));
  }

  @Test
  void theSecretariatsOwnIndicatorNeedsNoAudit() throws Exception {
    send(
        indicator(
                "indicator--73000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setSource(SECRETARIAT)
            .build());
    send(
        indicator(
                "indicator--73000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setSource(SECRETARIAT)
            .setVersion(T0.plusSeconds(1))
            .setRevoked(true)
            .build());
    assertThat(drain()).hasSize(2);
    assertThat(audits()).isEmpty();
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void aKafkaTombstoneIsAnAuditedAdministrativeDelete() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    drain();
    tombstone("indicator--61000000-0000-4000-8000-000000000000");

    assertThat(drain())
        .containsExactly(
            "TOMBSTONE indicator--61000000-0000-4000-8000-000000000000@"
                + T0.toEpochMilli()
                + " -> EXACT IPV4|198.51.100.7");
    assertThat(audits())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getAction()).isEqualTo(IndicatorAuditAction.DELETE);
              assertThat(a.getActor()).isEqualTo(IndicatorLifecycle.TOMBSTONE_ACTOR);
              assertThat(a.getOriginalSource()).isEqualTo("isac");
              assertThat(a.getOldVersion()).isEqualTo(T0);
              assertThat(a.getNewVersion()).isNull();
              assertThat(a.getOffset()).isEqualTo(1);
            });
    assertThat(exactIndexMatches(ObservableType.IPV4, "198.51.100.7")).isEmpty();

    // A second tombstone finds nothing live: neither withdrawn again nor audited again.
    tombstone("indicator--61000000-0000-4000-8000-000000000000");
    assertThat(drain()).isEmpty();
    assertThat(audits()).isEmpty();

    // The withdrawal mark still knows the owner during the retention.
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(5))
            .setSource("feed-x")
            .build());
    assertThat(drain()).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .extracting(DeadLetter::getReason)
        .isEqualTo("not-original-source");
  }

  @Test
  void ownershipLeavesStateWithTheIdSoTheIdCanBeReused() throws Exception {
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(1))
            .setRevoked(true)
            .build());
    harness.setProcessingTime(T0.plus(RETENTION).toEpochMilli());
    assertThat(drain()).last().asString().startsWith("REMOVE");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();

    // Nothing is left of the old owner: the next source to publish the id owns it.
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000", ObservableType.IPV4, "192.0.2.8")
            .setVersion(T0.plus(RETENTION))
            .setSource("feed-x")
            .build());
    assertThat(drain()).singleElement().asString().startsWith("UPSERT");
    assertThat(deadLetters()).isEmpty();
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000", ObservableType.IPV4, "192.0.2.8")
            .setVersion(T0.plus(RETENTION).plusSeconds(1))
            .setRevoked(true)
            .build());
    assertThat(drain()).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.getError())
                    .contains("source 'isac' may not change")
                    .contains("original source is 'feed-x'"));
  }

  @Test
  void anExpiredIndicatorsOwnerLeavesStateToo() throws Exception {
    Instant until = T0.plus(Duration.ofDays(1));
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setValidUntil(until)
            .build());
    harness.setProcessingTime(until.plus(GRACE).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(1))
            .setSource("feed-x")
            .build());
    assertThat(deadLetters()).isEmpty();
    assertThat(drain()).last().asString().startsWith("UPSERT");
  }

  @Test
  void stateFromBeforeOwnershipWasRecordedAdoptsTheNextSource() throws Exception {
    // A LifecycleRecord without a source, as state written by an older release had; the compact
    // serializer keeps a null source null, so the lifecycle still sees "no owner yet".
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    harness
        .getOperator()
        .setCurrentKey(IndicatorKey.of("indicator--61000000-0000-4000-8000-000000000000"));
    var state =
        harness
            .getOperator()
            .getKeyedStateStore()
            .getState(
                new org.apache.flink.api.common.state.ValueStateDescriptor<>(
                    "indicator-lifecycle", IndicatorLifecycle.LifecycleRecord.class));
    IndicatorLifecycle.LifecycleRecord old = state.value();
    old.source = null;
    state.update(old);

    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(1))
            .setSource("feed-x")
            .build());
    send(
        indicator(
                "indicator--61000000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .setVersion(T0.plusSeconds(2))
            .build());
    assertThat(drain()).hasSize(2);
    assertThat(deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.getError()).contains("original source is 'feed-x'"));
  }

  /**
   * indicatorsHeld follows ids in and out, and a job restored from a checkpoint reports what it
   * restored instead of counting from zero (and below zero as restored ids are withdrawn).
   */
  @Test
  void indicatorsHeldIsCountedAndSurvivesARestore() throws Exception {
    HarnessMetrics before = new HarnessMetrics();
    OperatorSubtaskState snapshot;
    try (MockEnvironment env = before.environment();
        KeyedOneInputStreamOperatorTestHarness<IndicatorKey, IndicatorUpdate, IndicatorChange>
            first = lifecycle(env)) {
      first.open();
      first.setProcessingTime(T0.toEpochMilli());
      for (String id :
          List.of(
              "indicator--61000000-0000-4000-8000-000000000000",
              "indicator--62000000-0000-4000-8000-000000000000",
              "indicator--63000000-0000-4000-8000-000000000000")) {
        first.processElement(
            new StreamRecord<>(
                IndicatorUpdate.upsert(
                    indicator(id, ObservableType.DOMAIN, id.substring(11) + ".example").build())));
      }
      first.processElement(
          new StreamRecord<>(
              IndicatorUpdate.deletion("indicator--63000000-0000-4000-8000-000000000000")));
      assertThat(before.gauge(CorrelateMetrics.INDICATORS_HELD)).isEqualTo(2);
      snapshot = first.snapshot(1L, T0.toEpochMilli());
    }

    HarnessMetrics after = new HarnessMetrics();
    try (MockEnvironment env = after.environment();
        KeyedOneInputStreamOperatorTestHarness<IndicatorKey, IndicatorUpdate, IndicatorChange>
            restored = lifecycle(env)) {
      restored.initializeState(snapshot);
      restored.open();
      restored.setProcessingTime(T0.toEpochMilli());
      assertThat(after.gauge(CorrelateMetrics.INDICATORS_HELD)).isEqualTo(2);
      restored.processElement(
          new StreamRecord<>(
              IndicatorUpdate.deletion("indicator--61000000-0000-4000-8000-000000000000")));
      assertThat(after.gauge(CorrelateMetrics.INDICATORS_HELD)).isEqualTo(1);
      assertThat(after.counter(CorrelateMetrics.INDICATOR_UNKNOWN_DELETIONS)).isZero();
    }
  }

  static KeyedOneInputStreamOperatorTestHarness<IndicatorKey, IndicatorUpdate, IndicatorChange>
      lifecycle(MockEnvironment env) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new IndicatorLifecycle(GRACE, RETENTION, true, SECRETARIAT)),
        u -> IndicatorKey.of(u.id),
        TypeInformation.of(IndicatorKey.class),
        env);
  }
}
