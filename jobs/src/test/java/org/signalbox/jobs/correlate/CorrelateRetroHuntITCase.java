package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The retro-hunt on a real broker (issue 17): telemetry first, the indicators published later while
 * the job runs; the member gets retro sightings for what it saw inside the indicators' validity and
 * the retention, and nothing else.
 */
class CorrelateRetroHuntITCase {

  @RegisterExtension static final MiniClusterExtension FLINK = CorrelateItSupport.miniCluster();

  static final String SUFFIX = "retro";
  static final String INDICATORS = CorrelateItSupport.indicatorsTopic(SUFFIX);
  static final String SIGHTINGS = CorrelateItSupport.sightingsTopic(SUFFIX);
  static final String MEMBER = "rail-retro";
  static final String MARKER = "indicator--7a000000-0000-4000-8000-000000000000";
  static final String HIT = "indicator--7a000000-0000-4000-8000-000000000001";
  static final String LATE_VALIDITY = "indicator--7a000000-0000-4000-8000-000000000002";
  static final String TOO_OLD = "indicator--7a000000-0000-4000-8000-000000000003";
  static final String NET = "indicator--7a000000-0000-4000-8000-000000000004";
  static final String PARENT = "indicator--7a000000-0000-4000-8000-000000000005";

  static LocalKafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        CorrelateItSupport.topics(SUFFIX, 1, MEMBER),
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void indicatorsPublishedAfterTheTelemetryFindItInTheHistory() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // Present before the job starts: its live sighting says the telemetry before it has passed.
    publish(indicator(MARKER, ObservableType.DOMAIN, "marker.retro.example").build());
    JobClient job =
        CorrelateItSupport.submit(
            CorrelateItSupport.jobConf(broker.bootstrapServers(), SUFFIX, MEMBER),
            "correlate-retro");
    try {
      Instant d5 = now.minus(Duration.ofDays(5));
      Instant d3 = now.minus(Duration.ofDays(3));
      send("h1", ObservableType.IPV4, "203.0.113.50", d5, Tlp.GREEN);
      send("h2", ObservableType.IPV4, "203.0.113.50", d3, Tlp.AMBER);
      send("v1", ObservableType.DOMAIN, "late.retro.example", d3, Tlp.GREEN);
      // Older than the 30-day retention when it arrives: never recorded.
      send("o1", ObservableType.IPV4, "203.0.113.60", now.minus(Duration.ofDays(40)), Tlp.GREEN);
      send("n1", ObservableType.IPV4, "198.18.5.9", d5, Tlp.GREEN);
      send("n2", ObservableType.IPV4, "198.19.0.1", d5, Tlp.GREEN);
      send("s1", ObservableType.DOMAIN, "c2.suffix.retro.example", d3, Tlp.AMBER);
      send("s2", ObservableType.DOMAIN, "suffix.retro.example", d3, Tlp.GREEN);
      send("m1", ObservableType.DOMAIN, "marker.retro.example", now, Tlp.GREEN);
      awaitSightings(List.of("live m1 -> " + MARKER));

      publish(
          indicator(HIT, ObservableType.IPV4, "203.0.113.50")
              .setVersion(now)
              .setValidFrom(now.minus(Duration.ofDays(10)))
              .build());
      // Valid only from yesterday: the event three days ago is outside.
      publish(
          indicator(LATE_VALIDITY, ObservableType.DOMAIN, "late.retro.example")
              .setVersion(now)
              .setValidFrom(now.minus(Duration.ofDays(1)))
              .build());
      publish(
          indicator(TOO_OLD, ObservableType.IPV4, "203.0.113.60")
              .setVersion(now)
              .setValidFrom(now.minus(Duration.ofDays(60)))
              .build());
      // Ranges: every value of the history inside them (198.19.0.1 is outside the /16; a suffix
      // matches strict subdomains, not the parent itself).
      publish(
          indicator(NET, ObservableType.IPV4, "198.18.0.0/16")
              .setMatchKind(MatchKind.CIDR)
              .setVersion(now)
              .setValidFrom(now.minus(Duration.ofDays(10)))
              .build());
      publish(
          indicator(PARENT, ObservableType.DOMAIN, "suffix.retro.example")
              .setMatchKind(MatchKind.DOMAIN_SUFFIX)
              .setVersion(now)
              .setValidFrom(now.minus(Duration.ofDays(10)))
              .build());
      // After the indicators: matched live, once.
      send("h3", ObservableType.IPV4, "203.0.113.50", now, Tlp.GREEN);
      String prefix = "retro " + RetroHunt.EVENT_ID_PREFIX + now.toEpochMilli() + " -> ";
      String retro = prefix + HIT;
      List<String> expected =
          List.of(
              "live m1 -> " + MARKER, retro, prefix + NET, prefix + PARENT, "live h3 -> " + HIT);
      awaitSightings(expected);
      // One more checkpoint's worth, so that a sighting that should not exist had its chance.
      Thread.sleep(3_000);

      List<Sighting> all = decoded();
      assertThat(all)
          .extracting(CorrelateRetroHuntITCase::describe)
          .containsExactlyInAnyOrderElementsOf(expected);
      Sighting r =
          all.stream()
              .filter(s -> s.getIndicatorId().equals(HIT))
              .filter(Sighting::getRetro)
              .findFirst()
              .orElseThrow();
      assertThat(r.getMember()).isEqualTo(MEMBER);
      assertThat(r.getCount()).isEqualTo(2);
      assertThat(r.getFirstSeen()).isEqualTo(d5);
      assertThat(r.getLastSeen()).isEqualTo(d3);
      assertThat(r.getTlp()).isEqualTo(Tlp.AMBER);
      assertThat(r.getHistoryTruncated()).isFalse();
      Sighting net = all.stream().filter(s -> s.getIndicatorId().equals(NET)).findFirst().get();
      assertThat(net.getMatchedValue()).isEqualTo("198.18.5.9");
      assertThat(net.getFirstSeen()).isEqualTo(d5);
      assertThat(net.getTlp()).isEqualTo(Tlp.GREEN);
      Sighting suffix =
          all.stream().filter(s -> s.getIndicatorId().equals(PARENT)).findFirst().get();
      assertThat(suffix.getMatchedValue()).isEqualTo("c2.suffix.retro.example");
      assertThat(suffix.getTlp()).isEqualTo(Tlp.AMBER);
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  static String describe(Sighting s) {
    return (s.getRetro() ? "retro " : "live ") + s.getEventId() + " -> " + s.getIndicatorId();
  }

  static void publish(Indicator i) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = CorrelateItSupport.producer(broker.bootstrapServers())) {
      p.send(
              new ProducerRecord<>(
                  INDICATORS,
                  i.getId().getBytes(StandardCharsets.UTF_8),
                  AvroCodec.indicator().encode(i)))
          .get();
    }
  }

  static void send(String id, ObservableType type, String value, Instant time, Tlp tlp)
      throws Exception {
    TelemetryEvent e =
        event(id, MEMBER, Sector.RAIL, time, obs(type, value, ObservableRole.DESTINATION));
    e.setTlp(tlp);
    try (KafkaProducer<byte[], byte[]> p = CorrelateItSupport.producer(broker.bootstrapServers())) {
      p.send(
              new ProducerRecord<>(
                  SignalboxTopics.telemetryTopic(MEMBER), null, AvroCodec.telemetry().encode(e)))
          .get();
    }
  }

  static void awaitSightings(List<String> expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    List<String> got = described();
    while (!got.containsAll(expected) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      got = described();
    }
    assertThat(got).as("sightings on %s", SIGHTINGS).containsAll(expected);
  }

  static List<String> described() throws Exception {
    return decoded().stream().map(CorrelateRetroHuntITCase::describe).toList();
  }

  static List<Sighting> decoded() throws Exception {
    AvroCodec<Sighting> sc = AvroCodec.sighting();
    List<Sighting> out = new ArrayList<>();
    for (byte[] value : CorrelateItSupport.readAll(broker.bootstrapServers(), SIGHTINGS)) {
      out.add(sc.decode(value));
    }
    return out;
  }
}
