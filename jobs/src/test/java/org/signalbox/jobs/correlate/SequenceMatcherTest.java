package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;
import static org.signalbox.jobs.correlate.Fixtures.upsert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.SequenceObservation;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.stix.sequence.SequencePattern;

/**
 * The sequence matcher in a harness: event-time order, lateness, expiry by timers, the buffer
 * bound, and that a key whose observations have expired leaves no state and no timer.
 */
class SequenceMatcherTest {
  static final String ID = "indicator--5e900000-0000-4000-8000-000000000001";
  static final String STAGER_THEN_C2 =
      "([domain-name:value = 'stager.example'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.9'])"
          + " WITHIN 300 SECONDS";
  static final Duration LATENESS = Duration.ofMinutes(1);

  KeyedBroadcastOperatorTestHarness<String, SequenceProbe, IndicatorChange, Sighting> harness;
  Indicator indicator;
  SequencePattern pattern;
  int maxBuffered = 1000;
  boolean sectorScope;

  void open(String text) throws Exception {
    boolean sector = sectorScope; // the key selector is serialized: no reference to the test
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new SequenceMatcher(Duration.ofHours(24), LATENESS, maxBuffered, BreadthLimits.DEFAULT),
            p -> p.scopeKey(sector),
            Types.STRING,
            SequenceRouter.SEQUENCES);
    harness.open();
    indicator =
        indicator(ID, null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern(text)
            .setTlp(Tlp.GREEN)
            .build();
    pattern =
        SequencePattern.compile(
            StixPattern.parse(text), Duration.ofHours(24), BreadthLimits.DEFAULT);
    harness.processBroadcastElement(upsert(indicator), 0);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  int keyedEntries() {
    var operator = (AbstractStreamOperator<?>) harness.getOperator();
    return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend()).numKeyValueStateEntries();
  }

  /** What the router would send for this event: its leaves and their witnesses. */
  SequenceProbe probe(String id, String member, long seconds, Tlp tlp, Observable... o) {
    TelemetryEvent e = event(id, member, Sector.RAIL, T0.plusSeconds(seconds), o);
    e.setTlp(tlp);
    PatternProbe pp = PatternProbe.of(new DecodedTelemetry(e, T0.toEpochMilli()));
    SequenceProbe p = new SequenceProbe();
    p.setEvent(pp);
    p.indicatorId = ID;
    p.indicatorVersion = indicator.getVersion().toEpochMilli();
    p.witnesses = new ArrayList<>();
    List<Integer> leaves = new ArrayList<>();
    for (int l = 0; l < pattern.leafCount(); l++) {
      for (Observable w : pattern.leaf(l).witnesses(List.of(o))) {
        p.leaves |= 1L << l;
        p.witnesses.add(w);
        leaves.add(l);
      }
    }
    p.witnessLeaves = leaves.stream().mapToInt(Integer::intValue).toArray();
    return p;
  }

  SequenceProbe dns(String id, long seconds) {
    return probe(
        id,
        "m-rail-01",
        seconds,
        Tlp.GREEN,
        obs(ObservableType.DOMAIN, "stager.example", ObservableRole.QUERY));
  }

  SequenceProbe c2(String id, long seconds) {
    return probe(
        id,
        "m-rail-01",
        seconds,
        Tlp.GREEN,
        obs(ObservableType.IPV4, "203.0.113.9", ObservableRole.DESTINATION));
  }

  List<Sighting> sightings() {
    List<Sighting> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  long ms(long seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  @Test
  void followedByInEventTimeWhateverTheArrivalOrderAndThenNoStateIsLeft() throws Exception {
    open(STAGER_THEN_C2);
    harness.watermark(ms(0));
    // The connection arrives first, the DNS query it follows in event time second.
    harness.processElement(c2("c2", 20), 0);
    harness.processElement(dns("dns", 10), 0);
    assertThat(sightings()).isEmpty();
    harness.watermark(ms(30));
    List<Sighting> s = sightings();
    assertThat(s).hasSize(1);
    Sighting one = s.get(0);
    assertThat(one.getEventId()).isEqualTo("c2");
    assertThat(one.getMatchedValue()).isEqualTo("203.0.113.9");
    assertThat(one.getSequence())
        .extracting(
            SequenceObservation::getEventId,
            SequenceObservation::getValue,
            SequenceObservation::getObservation)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dns", "stager.example", 0),
            org.assertj.core.groups.Tuple.tuple("c2", "203.0.113.9", 1));
    assertThat(one.getSequence().get(0).getRole()).isEqualTo(ObservableRole.QUERY);
    assertThat(keyedEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aPartialMatchExpiresAtItsWindowPlusLatenessAndLeavesNothing() throws Exception {
    open(STAGER_THEN_C2);
    harness.watermark(ms(0));
    harness.processElement(dns("dns", 10), 0);
    harness.watermark(ms(11));
    assertThat(keyedEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    // Its window ends at 310 s; a late connection up to a minute behind may still come.
    harness.watermark(ms(10 + 300 + 60));
    assertThat(keyedEntries()).isEqualTo(1);
    harness.watermark(ms(10 + 300 + 60) + 1);
    assertThat(keyedEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    // A connection now is too late for the DNS query, which is gone.
    harness.processElement(c2("c2", 400), 0);
    harness.watermark(ms(401));
    assertThat(sightings()).isEmpty();
  }

  @Test
  void aLateEventWithinTheLatenessStillCompletesAMatchAndOneLaterDoesNot() throws Exception {
    open(STAGER_THEN_C2);
    harness.watermark(ms(0));
    harness.processElement(dns("dns", 10), 0);
    harness.watermark(ms(100));
    // 40 s behind the watermark: late, within the lateness.
    harness.processElement(c2("c2", 60), 0);
    assertThat(sightings()).extracting(Sighting::getEventId).containsExactly("c2");

    harness.processElement(dns("dns2", 70), 0);
    harness.watermark(ms(200));
    // 90 s behind: too late, not matched even though the DNS query is buffered.
    harness.processElement(c2("c2-late", 110), 0);
    assertThat(sightings()).isEmpty();
    harness.processElement(c2("c2b", 150), 0);
    assertThat(sightings()).extracting(Sighting::getEventId).containsExactly("c2b");
  }

  @Test
  void twoMembersDoNotMakeOneMatchAndTheMarkingIsTheMostRestrictive() throws Exception {
    open(STAGER_THEN_C2);
    harness.watermark(ms(0));
    harness.processElement(dns("dns", 10), 0);
    harness.processElement(
        probe(
            "c2-other",
            "m-air-02",
            20,
            Tlp.GREEN,
            obs(ObservableType.IPV4, "203.0.113.9", ObservableRole.DESTINATION)),
        0);
    harness.watermark(ms(30));
    assertThat(sightings()).isEmpty();
    harness.processElement(
        probe(
            "c2-amber",
            "m-rail-01",
            40,
            Tlp.AMBER,
            obs(ObservableType.IPV4, "203.0.113.9", ObservableRole.DESTINATION)),
        0);
    harness.watermark(ms(50));
    List<Sighting> s = sightings();
    assertThat(s).hasSize(1);
    assertThat(s.get(0).getTlp()).isEqualTo(Tlp.AMBER);
    assertThat(s.get(0).getMember()).isEqualTo("m-rail-01");
  }

  @Test
  void inSectorScopeTwoMembersOfOneSectorMakeOneMatchAndEachSeesOnlyItsOwnEvents()
      throws Exception {
    sectorScope = true;
    open(STAGER_THEN_C2);
    harness.watermark(ms(0));
    harness.processElement(dns("dns", 10), 0);
    harness.processElement(
        probe(
            "c2-other",
            "m-rail-02",
            20,
            Tlp.GREEN,
            obs(ObservableType.IPV4, "203.0.113.9", ObservableRole.DESTINATION)),
        0);
    harness.watermark(ms(30));
    // One match, a sighting for each member in it, each listing its own observations only.
    assertThat(sightings())
        .extracting(
            s ->
                s.getMember()
                    + " "
                    + s.getEventId()
                    + " "
                    + s.getSequence().stream().map(SequenceObservation::getEventId).toList())
        .containsExactlyInAnyOrder("m-rail-01 dns [dns]", "m-rail-02 c2-other [c2-other]");
    assertThat(keyedEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void repeatsGivesOneSightingPerNEvents() throws Exception {
    open("[ipv4-addr:value = '203.0.113.9'] REPEATS 3 TIMES WITHIN 60 SECONDS");
    harness.watermark(ms(0));
    for (int i = 0; i < 7; i++) {
      harness.processElement(c2("c" + i, 1 + i), 0);
    }
    harness.watermark(ms(100));
    List<Sighting> s = sightings();
    assertThat(s).hasSize(2);
    assertThat(s.get(0).getSequence())
        .extracting(SequenceObservation::getEventId)
        .containsExactly("c0", "c1", "c2");
    assertThat(s.get(1).getSequence())
        .extracting(SequenceObservation::getEventId)
        .containsExactly("c3", "c4", "c5");
    // The seventh is buffered until its window closes.
    assertThat(keyedEntries()).isEqualTo(1);
    harness.watermark(ms(7 + 60 + 60) + 1);
    assertThat(keyedEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void startStopOnOneObservationMatchesInsideTheIntervalOnly() throws Exception {
    String interval = "START t'" + T0.plusSeconds(10) + "' STOP t'" + T0.plusSeconds(20) + "'";
    open("[ipv4-addr:value = '203.0.113.9'] " + interval);
    harness.watermark(ms(0));
    harness.processElement(c2("before", 9), 0);
    harness.processElement(c2("inside", 10), 0);
    harness.processElement(c2("after", 20), 0);
    harness.watermark(ms(30));
    assertThat(sightings()).extracting(Sighting::getEventId).containsExactly("inside");
    assertThat(keyedEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aFloodOfFirstObservationsIsBoundedPerKey() throws Exception {
    maxBuffered = 10;
    open(STAGER_THEN_C2);
    harness.watermark(ms(0));
    for (int i = 0; i < 50; i++) {
      harness.processElement(dns("dns" + i, 1 + i), 0);
    }
    harness.watermark(ms(100));
    // One list state entry holds the ten buffered observations.
    assertThat(keyedEntries()).isEqualTo(1);
    harness.processElement(c2("c2", 101), 0);
    harness.watermark(ms(102));
    List<Sighting> s = sightings();
    assertThat(s).hasSize(1);
    // The oldest were evicted, so the match uses one of the last ten.
    assertThat(s.get(0).getSequence().get(0).getEventId())
        .isIn(
            "dns40", "dns41", "dns42", "dns43", "dns44", "dns45", "dns46", "dns47", "dns48",
            "dns49");
    harness.watermark(Long.MAX_VALUE);
    assertThat(keyedEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aRevokedPatternMatchesNoMoreAndItsStateGoes() throws Exception {
    open(STAGER_THEN_C2);
    harness.watermark(ms(0));
    harness.processElement(dns("dns", 10), 0);
    harness.watermark(ms(11));
    IndicatorChange up = upsert(indicator);
    harness.processBroadcastElement(
        IndicatorChange.of(
            ChangeKind.TOMBSTONE,
            up.key,
            up.indicatorId,
            up.version + 1,
            IndexTarget.PATTERN,
            null),
        0);
    harness.processElement(c2("c2", 20), 0);
    harness.watermark(ms(21));
    assertThat(sightings()).isEmpty();
    assertThat(keyedEntries()).isZero();
  }
}
