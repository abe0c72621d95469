package org.signalbox.benchmarks.e2e;

import java.io.IOException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.common.AvroRecordSerializer;
import org.signalbox.jobs.common.KafkaSources;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;

/**
 * The ceiling: the same Kafka source and sink, the same Avro decode and encode as correlate, and
 * nothing in between. No job reading these topics through Flink can be faster, so correlate's
 * throughput divided by this one's says what matching costs.
 */
public final class PassThroughJob {
  private PassThroughJob() {}

  /** Adds the bounded pass-through pipeline to {@code env}. */
  public static void attach(
      StreamExecutionEnvironment env,
      String bootstrap,
      String telemetryPattern,
      String groupId,
      String outputTopic) {
    KafkaSource<RawRecord> source =
        KafkaSources.raw(KafkaClientConfig.plaintext(bootstrap))
            .setTopicPattern(Pattern.compile(telemetryPattern))
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .setProperty("partition.discovery.interval.ms", "-1")
            .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "telemetry")
        .process(new Decode())
        .name("decode telemetry")
        .sinkTo(
            KafkaSink.<TelemetryEvent>builder()
                .setKafkaProducerConfig(KafkaClientConfig.plaintext(bootstrap).flinkSink())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(
                    new AvroRecordSerializer<>(
                        outputTopic, AvroCodec::telemetry, TelemetryEvent::getEventId))
                .build())
        .name("passthrough sink");
  }

  /** Avro decode, as correlate's first operator does (without its validation). */
  static final class Decode extends ProcessFunction<RawRecord, TelemetryEvent> {
    private static final long serialVersionUID = 1L;
    private transient AvroCodec<TelemetryEvent> codec;

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<TelemetryEvent> out) {
      if (codec == null) {
        codec = AvroCodec.telemetry();
      }
      try {
        out.collect(codec.decode(r.value));
      } catch (IOException e) {
        // The harness writes only valid records; a failure here means the harness is broken.
        throw new IllegalStateException("undecodable benchmark record at " + r.origin(), e);
      }
    }
  }
}
