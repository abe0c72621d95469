package org.signalbox.jobs.sharing;

/**
 * One record bound for one audience's feed topic, already encoded (AvroCodec single-object
 * encoding). A Flink POJO.
 */
public class RoutedRecord {
  /** feed.&lt;kind&gt;.&lt;name&gt;, see {@link Audience#topic()}. */
  public String topic;

  /** {@link Audience#toString()}, for metrics and tests. */
  public String audience;

  public byte[] key;
  public byte[] value;

  public RoutedRecord() {}

  public RoutedRecord(String topic, String audience, byte[] key, byte[] value) {
    this.topic = topic;
    this.audience = audience;
    this.key = key;
    this.value = value;
  }
}
