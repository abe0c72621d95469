package org.signalbox.jobs.common;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.signalbox.kafka.KafkaClientConfig;

/** The one way the jobs read Kafka: raw records, with the job's login, read_committed. */
public final class KafkaSources {
  private KafkaSources() {}

  /**
   * A source builder of raw records ({@link RawRecordDeserializer}) with {@code client}'s bootstrap
   * servers and login and {@code isolation.level=read_committed}: a job reading another job's
   * output (campaigns and trends read the sightings correlate writes in transactions) must see each
   * committed record once and no record of an aborted transaction. For topics written without
   * transactions (telemetry, indicators) it changes nothing. A bounded source's "latest" end is
   * then the last stable offset: it ends before a transaction still open.
   */
  public static KafkaSourceBuilder<RawRecord> raw(KafkaClientConfig client) {
    return KafkaSource.<RawRecord>builder()
        .setProperties(client.flinkSource())
        .setDeserializer(new RawRecordDeserializer());
  }
}
