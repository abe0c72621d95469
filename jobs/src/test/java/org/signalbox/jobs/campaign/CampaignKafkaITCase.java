package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.campaign.CampaignPipelineITCase.sighting;

import java.nio.charset.StandardCharsets;
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
import org.signalbox.deploy.LocalKafkaBroker;
import org.signalbox.deploy.SignalboxTopics;
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

/**
 * The campaign job end to end on a real broker: three members in two sectors see one actor's
 * indicators; the secretariat's topic gets the alert and its escalation, every contributing
 * member's own feed gets the revisions it is entitled to, the community feed gets the first with
 * its small count withheld, a member outside the campaign gets nothing, and bad records become dead
 * letters.
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

  static final List<String> MEMBERS = List.of("m-rail-01", "m-rail-02", "m-air-01", "m-log-01");

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    List<NewTopic> topics = new ArrayList<>();
    // One partition: the arrival order, and so which revision carries which member, is fixed.
    topics.add(new NewTopic(SignalboxTopics.SIGHTINGS, 1, (short) 1));
    topics.add(new NewTopic(SignalboxTopics.CAMPAIGN_ALERTS, 1, (short) 1));
    topics.add(new NewTopic(SignalboxTopics.DEAD_LETTER, 1, (short) 1));
    topics.add(new NewTopic(SignalboxTopics.feedbackTopic("m-rail-02"), 1, (short) 1));
    topics.add(SignalboxTopics.indicatorScores(1));
    topics.add(new NewTopic("feed.community", 1, (short) 1));
    topics.add(new NewTopic("feed.public", 1, (short) 1));
    // Only the feed that receives nothing is created here: the router must create the others
    // itself when their first record is routed (FeedTopicProvisioner).
    topics.add(new NewTopic("feed.member.m-log-01", 1, (short) 1));
    SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void alertsEscalateAndReachOnlyEntitledFeeds() throws Exception {
    AvroCodec<Sighting> sightings = AvroCodec.sighting();
    List<byte[]> values = new ArrayList<>();
    for (Sighting s : CampaignPipelineITCase.threeMembersTwoSectors()) {
      values.add(sightings.encode(s));
    }
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
    produce(SignalboxTopics.SIGHTINGS, values);
    AvroCodec<Feedback> verdicts = AvroCodec.feedback();
    produce(
        SignalboxTopics.feedbackTopic("m-rail-02"),
        List.of(
            verdicts.encode(
                Feedback.newBuilder()
                    .setMember("m-rail-02")
                    .setIndicatorId("indicator--a")
                    .setVerdict(FeedbackVerdict.FALSE_POSITIVE)
                    .setReportedAt(CampaignPipelineITCase.T0.plus(Duration.ofHours(4)))
                    .build()),
            verdicts.encode(
                Feedback.newBuilder()
                    .setMember("m-rail-02")
                    .setIndicatorId("indicator--never-seen")
                    .setVerdict(FeedbackVerdict.FALSE_POSITIVE)
                    .setReportedAt(CampaignPipelineITCase.T0)
                    .build()),
            "not a verdict".getBytes(StandardCharsets.UTF_8)));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    conf.set(CampaignOptions.PSEUDONYM_KEY, "kafka-test-key-of-enough-length");
    env.configure(conf);
    env.setParallelism(1);
    CampaignKafka.attach(env, conf, true);
    env.execute("campaign kafka test");

    AvroCodec<CampaignAlert> alerts = AvroCodec.campaignAlert();
    List<CampaignAlert> raw = new ArrayList<>();
    for (byte[] v : consume(SignalboxTopics.CAMPAIGN_ALERTS)) {
      raw.add(alerts.decode(v));
    }
    assertThat(raw).extracting(CampaignAlert::getRevision).containsExactly(1, 2);
    assertThat(raw.get(1).getMembers()).containsExactly("m-air-01", "m-rail-01", "m-rail-02");

    Map<String, Integer> expected =
        Map.of(
            "feed.community", 1,
            "feed.public", 0,
            "feed.member.m-rail-01", 2,
            "feed.member.m-rail-02", 2,
            "feed.member.m-air-01", 1,
            "feed.member.m-log-01", 0);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      List<CampaignAlert> feed = new ArrayList<>();
      for (byte[] v : consume(e.getKey())) {
        feed.add(alerts.decode(v));
      }
      assertThat(feed).as(e.getKey()).hasSize(e.getValue());
      for (CampaignAlert a : feed) {
        assertThat(a.getAlertId()).isEqualTo(raw.get(0).getAlertId());
        String own = e.getKey().startsWith("feed.member.") ? e.getKey().substring(12) : null;
        for (String m : MEMBERS) {
          if (!m.equals(own)) {
            assertThat(a.getMembers()).as("%s in %s", m, e.getKey()).doesNotContain(m);
          }
        }
      }
    }

    // The false-positive report lowers indicator--a on the changelog, and only that.
    AvroCodec<IndicatorScore> scoreCodec = AvroCodec.indicatorScore();
    List<IndicatorScore> scores = new ArrayList<>();
    for (byte[] v : consume(SignalboxTopics.INDICATOR_SCORES)) {
      scores.add(scoreCodec.decode(v));
    }
    List<IndicatorScore> a =
        scores.stream().filter(s -> s.getIndicatorId().equals("indicator--a")).toList();
    assertThat(a)
        .extracting(IndicatorScore::getReason)
        .contains("first-sighting", "false-positive");
    int fp = a.stream().map(IndicatorScore::getReason).toList().indexOf("false-positive");
    assertThat(a.get(fp).getScore()).isLessThan(a.get(fp - 1).getScore());
    assertThat(a.get(fp).getFalsePositives()).isEqualTo(1);
    assertThat(a.get(fp).getSource()).isEqualTo("isac");
    assertThat(scores)
        .extracting(IndicatorScore::getIndicatorId)
        .doesNotContain("indicator--never-seen");

    AvroCodec<DeadLetter> deadLetters = AvroCodec.deadLetter();
    List<String> reasons = new ArrayList<>();
    for (byte[] v : consume(SignalboxTopics.DEAD_LETTER)) {
      reasons.add(deadLetters.decode(v).getReason());
    }
    assertThat(reasons)
        .containsExactlyInAnyOrder(
            "undecodable-avro", "absurd-event-time", "undecodable-avro", "unknown-indicator");
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
