package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.campaign.CampaignPipelineITCase.sighting;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The campaign job end to end on a real broker, with a member directory: three members in two
 * sectors see one actor's indicators; the secretariat's topic gets the alert and its escalation,
 * every contributing member's own feed gets the revisions it is entitled to, the community feed
 * gets the first with its small count withheld, the airline that opted in is named where others are
 * pseudonymised, each sighting reaches its member's own feed (and the airline's its sharing group
 * and the community too), a member outside the campaign and the group gets nothing, and bad records
 * (undecodable, from the future, from unknown members, with a wrong sector, forged verdicts) become
 * dead letters with their reason and origin without disturbing the windows.
 */
class CampaignKafkaITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static LocalKafkaBroker broker;

  @TempDir static Path dir;

  static final List<String> MEMBERS = List.of("m-rail-01", "m-rail-02", "m-air-01", "m-log-01");

  /** Opted in to be named in shared output (CampaignPipelineITCase.directory()). */
  static final String NAMED = "m-air-01";

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    List<NewTopic> topics = new ArrayList<>();
    // One partition: the arrival order, and so which revision carries which member, is fixed.
    topics.add(new NewTopic(SignalboxTopics.SIGHTINGS, 1, (short) 1));
    topics.add(new NewTopic(SignalboxTopics.CAMPAIGN_ALERTS, 1, (short) 1));
    topics.add(new NewTopic(SignalboxTopics.DEAD_LETTER, 1, (short) 1));
    topics.add(new NewTopic(SignalboxTopics.feedbackTopic("m-rail-02"), 1, (short) 1));
    // A topic named like a member's but for nobody in the directory.
    topics.add(new NewTopic(SignalboxTopics.feedbackTopic("m-ghost"), 1, (short) 1));
    topics.add(SignalboxTopics.indicatorScores(1));
    topics.add(new NewTopic("feed.community", 1, (short) 1));
    topics.add(new NewTopic("feed.public", 1, (short) 1));
    // Only the feeds that receive nothing are created here: the router must create the others
    // itself when their first record is routed (FeedTopicProvisioner).
    topics.add(new NewTopic("feed.member.m-log-01", 1, (short) 1));
    topics.add(new NewTopic("feed.group.logistics", 1, (short) 1));
    topics.add(new NewTopic("feed.group.rail", 1, (short) 1));
    SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static Feedback verdict(String member, String indicator, Instant at) {
    return Feedback.newBuilder()
        .setMember(member)
        .setIndicatorId(indicator)
        .setVerdict(FeedbackVerdict.FALSE_POSITIVE)
        .setReportedAt(at)
        .build();
  }

  @Test
  void alertsEscalateAndReachOnlyEntitledFeeds() throws Exception {
    AvroCodec<Sighting> sightings = AvroCodec.sighting();
    List<byte[]> values = new ArrayList<>();
    for (Sighting s : CampaignPipelineITCase.threeMembersTwoSectors()) {
      values.add(sightings.encode(s));
    }
    // The named airline sees a GREEN indicator published by m-rail-02, which did not opt in.
    values.add(
        sightings.encode(
            Sighting.newBuilder(
                    sighting(
                        "f",
                        NAMED,
                        Sector.AVIATION,
                        CampaignPipelineITCase.T0.plus(Duration.ofHours(5)),
                        "SOLOBEAR",
                        Tlp.GREEN))
                .setIndicatorSource("m-rail-02")
                .build()));
    values.add("not avro".getBytes(StandardCharsets.UTF_8));
    values.add(
        sightings.encode(
            sighting(
                "future",
                "m-log-01",
                Sector.LOGISTICS,
                Instant.now().plus(Duration.ofDays(30)),
                "RAILFOX",
                Tlp.GREEN)));
    // Two more members would turn the RAILFOX alert into something else, were they believed.
    values.add(
        sightings.encode(
            sighting(
                "ghost",
                "m-ghost",
                Sector.RAIL,
                CampaignPipelineITCase.T0.plus(Duration.ofHours(2)),
                "RAILFOX",
                Tlp.GREEN)));
    values.add(
        sightings.encode(
            sighting(
                "wrong-sector",
                "m-log-01",
                Sector.RAIL,
                CampaignPipelineITCase.T0.plus(Duration.ofHours(2)),
                "RAILFOX",
                Tlp.GREEN)));
    produce(SignalboxTopics.SIGHTINGS, values);
    AvroCodec<Feedback> verdicts = AvroCodec.feedback();
    Instant t4 = CampaignPipelineITCase.T0.plus(Duration.ofHours(4));
    produce(
        SignalboxTopics.feedbackTopic("m-rail-02"),
        List.of(
            verdicts.encode(
                verdict("m-rail-02", "indicator--61000000-0000-4000-8000-000000000000", t4)),
            verdicts.encode(
                verdict("m-rail-02", "indicator--6e657665-722d-4736-8565-6e0000000000", t4)),
            "not a verdict".getBytes(StandardCharsets.UTF_8),
            // Written to m-rail-02's topic in m-rail-01's name.
            verdicts.encode(
                verdict("m-rail-01", "indicator--61000000-0000-4000-8000-000000000000", t4)),
            verdicts.encode(
                verdict(
                    "m-rail-02",
                    "indicator--62000000-0000-4000-8000-000000000000",
                    Instant.now().plus(Duration.ofDays(30))))));
    produce(
        SignalboxTopics.feedbackTopic("m-ghost"),
        List.of(
            verdicts.encode(
                verdict("m-ghost", "indicator--61000000-0000-4000-8000-000000000000", t4))));

    Path members = dir.resolve("members.yaml");
    CampaignPipelineITCase.directory().write(members);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    conf.set(CampaignOptions.PSEUDONYM_KEY, "kafka-test-key-of-enough-length");
    conf.set(CampaignOptions.MEMBERS, members.toString());
    env.configure(conf);
    env.setParallelism(1);
    CampaignKafka.attach(env, conf, true);
    env.execute("campaign kafka test");

    // The rejected sightings did not count: the same two revisions as without them.
    AvroCodec<CampaignAlert> alerts = AvroCodec.campaignAlert();
    List<CampaignAlert> raw = new ArrayList<>();
    for (byte[] v : consume(SignalboxTopics.CAMPAIGN_ALERTS)) {
      raw.add(alerts.decode(v));
    }
    assertThat(raw).extracting(CampaignAlert::getRevision).containsExactly(1, 2);
    assertThat(raw.get(1).getMembers()).containsExactly("m-air-01", "m-rail-01", "m-rail-02");
    assertThat(raw.get(1).getSectorCount()).isEqualTo(2);

    Map<String, Integer> expectedAlerts =
        Map.of(
            "feed.community", 1,
            "feed.public", 0,
            "feed.member.m-rail-01", 2,
            "feed.member.m-rail-02", 2,
            "feed.member.m-air-01", 1,
            "feed.member.m-log-01", 0,
            "feed.group.aviation", 0,
            "feed.group.rail", 0,
            "feed.group.logistics", 0);
    Map<String, List<String>> expectedSightings =
        Map.of(
            "feed.community", List.of("sighting--f"),
            "feed.public", List.of(),
            "feed.member.m-rail-01", List.of("sighting--a", "sighting--d", "sighting--e"),
            "feed.member.m-rail-02", List.of("sighting--b"),
            "feed.member.m-air-01", List.of("sighting--c", "sighting--f"),
            "feed.member.m-log-01", List.of(),
            "feed.group.aviation", List.of("sighting--c"),
            "feed.group.rail", List.of(),
            "feed.group.logistics", List.of());
    for (String topic : expectedAlerts.keySet()) {
      String own = topic.startsWith("feed.member.") ? topic.substring(12) : null;
      List<CampaignAlert> alertCopies = new ArrayList<>();
      List<Sighting> sightingCopies = new ArrayList<>();
      for (byte[] v : consume(topic)) {
        // Only the member itself and the named airline may appear in clear, anywhere in the bytes.
        for (String m : MEMBERS) {
          if (!m.equals(own) && !m.equals(NAMED)) {
            assertThat(new String(v, StandardCharsets.ISO_8859_1))
                .as("%s in a record of %s", m, topic)
                .doesNotContain(m);
          }
        }
        try {
          sightingCopies.add(sightings.decode(v));
        } catch (java.io.IOException notASighting) {
          alertCopies.add(alerts.decode(v));
        }
      }
      assertThat(alertCopies).as("alert copies in %s", topic).hasSize(expectedAlerts.get(topic));
      for (CampaignAlert a : alertCopies) {
        assertThat(a.getAlertId()).isEqualTo(raw.get(0).getAlertId());
      }
      assertThat(sightingCopies)
          .as("sighting copies in %s", topic)
          .extracting(Sighting::getSightingId)
          .containsExactlyInAnyOrderElementsOf(expectedSightings.get(topic));
      for (Sighting s : sightingCopies) {
        if (s.getSightingId().equals("sighting--f")) {
          assertThat(s.getMember()).isEqualTo(NAMED);
          assertThat(s.getIndicatorSource()).startsWith("p-");
        }
      }
    }
    // The escalation in a rail member's own feed names the airline, pseudonymises the other.
    List<CampaignAlert> railFeed = new ArrayList<>();
    for (byte[] v : consume("feed.member.m-rail-01")) {
      try {
        railFeed.add(alerts.decode(v));
      } catch (java.io.IOException aSighting) {
        // counted above
      }
    }
    assertThat(railFeed.get(1).getMembers()).hasSize(3).contains("m-air-01", "m-rail-01");

    // The false-positive report lowers indicator--61000000-0000-4000-8000-000000000000 on the
    // changelog, and only that.
    AvroCodec<IndicatorScore> scoreCodec = AvroCodec.indicatorScore();
    List<IndicatorScore> scores = new ArrayList<>();
    for (byte[] v : consume(SignalboxTopics.INDICATOR_SCORES)) {
      scores.add(scoreCodec.decode(v));
    }
    List<IndicatorScore> a =
        scores.stream()
            .filter(
                s -> s.getIndicatorId().equals("indicator--61000000-0000-4000-8000-000000000000"))
            .toList();
    assertThat(a)
        .extracting(IndicatorScore::getReason)
        .contains("first-sighting", "false-positive");
    int fp = a.stream().map(IndicatorScore::getReason).toList().indexOf("false-positive");
    assertThat(a.get(fp).getScore()).isLessThan(a.get(fp - 1).getScore());
    // Only m-rail-02's own vote counted: the forged and the unknown member's did not.
    assertThat(a.get(a.size() - 1).getFalsePositives()).isEqualTo(1);
    assertThat(a.get(fp).getSource()).isEqualTo("isac");
    assertThat(scores)
        .extracting(IndicatorScore::getIndicatorId)
        .doesNotContain("indicator--6e657665-722d-4736-8565-6e0000000000");

    AvroCodec<DeadLetter> deadLetters = AvroCodec.deadLetter();
    List<String> reasons = new ArrayList<>();
    for (byte[] v : consume(SignalboxTopics.DEAD_LETTER)) {
      DeadLetter d = deadLetters.decode(v);
      reasons.add(d.getOriginTopic() + "@" + d.getOffset() + " " + d.getReason());
    }
    String rail02 = SignalboxTopics.feedbackTopic("m-rail-02");
    assertThat(reasons)
        .containsExactlyInAnyOrder(
            "sightings@6 undecodable-avro",
            "sightings@7 absurd-event-time",
            "sightings@8 unknown-member",
            "sightings@9 sector-mismatch",
            rail02 + "@1 unknown-indicator",
            rail02 + "@2 undecodable-avro",
            rail02 + "@3 forged-member",
            rail02 + "@4 absurd-event-time",
            SignalboxTopics.feedbackTopic("m-ghost") + "@0 unknown-member");
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

  static List<byte[]> consume(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    // What the job committed: its sinks are exactly-once.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
