package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.campaign.CampaignPipelineITCase.T0;
import static org.signalbox.jobs.campaign.CampaignPipelineITCase.sighting;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * An idle sightings partition must not hold event time back ({@code campaign.source-idleness}). The
 * job reads a real two-partition topic with two source readers, one partition each; only partition
 * 0 ever gets sightings.
 *
 * <p>The detector raises alerts as sightings arrive, not when the watermark passes, so a stuck
 * watermark never delays an alert: what it stops is event time itself. Timers never fire (members
 * never leave state) and no sighting is ever judged too late. So the tests watch the watermark at
 * the alert sink and the fate of a sighting that is almost two hours behind the others: with
 * idleness the watermark passes the silent partition and that sighting goes to the too-late side
 * output; without it the watermark does not move until the silent partition speaks, and the same
 * sighting is counted into the alert as if it were on time.
 *
 * <p>Nothing waits on a clock: each step waits (with a generous limit) for the output that the
 * previous step must produce.
 */
class CampaignIdlePartitionITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final Duration PATIENCE = Duration.ofSeconds(60);
  static final long TEN_MINUTES = Duration.ofMinutes(10).toMillis();

  /** What the two on-time sightings put the watermark at (out-of-orderness 10 min), at least. */
  static final Instant WATERMARK_FROM_PARTITION_0 = T0.plus(Duration.ofHours(47));

  static LocalKafkaBroker broker;

  /** Outputs of the running job, by name; the MiniCluster runs in this JVM. */
  static final Map<String, List<Object>> OUTPUTS = new ConcurrentHashMap<>();

  @BeforeAll
  static void startBroker() {
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        List.of(
            new NewTopic("sightings-idle-released", 2, (short) 1),
            new NewTopic("sightings-idle-held", 2, (short) 1)),
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void clearOutputs() {
    OUTPUTS.clear();
    for (String name : List.of("alerts", "too-late", "watermarks")) {
      OUTPUTS.put(name, new CopyOnWriteArrayList<>());
    }
  }

  static Sighting railfox(String id, String member, Sector sector, Duration afterT0) {
    return sighting(id, member, sector, T0.plus(afterT0), "RAILFOX", Tlp.GREEN);
  }

  /** Two members see RAILFOX two days in, on partition 0; partition 1 stays silent. */
  static void twoMembersOnPartition0(String topic) throws Exception {
    produce(topic, 0, railfox("a", "m-rail-01", Sector.RAIL, Duration.ofHours(48)));
    produce(
        topic, 0, railfox("c", "m-air-01", Sector.AVIATION, Duration.ofHours(48).plusMinutes(5)));
  }

  /** A third member's sighting from almost two hours before: beyond the hour of lateness. */
  static Sighting straggler() {
    return railfox("b", "m-log-01", Sector.LOGISTICS, Duration.ofHours(46).plusMinutes(10));
  }

  @Test
  void anIdlePartitionIsReleasedAndEventTimeMovesOn() throws Exception {
    String topic = "sightings-idle-released";
    twoMembersOnPartition0(topic);
    JobClient job = start(topic, Duration.ofMillis(500));
    try {
      CampaignAlert raised = await("alerts", CampaignAlert.class, a -> true);
      assertThat(raised.getMembers()).containsExactly("m-air-01", "m-rail-01");

      // Partition 1 has said nothing, yet event time reaches the alert sink.
      long watermark =
          await("watermarks", Long.class, w -> w >= WATERMARK_FROM_PARTITION_0.toEpochMilli());
      assertThat(watermark)
          .isLessThan(T0.plus(Duration.ofHours(48).plusMinutes(5)).toEpochMilli() - TEN_MINUTES);

      produce(topic, 0, straggler());
      CampaignObservation late =
          await("too-late", CampaignObservation.class, o -> o.member.equals("m-log-01"));
      assertThat(late.eventTime).isEqualTo(straggler().getEventTime().toEpochMilli());
      assertThat(OUTPUTS.get("alerts")).singleElement().isEqualTo(raised);
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutIdlenessASilentPartitionHoldsEventTimeUntilItSpeaks() throws Exception {
    String topic = "sightings-idle-held";
    twoMembersOnPartition0(topic);
    // Longer than the test: partition 1 is never released.
    JobClient job = start(topic, Duration.ofHours(1));
    try {
      CampaignAlert raised = await("alerts", CampaignAlert.class, a -> true);
      assertThat(raised.getRevision()).isEqualTo(1);

      // Some time for a wrongly released partition to show itself; the outcome below does not
      // depend on how long this is, only the strength of the check does.
      Thread.sleep(2_000);
      assertThat(OUTPUTS.get("watermarks")).noneMatch(w -> (Long) w >= T0.toEpochMilli());

      produce(topic, 0, straggler());
      CampaignAlert escalated = await("alerts", CampaignAlert.class, a -> a.getRevision() == 2);
      assertThat(escalated.getMembers()).containsExactly("m-air-01", "m-log-01", "m-rail-01");
      // Not even behind the watermark: there is none yet.
      assertThat(escalated.getLateSightings()).isZero();
      assertThat(OUTPUTS.get("too-late")).isEmpty();

      // The silent partition speaks: now both partitions have a watermark, and event time moves.
      produce(
          topic,
          1,
          sighting(
              "z",
              "m-port-01",
              Sector.AIRPORT,
              T0.plus(Duration.ofHours(49)),
              "OTHERBEAR",
              Tlp.GREEN));
      await("watermarks", Long.class, w -> w >= WATERMARK_FROM_PARTITION_0.toEpochMilli());
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  static JobClient start(String topic, Duration idleness) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CampaignOptions.IDLENESS, idleness);
    env.configure(conf);
    // One source reader per partition.
    env.setParallelism(2);

    KafkaSource<Sighting> source =
        KafkaSource.<Sighting>builder()
            .setBootstrapServers(broker.bootstrapServers())
            .setTopics(topic)
            .setGroupId("campaign-idle-" + topic)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(new SightingSchema()))
            .build();
    // As in CampaignKafka: no watermarks from the source; CampaignPipeline assigns them.
    DataStream<Sighting> sightings =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "sightings");
    SingleOutputStreamOperator<CampaignAlert> alerts = CampaignPipeline.build(sightings, conf);
    alerts.sinkTo(new ListSink<>("alerts")).setParallelism(1);
    alerts.getSideOutput(CampaignDetector.TOO_LATE).sinkTo(new ListSink<>("too-late"));
    return env.executeAsync("campaign idle partition test");
  }

  /** The first output of that name matching the condition, waiting for it as long as needed. */
  static <T> T await(String output, Class<T> type, Predicate<T> condition) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      for (Object o : OUTPUTS.get(output)) {
        if (type.isInstance(o) && condition.test(type.cast(o))) {
          return type.cast(o);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no matching " + output + " within " + PATIENCE + "; got " + OUTPUTS.get(output));
  }

  static void produce(String topic, int partition, Sighting s) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer
          .send(new ProducerRecord<>(topic, partition, null, AvroCodec.sighting().encode(s)))
          .get(10, TimeUnit.SECONDS);
    }
  }

  /** Sightings from their Avro bytes; the tests write only valid ones. */
  static final class SightingSchema implements DeserializationSchema<Sighting> {
    private static final long serialVersionUID = 1L;
    private transient AvroCodec<Sighting> codec;

    @Override
    public Sighting deserialize(byte[] message) throws IOException {
      if (codec == null) {
        codec = AvroCodec.sighting();
      }
      return codec.decode(message);
    }

    @Override
    public boolean isEndOfStream(Sighting next) {
      return false;
    }

    @Override
    public TypeInformation<Sighting> getProducedType() {
      return TypeInformation.of(Sighting.class);
    }
  }

  /**
   * Collects records into {@link #OUTPUTS}; the alert sink also records each watermark it is given,
   * which is the event time the detector had reached.
   */
  record ListSink<T>(String output) implements Sink<T> {
    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(T element, Context ctx) {
          OUTPUTS.get(output).add(element);
        }

        @Override
        public void writeWatermark(Watermark watermark) {
          if (output.equals("alerts")) {
            OUTPUTS.get("watermarks").add(watermark.getTimestamp());
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
