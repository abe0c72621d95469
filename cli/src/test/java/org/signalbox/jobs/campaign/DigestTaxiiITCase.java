package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.gateway.Gateway;
import org.signalbox.gateway.GatewayConfig;
import org.signalbox.gateway.PasswordHash;
import org.signalbox.importers.taxii.TaxiiCollectionClient;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.metrics.CampaignMetrics;
import org.signalbox.schema.AlertDigest;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DigestPeriod;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.TlpMarkingDefinitions;
import org.signalbox.testkit.InProcessMetrics;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * Digests end to end, against the real clock: sightings on a real broker, the campaign job
 * (production Kafka wiring, unbounded, digest windows shortened to {@value #WINDOW_MS} ms by {@code
 * sharing.digest-window}) on a MiniCluster, and a TAXII gateway whose collections are configured on
 * the digest topics. Every sighting is written before the job starts and nothing follows, so the
 * digests can only come from the window timers firing on an idle stream, as a daily digest must
 * after a quiet day. A member then fetches them over HTTP with basic auth as STIX reports whose
 * refs resolve to the groupings of the real-time collection.
 */
class DigestTaxiiITCase {

  static final long WINDOW_MS = 2000;
  static final String JOB = "digest taxii itcase";

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

  static LocalKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        List.of(
            new NewTopic(SignalboxTopics.SIGHTINGS, 1, (short) 1),
            new NewTopic(SignalboxTopics.CAMPAIGN_ALERTS, 1, (short) 1),
            new NewTopic(SignalboxTopics.DEAD_LETTER, 1, (short) 1),
            SignalboxTopics.indicatorScores(1)),
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static final String COMMUNITY_DIGEST =
      SignalboxTopics.digestTopic("community", DigestPeriod.HOURLY.name());
  static final String RAIL_01_DIGEST =
      SignalboxTopics.digestTopic("member:m-rail-01", DigestPeriod.HOURLY.name());

  @Test
  @Timeout(180)
  void digestsArePublishedOnAnIdleStreamAndServedAsStixReports() throws Exception {
    assertThat(COMMUNITY_DIGEST).isEqualTo("feed.community.digest-hourly");
    assertThat(RAIL_01_DIGEST).isEqualTo("feed.member.m-rail-01.digest-hourly");
    AvroCodec<Sighting> sightings = AvroCodec.sighting();
    List<byte[]> values = new ArrayList<>();
    for (Sighting s : CampaignPipelineITCase.threeMembersTwoSectors()) {
      values.add(sightings.encode(s));
    }
    produce(SignalboxTopics.SIGHTINGS, values);

    // The gateway runs before any digest topic exists: it must pick them up when they appear.
    String password = "digest-reader-password";
    try (Gateway gateway =
        Gateway.start(
            gatewayConfig(password),
            broker.bootstrapServers(),
            "127.0.0.1",
            0,
            -1,
            org.signalbox.gateway.TaxiiTransport.plainLoopback())) {
      JobClient job = startCampaignJob();
      try {
        AvroCodec<AlertDigest> digestCodec = AvroCodec.alertDigest();
        AvroCodec<CampaignAlert> alertCodec = AvroCodec.campaignAlert();
        // Feed topics also carry the members' own sightings; digests are of alerts only.
        Decoder<CampaignAlert> alertsOnly =
            v -> {
              try {
                return alertCodec.decode(v);
              } catch (java.io.IOException notAnAlert) {
                sightings.decode(v);
                return null;
              }
            };

        // The community feed carries revision 1 (GREEN); revision 2 is AMBER and stays out.
        List<AlertDigest> community =
            awaitRecords(COMMUNITY_DIGEST, digestCodec::decode, all -> !all.isEmpty());
        List<CampaignAlert> communityFeed =
            awaitRecords(SignalboxTopics.COMMUNITY_FEED, alertsOnly, all -> !all.isEmpty());
        AlertDigest d = community.get(0);
        assertThat(community).hasSize(1);
        assertThat(d.getAudience()).isEqualTo("community");
        assertThat(d.getPeriod()).isEqualTo(DigestPeriod.HOURLY);
        assertThat(d.getWindowEnd().toEpochMilli() - d.getWindowStart().toEpochMilli())
            .isEqualTo(WINDOW_MS);
        assertThat(d.getWindowStart().toEpochMilli() % WINDOW_MS).isZero();
        assertThat(d.getWindowEnd()).isBefore(Instant.now());
        assertThat(d.getAlerts()).isEqualTo(communityFeed);
        assertThat(d.getCount()).isEqualTo(1);
        assertThat(d.getTlp()).isEqualTo(Tlp.GREEN);

        // The member's own feed gets both revisions; if they straddle a window boundary there are
        // two digests, each with the latest revision of its own window.
        List<CampaignAlert> railFeed =
            awaitRecords(
                SignalboxTopics.feedTopic("member:m-rail-01"), alertsOnly, all -> all.size() == 2);
        List<AlertDigest> rail =
            awaitRecords(
                RAIL_01_DIGEST,
                digestCodec::decode,
                all ->
                    all.stream()
                        .flatMap(x -> x.getAlerts().stream())
                        .anyMatch(a -> a.getRevision() == 2));
        assertThat(rail).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        for (AlertDigest r : rail) {
          assertThat(r.getAudience()).isEqualTo("member:m-rail-01");
          assertThat(r.getAlerts()).hasSize(1);
          assertThat(railFeed).contains(r.getAlerts().get(0));
        }
        AlertDigest latest = rail.get(rail.size() - 1);
        assertThat(latest.getAlerts().get(0)).isEqualTo(railFeed.get(1));
        assertThat(latest.getTlp()).isEqualTo(Tlp.AMBER);
        // The daily topic runs beside the hourly one on the same shortened window.
        assertThat(
                awaitRecords(
                    SignalboxTopics.digestTopic("community", DigestPeriod.DAILY.name()),
                    digestCodec::decode,
                    all -> !all.isEmpty()))
            .extracting(AlertDigest::getPeriod)
            .containsOnly(DigestPeriod.DAILY);
        assertThat(InProcessMetrics.sum(CampaignMetrics.DIGESTS_EMITTED, Map.of("job_name", JOB)))
            .isGreaterThanOrEqualTo(2 + rail.size());

        // Over HTTP, as a member with basic auth.
        String root = "http://127.0.0.1:" + gateway.port() + "/isac/collections/";
        JsonNode report =
            awaitObjects(root + collectionId("community-digest") + "/", "analyst", password, 1)
                .get(0);
        assertThat(report.path("type").asText()).isEqualTo("report");
        assertThat(report.path("spec_version").asText()).isEqualTo("2.1");
        assertThat(report.path("report_types").get(0).asText()).isEqualTo("threat-report");
        assertThat(Instant.parse(report.path("published").asText())).isEqualTo(d.getWindowEnd());
        assertThat(Instant.parse(report.path("x_signalbox_window_start").asText()))
            .isEqualTo(d.getWindowStart());
        assertThat(report.path("x_signalbox_digest_period").asText()).isEqualTo("hourly");
        assertThat(report.path("x_signalbox_alert_count").asInt()).isEqualTo(1);
        assertThat(report.path("x_signalbox_alert_revisions").get(0).asInt()).isEqualTo(1);
        assertThat(report.path("object_marking_refs").get(0).asText())
            .isEqualTo(TlpMarkingDefinitions.TLP2_GREEN);
        // Its ref is the grouping the real-time collection serves for the same alert.
        List<JsonNode> groupings =
            awaitObjects(root + collectionId("community") + "/", "analyst", password, 1);
        assertThat(groupings.get(0).path("type").asText()).isEqualTo("grouping");
        assertThat(report.path("object_refs")).hasSize(1);
        assertThat(report.path("object_refs").get(0).asText())
            .isEqualTo(groupings.get(0).path("id").asText());

        // The member's digest collection: AMBER, which its maxTlp allows.
        List<JsonNode> railReports =
            awaitObjects(
                root + collectionId("member:m-rail-01") + "/", "analyst", password, rail.size());
        assertThat(railReports)
            .allSatisfy(
                r ->
                    assertThat(r.path("object_marking_refs").get(0).asText())
                        .isIn(TlpMarkingDefinitions.TLP2_GREEN, TlpMarkingDefinitions.TLP2_AMBER));
        assertThat(railReports)
            .anySatisfy(
                r -> assertThat(r.path("x_signalbox_alert_revisions").get(0).asInt()).isEqualTo(2));

        // No digest without credentials that hold.
        assertThatThrownBy(
                () ->
                    new TaxiiCollectionClient(
                            URI.create(root + collectionId("community-digest") + "/"))
                        .withBasicAuth("analyst", "wrong")
                        .poll(null))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("401");
      } finally {
        job.cancel().get(60, TimeUnit.SECONDS);
      }
    }
  }

  JobClient startCampaignJob() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    conf.set(CampaignOptions.PSEUDONYM_KEY, "digest-test-key-of-enough-length");
    conf.set(CampaignOptions.GROUP_ID, "digest-itcase");
    conf.set(CampaignOptions.DIGEST_WINDOW, Duration.ofMillis(WINDOW_MS));
    java.nio.file.Path members = java.nio.file.Files.createTempFile("members", ".yaml");
    members.toFile().deleteOnExit();
    CampaignPipelineITCase.directory().write(members);
    conf.set(CampaignOptions.MEMBERS, members.toString());
    env.configure(conf);
    env.setParallelism(1);
    env.enableCheckpointing(1000);
    CampaignKafka.attach(env, conf, false);
    return env.executeAsync(JOB);
  }

  /**
   * Collections on the digest topics (the community digest under a plain name; the member digest
   * under its member audience, as a plain name may not read a member's feed), the community's
   * real-time feed to resolve refs against, one member allowed to read all three.
   */
  static GatewayConfig gatewayConfig(String password) {
    GatewayConfig config = new GatewayConfig();
    config.collections.add(collection("community-digest", COMMUNITY_DIGEST, null));
    config.collections.add(collection("community", null, null));
    config.collections.add(collection("member:m-rail-01", RAIL_01_DIGEST, Tlp.RED));
    GatewayConfig.Member m = new GatewayConfig.Member();
    m.name = "analyst";
    m.passwordHash = PasswordHash.hash(password.toCharArray(), 10_000);
    m.audiences = new ArrayList<>(List.of("community-digest", "community", "member:m-rail-01"));
    config.members.add(m);
    config.validate();
    return config;
  }

  static GatewayConfig.Collection collection(String audience, String topic, Tlp maxTlp) {
    GatewayConfig.Collection c = new GatewayConfig.Collection();
    c.audience = audience;
    c.topics = topic == null ? null : List.of(topic);
    c.maxTlp = maxTlp;
    return c;
  }

  static String collectionId(String audience) {
    GatewayConfig.Collection c = new GatewayConfig.Collection();
    c.audience = audience;
    return c.id();
  }

  /** Polls a collection as a TAXII client until it holds at least {@code count} objects. */
  static List<JsonNode> awaitObjects(String collection, String user, String password, int count)
      throws Exception {
    TaxiiCollectionClient client =
        new TaxiiCollectionClient(URI.create(collection)).withBasicAuth(user, password);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<JsonNode> objects = new ArrayList<>();
      client.poll(null).objects().forEach(objects::add);
      if (objects.size() >= count || System.nanoTime() > deadline) {
        assertThat(objects).as("objects of %s", collection).hasSizeGreaterThanOrEqualTo(count);
        return objects;
      }
      Thread.sleep(250);
    }
  }

  interface Decoder<T> {
    T decode(byte[] value) throws IOException;
  }

  /** Every record of a one-partition topic, re-read until {@code done} holds or 90 s pass. */
  static <T> List<T> awaitRecords(String topic, Decoder<T> decoder, Predicate<List<T>> done)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      List<T> all = new ArrayList<>();
      for (byte[] v : readAll(topic)) {
        T t = decoder.decode(v);
        if (t != null) {
          all.add(t);
        }
      }
      if (done.test(all) || System.nanoTime() > deadline) {
        assertThat(done.test(all)).as("records of %s: %s", topic, all).isTrue();
        return all;
      }
      Thread.sleep(250);
    }
  }

  static List<byte[]> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Asking for a topic the job has not created yet must not create it.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      Map<String, ?> topics = consumer.listTopics(Duration.ofSeconds(10));
      if (!topics.containsKey(topic)) {
        return out;
      }
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }

  static void produce(String topic, List<byte[]> values) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, v)).get(10, TimeUnit.SECONDS);
      }
    }
  }
}
