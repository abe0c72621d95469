package org.signalbox.jobs.campaign;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.signalbox.connectors.kafka.AvroRecordSerializer;
import org.signalbox.connectors.kafka.RawRecord;
import org.signalbox.connectors.kafka.RawRecordDeserializer;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.jobs.sharing.RoutedRecordSerializer;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/**
 * Campaign detection as a job of its own on Kafka: sightings in; alerts (raw, secretariat only),
 * the shared feeds and dead letters out. Feed topics must exist (the broker does not create topics
 * on demand); records for a missing feed fail the sink rather than vanish.
 */
public final class CampaignKafka {
  private CampaignKafka() {}

  public static void attach(StreamExecutionEnvironment env, ReadableConfig conf, boolean bounded) {
    String bootstrap = conf.get(CorrelateOptions.BOOTSTRAP_SERVERS);
    KafkaSourceBuilder<RawRecord> source =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(conf.get(CorrelateOptions.SIGHTINGS_TOPIC))
            .setGroupId(conf.get(CampaignOptions.GROUP_ID))
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("client.id.prefix", "signalbox-campaigns");
    if (bounded) {
      source.setBounded(OffsetsInitializer.latest());
    }
    SingleOutputStreamOperator<Sighting> sightings =
        env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "sightings")
            .uid("campaign-sightings-source")
            .process(
                new SightingDecoder(conf.get(CorrelateOptions.MAX_FUTURE_SKEW)),
                TypeInformation.of(Sighting.class))
            .name("decode sightings")
            .uid("campaign-decode-sightings");

    SingleOutputStreamOperator<CampaignAlert> alerts = CampaignPipeline.build(sightings, conf);
    alerts
        .sinkTo(
            KafkaSink.<CampaignAlert>builder()
                .setBootstrapServers(bootstrap)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(
                    new AvroRecordSerializer<>(
                        conf.get(CampaignOptions.ALERTS_TOPIC),
                        AvroCodec::campaignAlert,
                        CampaignAlert::getAlertId))
                .build())
        .name("campaign alerts")
        .uid("campaign-alerts-sink");
    CampaignPipeline.share(alerts, conf)
        .sinkTo(
            KafkaSink.<org.signalbox.jobs.sharing.RoutedRecord>builder()
                .setBootstrapServers(bootstrap)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(new RoutedRecordSerializer())
                .build())
        .name("feeds")
        .uid("campaign-feeds-sink");
    sightings
        .getSideOutput(DeadLetters.TAG)
        .sinkTo(
            KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(bootstrap)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(
                    new AvroRecordSerializer<>(
                        conf.get(CorrelateOptions.DEAD_LETTER_TOPIC),
                        AvroCodec::deadLetter,
                        DeadLetter::getOriginTopic))
                .build())
        .name("campaign dead letters")
        .uid("campaign-dead-letter-sink");
  }
}
