package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.SequenceObservation;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.InProcessMetrics;

/**
 * STIX patterns that span observations through the whole correlate pipeline on a MiniCluster:
 * FOLLOWEDBY, REPEATS and START/STOP on one observation, per member (two members' events never make
 * one match), run both as a streaming job and in BATCH execution (as {@code signalbox match} runs
 * it), with the same sightings.
 */
class SequencePatternsITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(CorrelatePipelineITCase.inProcessMetrics())
              .build());

  static final Instant SEEN = T0.plus(Duration.ofDays(3));
  static final String FOLLOWED = "indicator--5e900000-0000-4000-8000-000000000001";
  static final String REPEATED = "indicator--5e900000-0000-4000-8000-000000000002";
  static final String INTERVAL = "indicator--5e900000-0000-4000-8000-000000000003";
  static final String UNSUPPORTED = "indicator--5e900000-0000-4000-8000-000000000004";

  final AvroCodec<Indicator> indicators = AvroCodec.indicator();
  final AvroCodec<TelemetryEvent> telemetry = AvroCodec.telemetry();
  final List<RawRecord> indicatorRecords = new ArrayList<>();
  final List<RawRecord> telemetryRecords = new ArrayList<>();

  void publish(String id, String pattern) {
    Indicator ind =
        indicator(id, null, null).setMatchKind(MatchKind.PATTERN).setPattern(pattern).build();
    indicatorRecords.add(
        new RawRecord(
            "indicators",
            0,
            indicatorRecords.size(),
            0L,
            id.getBytes(StandardCharsets.UTF_8),
            indicators.encode(ind)));
  }

  void send(String member, String eventId, long seconds, ObservableType type, String value) {
    TelemetryEvent e =
        event(
            eventId,
            member,
            member.contains("rail") ? Sector.RAIL : Sector.AVIATION,
            SEEN.plusSeconds(seconds),
            obs(type, value, ObservableRole.DESTINATION));
    if (eventId.endsWith("-amber")) {
      e.setTlp(Tlp.AMBER);
    }
    telemetryRecords.add(
        new RawRecord(
            "telemetry." + member, 0, telemetryRecords.size(), 0L, null, telemetry.encode(e)));
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void sequencesMatchPerMemberInStreamingAndBatchAlike() throws Exception {
    publish(
        FOLLOWED,
        "([domain-name:value = 'stager.example'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.9'])"
            + " WITHIN 300 SECONDS");
    publish(REPEATED, "[ipv4-addr:value = '198.51.100.50'] REPEATS 3 TIMES WITHIN 60 SECONDS");
    publish(
        INTERVAL,
        "[domain-name:value = 'window.example'] START t'"
            + SEEN
            + "' STOP t'"
            + SEEN.plusSeconds(60)
            + "'");
    publish(UNSUPPORTED, "[process:name = 'x.exe'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.9']");

    // Sent out of event-time order: the connection before the DNS query it follows.
    send("m-rail-01", "rail-c2-amber", 20, ObservableType.IPV4, "203.0.113.9");
    send("m-rail-01", "rail-dns", 10, ObservableType.DOMAIN, "stager.example");
    // Another member's connection after rail's DNS query is no match: the scope is one member.
    send("m-air-02", "air-c2", 30, ObservableType.IPV4, "203.0.113.9");
    // Three at rail within a minute; two at air.
    for (int i = 0; i < 3; i++) {
      send("m-rail-01", "rail-r" + i, 100 + i, ObservableType.IPV4, "198.51.100.50");
    }
    send("m-air-02", "air-r0", 100, ObservableType.IPV4, "198.51.100.50");
    send("m-air-02", "air-r1", 101, ObservableType.IPV4, "198.51.100.50");
    // One inside [SEEN, SEEN + 60 s), one after.
    send("m-rail-01", "rail-in", 59, ObservableType.DOMAIN, "window.example");
    send("m-rail-01", "rail-out", 60, ObservableType.DOMAIN, "window.example");

    Run streaming = run(RuntimeExecutionMode.STREAMING, "sequences streaming");
    Run batch = run(RuntimeExecutionMode.BATCH, "sequences batch");

    for (Run r : List.of(streaming, batch)) {
      assertThat(r.deadLetters()).isEmpty();
      assertThat(r.sightings())
          .extracting(s -> s.getEventId() + " -> " + s.getIndicatorId())
          .containsExactlyInAnyOrder(
              "rail-c2-amber -> " + FOLLOWED, "rail-r2 -> " + REPEATED, "rail-in -> " + INTERVAL);
      Sighting followed =
          r.sightings().stream()
              .filter(s -> s.getIndicatorId().equals(FOLLOWED))
              .findFirst()
              .orElseThrow();
      assertThat(followed.getSequence())
          .extracting(SequenceObservation::getEventId, SequenceObservation::getValue)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("rail-dns", "stager.example"),
              org.assertj.core.groups.Tuple.tuple("rail-c2-amber", "203.0.113.9"));
      // The connection was AMBER: the sighting of the sequence is too.
      assertThat(followed.getTlp()).isEqualTo(Tlp.AMBER);
      assertThat(followed.getMember()).isEqualTo("m-rail-01");
    }
    assertThat(batch.sightings())
        .extracting(Sighting::getSightingId)
        .containsExactlyInAnyOrderElementsOf(
            streaming.sightings().stream().map(Sighting::getSightingId).toList());

    Map<String, String> job = Map.of("job_name", "sequences streaming");
    assertThat(InProcessMetrics.sum(CorrelateMetrics.SEQUENCE_MATCHES, job)).isEqualTo(3);
    // The pattern with a leaf no matcher runs, once per router subtask (the patterns are
    // broadcast); the pattern index does not count the sequence patterns it leaves to them.
    assertThat(InProcessMetrics.sum(CorrelateMetrics.INDICATOR_PATTERNS_UNSUPPORTED, job))
        .isEqualTo(2);
  }

  record Run(List<Sighting> sightings, List<DeadLetter> deadLetters) {}

  Run run(RuntimeExecutionMode mode, String jobName) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration strict = new Configuration();
    strict.set(PipelineOptions.GENERIC_TYPES, false);
    env.configure(strict);
    CorrelateJob.reuseObjects(env, strict);
    env.setRuntimeMode(mode);
    env.setParallelism(2);
    CorrelatePipeline.Outputs out =
        CorrelatePipeline.build(
            CorrelatePipelineITCase.source(env, telemetryRecords, "telemetry"),
            CorrelatePipelineITCase.source(env, indicatorRecords, "indicators"),
            new Configuration(),
            true);
    CloseableIterator<Sighting> sightings = out.sightings().collectAsync();
    CloseableIterator<DeadLetter> deadLetters = out.deadLetters().collectAsync();
    env.execute(jobName);
    List<Sighting> found = new ArrayList<>();
    sightings.forEachRemaining(found::add);
    List<DeadLetter> dead = new ArrayList<>();
    deadLetters.forEachRemaining(dead::add);
    return new Run(found, dead);
  }
}
