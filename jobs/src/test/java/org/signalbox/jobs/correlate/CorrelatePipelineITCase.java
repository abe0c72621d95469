package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.core.IndicatorIds;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.metrics.CorrelateMetrics;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.InProcessMetrics;

/**
 * The whole correlate pipeline on a MiniCluster with bounded input: every lifecycle rule, both
 * range kinds, canonicalization, indicator ownership, forged telemetry, and bad records that must
 * become dead letters while the good records around them still match. The Kafka end-to-end test is
 * CorrelateKafkaITCase.
 */
class CorrelatePipelineITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(inProcessMetrics())
              .build());

  static Configuration inProcessMetrics() {
    Configuration c = new Configuration();
    InProcessMetrics.register(c);
    return c;
  }

  static final Instant SEEN = T0.plus(Duration.ofDays(3));

  final AvroCodec<Indicator> indicators = AvroCodec.indicator();
  final AvroCodec<TelemetryEvent> telemetry = AvroCodec.telemetry();
  final List<RawRecord> indicatorRecords = new ArrayList<>();
  final List<RawRecord> telemetryRecords = new ArrayList<>();

  void publish(Indicator ind) {
    indicatorRaw(ind.getId(), indicators.encode(ind));
  }

  void indicatorRaw(String key, byte[] value) {
    indicatorRecords.add(
        new RawRecord(
            "indicators",
            0,
            indicatorRecords.size(),
            0L,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value));
  }

  void send(TelemetryEvent e) {
    telemetryRaw(telemetry.encode(e));
  }

  void telemetryRaw(byte[] value) {
    telemetryRecords.add(
        new RawRecord("telemetry.m-rail-01", 0, telemetryRecords.size(), 0L, null, value));
  }

  TelemetryEvent seen(String eventId, ObservableType type, String value) {
    return event(
        eventId, "m-rail-01", Sector.RAIL, SEEN, obs(type, value, ObservableRole.DESTINATION));
  }

  @Test
  void matchesExactlyWhatIsValidAndDeadLettersTheRest() throws Exception {
    // --- indicators
    publish(
        indicator(
                "indicator--65786163-7400-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());
    // v2 moved the value; v1 arrives late and must be ignored.
    publish(
        indicator(
                "indicator--6d6f7665-6400-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "evil2.example")
            .setVersion(T0.plusSeconds(60))
            .build());
    publish(
        indicator(
                "indicator--6d6f7665-6400-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "evil.example")
            .build());
    publish(
        indicator(
                "indicator--7265766f-6b65-4640-8000-000000000000",
                ObservableType.IPV4,
                "192.0.2.66")
            .build());
    publish(
        indicator(
                "indicator--7265766f-6b65-4640-8000-000000000000",
                ObservableType.IPV4,
                "192.0.2.66")
            .setVersion(T0.plusSeconds(30))
            .setRevoked(true)
            .build());
    publish(
        indicator(
                "indicator--65787069-7265-4640-8000-000000000000",
                ObservableType.IPV4,
                "192.0.2.77")
            .setValidUntil(T0.plus(Duration.ofDays(1)))
            .build());
    publish(
        indicator(
                "indicator--63696472-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "203.0.113.0/24")
            .setMatchKind(MatchKind.CIDR)
            .setTlp(Tlp.RED)
            .build());
    publish(
        indicator(
                "indicator--73756666-6978-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "*.bad.example")
            .setMatchKind(MatchKind.DOMAIN_SUFFIX)
            .build());
    publish(
        indicator(
                "indicator--68617368-0000-4000-8000-000000000000",
                ObservableType.SHA256,
                "AB".repeat(32))
            .build());
    byte[] goodIndicator =
        indicators.encode(
            indicator(
                    "indicator--78000000-0000-4000-8000-000000000000",
                    ObservableType.IPV4,
                    "192.0.2.1")
                .build());
    indicatorRaw(
        "indicator--67617262-6167-4650-8000-000000000000",
        "{\"this\":\"is json, not avro\"}".getBytes(StandardCharsets.UTF_8));
    indicatorRaw(
        "indicator--78000000-0000-4000-8000-000000000000",
        Arrays.copyOf(goodIndicator, goodIndicator.length - 5));
    publish(
        indicator(
                "indicator--61627375-7264-4000-8000-000000000000", ObservableType.IPV4, "192.0.2.2")
            .setConfidence(1000)
            .build());
    publish(
        indicator(
                "indicator--6261642d-7661-46c7-8565-000000000000", ObservableType.IPV4, "300.1.1.1")
            .build());
    publish(
        indicator("indicator--70617474-6572-46e0-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern(
                "[domain-name:value = 'one.example' OR domain-name:value LIKE '%.two.example']")
            .build());
    publish(
        indicator("indicator--6261642d-7061-4747-8465-726e00000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[ipv4-addr:value = '192.0.2.1'")
            .build());
    // Ownership: another source's revocation is refused, the secretariat's is applied and audited.
    publish(
        indicator(
                "indicator--6f776e65-6400-4000-8000-000000000000",
                ObservableType.IPV4,
                "192.0.2.90")
            .build());
    publish(
        indicator(
                "indicator--6f776e65-6400-4000-8000-000000000000",
                ObservableType.IPV4,
                "192.0.2.90")
            .setVersion(T0.plusSeconds(30))
            .setSource("member-mallory")
            .setRevoked(true)
            .build());
    publish(
        indicator(
                "indicator--74616b65-6e2d-4646-8f77-6e0000000000",
                ObservableType.IPV4,
                "192.0.2.91")
            .build());
    publish(
        indicator(
                "indicator--74616b65-6e2d-4646-8f77-6e0000000000",
                ObservableType.IPV4,
                "192.0.2.91")
            .setVersion(T0.plusSeconds(30))
            .setSource("secretariat")
            .setRevoked(true)
            .build());

    // --- telemetry, bad records interleaved with good ones
    send(seen("t-exact", ObservableType.IPV4, "198.51.100.7"));
    telemetryRaw(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
    send(seen("t-old-value", ObservableType.DOMAIN, "EVIL.example."));
    send(seen("t-new-value", ObservableType.DOMAIN, "Evil2.Example"));
    byte[] good = telemetry.encode(seen("t-truncated", ObservableType.IPV4, "198.51.100.7"));
    telemetryRaw(Arrays.copyOf(good, good.length / 2));
    send(seen("t-revoked", ObservableType.IPV4, "192.0.2.66"));
    send(seen("t-expired", ObservableType.IPV4, "192.0.2.77"));
    send(
        event(
            "t-absurd-time",
            "m-rail-01",
            Sector.RAIL,
            Instant.parse("9999-01-01T00:00:00Z"),
            obs(ObservableType.IPV4, "198.51.100.7", ObservableRole.SOURCE)));
    send(seen("t-bad-observable", ObservableType.IPV4, "999.1.1.1"));
    send(seen("t-cidr", ObservableType.IPV4, "203.0.113.55"));
    send(seen("t-suffix", ObservableType.DOMAIN, "x.y.bad.example"));
    send(seen("t-apex", ObservableType.DOMAIN, "bad.example"));
    send(seen("t-mapped", ObservableType.IPV6, "::ffff:198.51.100.7"));
    send(seen("t-hash", ObservableType.SHA256, "ab".repeat(32)));
    send(seen("t-before-valid", ObservableType.IPV4, "198.51.100.8"));
    telemetryRaw(null);
    send(seen("t-pattern-or", ObservableType.DOMAIN, "One.Example"));
    send(seen("t-pattern-like", ObservableType.DOMAIN, "x.two.example"));
    send(seen("t-pattern-miss", ObservableType.DOMAIN, "three.example"));
    send(seen("t-owned", ObservableType.IPV4, "192.0.2.90"));
    send(seen("t-taken-down", ObservableType.IPV4, "192.0.2.91"));
    // Written to m-rail-01's topic, claiming to come from another member.
    send(
        event(
            "t-forged",
            "m-air-02",
            Sector.AVIATION,
            SEEN,
            obs(ObservableType.IPV4, "198.51.100.7", ObservableRole.DESTINATION)));

    Run run = run(new Configuration());
    List<Sighting> all = run.sightings();
    List<String> matched = matches(all);
    assertThat(matched)
        .containsExactlyInAnyOrder(
            "t-exact -> indicator--65786163-7400-4000-8000-000000000000",
            "t-new-value -> indicator--6d6f7665-6400-4000-8000-000000000000",
            "t-cidr -> indicator--63696472-0000-4000-8000-000000000000",
            "t-suffix -> indicator--73756666-6978-4000-8000-000000000000",
            "t-mapped -> indicator--65786163-7400-4000-8000-000000000000",
            "t-hash -> indicator--68617368-0000-4000-8000-000000000000",
            "t-pattern-or -> indicator--70617474-6572-46e0-8000-000000000000",
            "t-pattern-like -> indicator--70617474-6572-46e0-8000-000000000000",
            "t-owned -> indicator--6f776e65-6400-4000-8000-000000000000");
    assertThat(all)
        .filteredOn(s -> s.getEventId().equals("t-cidr"))
        .singleElement()
        .satisfies(s -> assertThat(s.getTlp()).isEqualTo(Tlp.RED));
    assertThat(all)
        .filteredOn(s -> s.getEventId().equals("t-mapped"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getMatchedType()).isEqualTo(ObservableType.IPV4);
              assertThat(s.getMatchedValue()).isEqualTo("198.51.100.7");
            });

    List<String> dead =
        run.deadLetters().stream()
            .map(d -> d.getOriginTopic() + "@" + d.getOffset() + " " + d.getReason())
            .toList();
    assertThat(dead)
        .containsExactlyInAnyOrder(
            "indicators@9 undecodable-avro",
            "indicators@10 undecodable-avro",
            "indicators@11 absurd-confidence",
            "indicators@12 invalid-value",
            "indicators@14 invalid-pattern",
            "indicators@16 not-original-source",
            "telemetry.m-rail-01@1 undecodable-avro",
            "telemetry.m-rail-01@4 undecodable-avro",
            "telemetry.m-rail-01@7 absurd-event-time",
            "telemetry.m-rail-01@8 invalid-observable",
            "telemetry.m-rail-01@15 tombstone",
            "telemetry.m-rail-01@21 forged-member");
    assertThat(run.audits())
        .extracting(
            a ->
                a.getIndicatorId()
                    + " "
                    + a.getAction()
                    + " by "
                    + a.getActor()
                    + " (owner "
                    + a.getOriginalSource()
                    + ") "
                    + a.getOriginTopic()
                    + "@"
                    + a.getOffset())
        .containsExactly(
            "indicator--74616b65-6e2d-4646-8f77-6e0000000000 REVOKE by secretariat (owner isac) indicators@18");
  }

  /**
   * Text patterns from a feed run on automata. {@code ^(a+)+$} against 60 a's and a dot takes
   * exponential time in a backtracking engine; here it is one linear pass, so the job finishes and
   * the good patterns around it still match. The timeout only guards against a hang (which is what
   * backtracking would cause); it is not a speed assertion.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void matchesLikeAndMatchesPatternsAndSurvivesAHostileRegex() throws Exception {
    publish(
        indicator("indicator--6d617463-6865-4730-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[url:value MATCHES '^http://[a-z0-9-]+[.]example/gate[.]php$']")
            .build());
    publish(
        indicator("indicator--6c696b65-0000-4000-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[url:value LIKE 'http://%.example/wp-%.php']")
            .build());
    publish(
        indicator("indicator--686f7374-696c-4650-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[domain-name:value MATCHES '^(a+)+$']")
            .build());

    send(seen("t-matches", ObservableType.URL, "HTTP://Panel-7.Example:80/gate.php"));
    send(seen("t-like", ObservableType.URL, "http://cdn.example/wp-login.php"));
    send(seen("t-neither", ObservableType.URL, "http://cdn.example/index.html"));
    send(seen("t-hostile", ObservableType.DOMAIN, "a".repeat(60) + ".b"));
    send(seen("t-exact-after", ObservableType.IPV4, "198.51.100.7"));
    publish(
        indicator(
                "indicator--65786163-7400-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());

    Run run = run(new Configuration());
    List<String> matched = matches(run.sightings());
    assertThat(matched)
        .containsExactlyInAnyOrder(
            "t-matches -> indicator--6d617463-6865-4730-8000-000000000000",
            "t-like -> indicator--6c696b65-0000-4000-8000-000000000000",
            "t-exact-after -> indicator--65786163-7400-4000-8000-000000000000");
    assertThat(run.deadLetters()).isEmpty();
    assertThat(run.audits()).isEmpty();
  }

  /**
   * Past {@link org.signalbox.stix.match.PatternIndex#DEFAULT_BRUTE_FORCE_BELOW} patterns the job's
   * pattern index pre-filters with a Lucene Monitor: the same matches, revoked and replaced
   * patterns included, and the job still finishes (the Monitor's thread is closed).
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aThousandPatternsGoThroughTheMonitorWithTheSameResults() throws Exception {
    int n = 1_000;
    for (int i = 0; i < n; i++) {
      publish(
          indicator(IndicatorIds.spelled("p" + i), null, null)
              .setMatchKind(MatchKind.PATTERN)
              .setPattern(
                  "[ipv4-addr:value = '10.1."
                      + (i / 250)
                      + "."
                      + (i % 250)
                      + "' OR domain-name:value = 'host-"
                      + i
                      + ".example']")
              .build());
    }
    publish(
        indicator("indicator--75726c2d-6c69-46b6-8500-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[url:value LIKE 'http://%.example/drop-%']")
            .build());
    // p7 is revoked; p8 moves to another value (its old one must no longer match).
    publish(
        indicator("indicator--70370000-0000-4000-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[ipv4-addr:value = '10.1.0.7']")
            .setVersion(T0.plusSeconds(60))
            .setRevoked(true)
            .build());
    publish(
        indicator("indicator--70380000-0000-4000-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[ipv4-addr:value = '10.9.9.9']")
            .setVersion(T0.plusSeconds(60))
            .build());

    send(seen("t-first", ObservableType.IPV4, "10.1.0.0"));
    send(seen("t-last", ObservableType.DOMAIN, "Host-999.Example."));
    send(seen("t-middle", ObservableType.IPV4, "10.1.2.17"));
    send(seen("t-revoked", ObservableType.IPV4, "10.1.0.7"));
    send(seen("t-moved-old", ObservableType.DOMAIN, "host-8.example"));
    send(seen("t-moved-new", ObservableType.IPV4, "10.9.9.9"));
    send(seen("t-like", ObservableType.URL, "http://cdn.example/drop-x.bin"));
    send(seen("t-miss", ObservableType.IPV4, "10.1.4.0"));

    Run run = run(new Configuration());
    assertThat(matches(run.sightings()))
        .containsExactlyInAnyOrder(
            "t-first -> indicator--70300000-0000-4000-8000-000000000000",
            "t-last -> indicator--70393939-0000-4000-8000-000000000000",
            "t-middle -> indicator--70353137-0000-4000-8000-000000000000",
            "t-moved-new -> indicator--70380000-0000-4000-8000-000000000000",
            "t-like -> indicator--75726c2d-6c69-46b6-8500-000000000000");
    assertThat(run.deadLetters()).isEmpty();
  }

  /**
   * MISP warninglists in the job, on the real lists: 8.8.8.8 and the empty-file hashes never
   * produce a sighting, whether the indicator names them (not indexed) or covers them (a CIDR
   * range, an OR pattern: the sighting is dropped and reported), while other values still match.
   */
  @Test
  void knownBenignValuesNeverProduceASighting() throws Exception {
    Path lists = sharedWarninglists();
    Assumptions.assumeTrue(
        lists != null,
        "../shared/data/misp-warninglists is absent: skipping the warninglist pipeline test");
    String emptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    String emptyMd5 = "d41d8cd98f00b204e9800998ecf8427e";
    publish(
        indicator("indicator--646e7300-0000-4000-8000-000000000000", ObservableType.IPV4, "8.8.8.8")
            .build());
    publish(
        indicator(
                "indicator--72616e67-6500-4000-8000-000000000000",
                ObservableType.IPV4,
                "8.8.8.0/24")
            .setMatchKind(MatchKind.CIDR)
            .build());
    publish(
        indicator(
                "indicator--656d7074-7900-4000-8000-000000000000",
                ObservableType.SHA256,
                emptySha256)
            .build());
    publish(
        indicator("indicator--68617368-6573-4000-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern(
                "[file:hashes.MD5 = '"
                    + emptyMd5
                    + "' OR file:hashes.MD5 = '0123456789abcdef0123456789abcdef']")
            .build());
    send(seen("t-resolver", ObservableType.IPV4, "8.8.8.8"));
    send(seen("t-range", ObservableType.IPV4, "8.8.8.77"));
    send(seen("t-empty-sha256", ObservableType.SHA256, emptySha256));
    send(seen("t-empty-md5", ObservableType.MD5, emptyMd5));
    send(seen("t-real-md5", ObservableType.MD5, "0123456789ABCDEF0123456789ABCDEF"));

    Configuration conf = new Configuration();
    conf.set(CorrelateOptions.WARNINGLISTS, lists.toString());
    String job = "correlate pipeline warninglists";
    Run run = run(conf, job);
    List<String> matched = matches(run.sightings());
    assertThat(matched)
        .containsExactlyInAnyOrder(
            "t-range -> indicator--72616e67-6500-4000-8000-000000000000",
            "t-real-md5 -> indicator--68617368-6573-4000-8000-000000000000");
    List<String> dead =
        run.deadLetters().stream()
            .map(d -> d.getStage() + " " + d.getReason() + " " + d.getError())
            .toList();
    assertThat(dead).filteredOn(d -> d.startsWith("suppress warninglist ")).hasSize(2);
    assertThat(dead)
        .filteredOn(d -> d.startsWith("suppress warninglist-sighting"))
        .hasSize(2)
        .anyMatch(
            d -> d.contains("indicator--72616e67-6500-4000-8000-000000000000 matched 8.8.8.8"))
        .anyMatch(
            d -> d.contains("indicator--68617368-6573-4000-8000-000000000000 matched " + emptyMd5));

    // The suppressed values are counted where the job's metrics can see them.
    Map<String, String> thisJob = Map.of("job_name", job);
    assertThat(InProcessMetrics.sum(CorrelateMetrics.INDICATORS_SUPPRESSED, thisJob)).isEqualTo(2);
    assertThat(InProcessMetrics.sum(CorrelateMetrics.SIGHTINGS_SUPPRESSED, thisJob))
        .as("per list; a value may be on several")
        .isGreaterThanOrEqualTo(2);
    for (String reason : List.of("warninglist", "warninglist-sighting")) {
      assertThat(
              InProcessMetrics.sum(
                  CorrelateMetrics.DEAD_LETTERS,
                  Map.of("job_name", job, CorrelateMetrics.REASON, reason)))
          .as("dead letters of reason %s", reason)
          .isEqualTo(2);
    }
    // Both indexes matched twice (two sightings kept, two dropped); each match was timed.
    assertThat(InProcessMetrics.sum(CorrelateMetrics.SIGHTINGS_OUT, thisJob)).isEqualTo(4);
    assertThat(
            InProcessMetrics.histograms(CorrelateMetrics.MATCH_LATENCY, thisJob).stream()
                .mapToLong(h -> h.getCount())
                .sum())
        .isEqualTo(4);
    // Indexed: the range and the pattern; the resolver and the empty hash were not.
    assertThat(InProcessMetrics.sum(CorrelateMetrics.INDICATORS_HELD, thisJob)).isEqualTo(2);
  }

  /** What one bounded run of the pipeline produced. */
  record Run(List<Sighting> sightings, List<DeadLetter> deadLetters, List<IndicatorAudit> audits) {}

  /**
   * Runs the pipeline over the records published and sent so far, on the MiniCluster with
   * parallelism 2, object reuse on and generic types disabled (a Kryo fallback fails loudly).
   */
  Run run(Configuration conf) throws Exception {
    return run(conf, "correlate pipeline test");
  }

  /** As {@link #run(Configuration)}, as a job of this name (its metrics carry it). */
  Run run(Configuration conf, String jobName) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration strict = new Configuration();
    strict.set(PipelineOptions.GENERIC_TYPES, false);
    env.configure(strict);
    // As in production; with the heap state backend of this test, a function that kept or changed
    // a record it should not would corrupt state here first.
    CorrelateJob.reuseObjects(env, strict);
    env.setParallelism(2);
    CorrelatePipeline.Outputs out =
        CorrelatePipeline.build(
            source(env, telemetryRecords, "telemetry"),
            source(env, indicatorRecords, "indicators"),
            conf,
            true);
    CloseableIterator<Sighting> sightings = out.sightings().collectAsync();
    CloseableIterator<DeadLetter> deadLetters = out.deadLetters().collectAsync();
    CloseableIterator<IndicatorAudit> audits = out.audits().collectAsync();
    env.execute(jobName);
    List<Sighting> found = new ArrayList<>();
    sightings.forEachRemaining(found::add);
    List<DeadLetter> dead = new ArrayList<>();
    deadLetters.forEachRemaining(dead::add);
    List<IndicatorAudit> audited = new ArrayList<>();
    audits.forEachRemaining(audited::add);
    return new Run(found, dead, audited);
  }

  static List<String> matches(List<Sighting> sightings) {
    return sightings.stream().map(x -> x.getEventId() + " -> " + x.getIndicatorId()).toList();
  }

  static DataStream<RawRecord> source(
      StreamExecutionEnvironment env, List<RawRecord> records, String name) {
    return env.fromData(records, TypeInformation.of(RawRecord.class))
        .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
        .name(name);
  }

  /**
   * The shared MISP warninglists: beside the checkout (CI), beside a worktree's parent, or where
   * the system property {@code signalbox.shared.data} says; null when none is there.
   */
  static Path sharedWarninglists() {
    String property = System.getProperty("signalbox.shared.data");
    List<Path> candidates = new ArrayList<>();
    if (property != null) {
      candidates.add(Path.of(property, "misp-warninglists"));
    }
    // Tests run in jobs/: the repository root is "..".
    candidates.add(Path.of("..", "..", "shared", "data", "misp-warninglists"));
    candidates.add(Path.of("..", "..", "..", "shared", "data", "misp-warninglists"));
    return candidates.stream().filter(Files::isDirectory).findFirst().orElse(null);
  }
}
