package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.trends.TrendFixtures.DAY1;
import static org.signalbox.jobs.trends.TrendFixtures.sighting;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.jobs.sharing.TopicPlan;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * {@code signalbox trends --bounded} on a real broker where no topic matches {@code feedback\..+}
 * and the default consumer group has already committed the end of the sightings (as a streaming
 * trends job would have): each run ends on its own, reads everything from the beginning, and says
 * which topics it read and how many records.
 */
class TrendsBoundedITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static LocalKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    // The core topics only: no member directory, so no feedback.<member> topic at all.
    TopicPlan.of(null, 1, TopicPlan.DEFAULT_TELEMETRY_RETENTION)
        .apply(broker.clientProperties(), Optional.empty(), false, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a guard against a hang, not an assertion
  void aBoundedRunEndsWithoutFeedbackTopicsAndDespiteCommittedOffsets() throws Exception {
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int m = 1; m <= 3; m++) {
        Sighting s =
            sighting(
                "indicator--62000000-0000-4000-8000-000000000000",
                "m-rail-" + m,
                Sector.RAIL,
                DAY1.plusSeconds(60L * m),
                DAY1.minus(Duration.ofHours(1)));
        producer
            .send(
                new ProducerRecord<>(
                    "sightings",
                    s.getIndicatorId().getBytes(StandardCharsets.UTF_8),
                    codec.encode(s)))
            .get();
      }
    }
    // The default group (signalbox-trends) has read everything already.
    TopicPartition tp = new TopicPartition("sightings", 0);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
      assertThat(end).isEqualTo(3);
      admin
          .alterConsumerGroupOffsets(
              TrendsOptions.GROUP_ID.defaultValue(), Map.of(tp, new OffsetAndMetadata(end)))
          .all()
          .get();
    }

    for (int run = 1; run <= 2; run++) {
      EdgeCommandsTest.Result r =
          EdgeCommandsTest.run("", "trends", "--bootstrap", broker.bootstrapServers(), "--bounded");
      assertThat(r.exit()).as("run %d: %s", run, r.err()).isZero();
      assertThat(r.err()).contains("no topic matches feedback\\..+");
      assertThat(r.out())
          .as("run %d", run)
          .containsPattern("sightings: +sightings +3 records")
          .containsPattern("indicators: +indicators +0 records")
          .containsPattern("campaign alerts: +campaign-alerts +0 records")
          .contains("feedback: no topic matches feedback\\..+")
          .containsPattern("wrote [1-9][0-9]* trend records");
    }
    // The streaming job's committed position is left where it was.
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      assertThat(
              admin
                  .listConsumerGroupOffsets(TrendsOptions.GROUP_ID.defaultValue())
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(tp)
                  .offset())
          .isEqualTo(3);
    }
  }
}
