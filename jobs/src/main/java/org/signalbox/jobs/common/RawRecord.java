package org.signalbox.jobs.common;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record exactly as it arrived, with its origin. Sources emit these rather than decoded records
 * so that decoding happens in an operator that can route failures to the dead-letter topic with
 * topic, partition and offset; a deserializer that throws would instead fail the whole job.
 *
 * <p>A Flink POJO (public fields, no-arg constructor), so it never falls back to Kryo.
 */
public class RawRecord {
  /** Kafka topic, or file name for bounded file input. */
  public String topic;

  /** Kafka partition; 0 for files. */
  public int partition;

  /** Kafka offset, or 1-based line number for files. */
  public long offset;

  /** Kafka record timestamp (producer time unless the topic uses log-append time), epoch ms. */
  public long timestamp;

  /** Record key, may be null. */
  public byte[] key;

  /** Record value; null for a Kafka tombstone. */
  public byte[] value;

  public RawRecord() {}

  public RawRecord(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  public String origin() {
    return topic + "/" + partition + "@" + offset;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RawRecord)) {
      return false;
    }
    RawRecord r = (RawRecord) o;
    return partition == r.partition
        && offset == r.offset
        && timestamp == r.timestamp
        && Objects.equals(topic, r.topic)
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return "RawRecord{"
        + origin()
        + ", "
        + (value == null ? "tombstone" : value.length + " bytes")
        + "}";
  }
}
