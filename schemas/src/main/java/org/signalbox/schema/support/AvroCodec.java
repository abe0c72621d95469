package org.signalbox.schema.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.signalbox.schema.AlertDigest;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.TrendRecord;

/**
 * Wire format of every Signalbox topic: Avro single-object encoding (two marker bytes, the 8-byte
 * fingerprint of the writer schema, then the binary record). The fingerprint lets a reader pick the
 * right writer schema from {@link #history} without a schema registry, so records written by an
 * older edge keep decoding after a schema change (the compatibility test guarantees that).
 *
 * <p>Instances are cheap and not thread-safe (Avro's decoders reuse buffers); create one per task.
 */
public final class AvroCodec<T extends SpecificRecordBase> {

  /** Largest record we decode; anything bigger is a dead letter, not an allocation. */
  public static final int MAX_RECORD_BYTES = 1 << 20;

  static {
    // Avro sizes strings, byte arrays and collections from a length prefix before reading them,
    // so a few garbage bytes can ask for gigabytes. These limits turn that into an exception.
    // They are JVM-wide system properties read once by Avro; the launcher and the test JVMs also
    // pass them on the command line so they hold even if Avro was loaded before this class.
    setIfAbsent("org.apache.avro.limits.string.maxLength", String.valueOf(MAX_RECORD_BYTES));
    setIfAbsent("org.apache.avro.limits.bytes.maxLength", String.valueOf(16 * MAX_RECORD_BYTES));
    setIfAbsent("org.apache.avro.limits.collectionItems.maxLength", "100000");
  }

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroCodec(Class<T> type, Schema current, String historyName) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.encoder = new BinaryMessageEncoder<>(model, current);
    this.decoder = new BinaryMessageDecoder<>(model, current);
    for (Schema old : history(historyName)) {
      decoder.addSchema(old);
    }
  }

  public static AvroCodec<TelemetryEvent> telemetry() {
    return new AvroCodec<>(TelemetryEvent.class, TelemetryEvent.getClassSchema(), "TelemetryEvent");
  }

  public static AvroCodec<Indicator> indicator() {
    return new AvroCodec<>(Indicator.class, Indicator.getClassSchema(), "Indicator");
  }

  public static AvroCodec<Sighting> sighting() {
    return new AvroCodec<>(Sighting.class, Sighting.getClassSchema(), "Sighting");
  }

  public static AvroCodec<CampaignAlert> campaignAlert() {
    return new AvroCodec<>(CampaignAlert.class, CampaignAlert.getClassSchema(), "CampaignAlert");
  }

  public static AvroCodec<AlertDigest> alertDigest() {
    return new AvroCodec<>(AlertDigest.class, AlertDigest.getClassSchema(), "AlertDigest");
  }

  public static AvroCodec<DeadLetter> deadLetter() {
    return new AvroCodec<>(DeadLetter.class, DeadLetter.getClassSchema(), "DeadLetter");
  }

  public static AvroCodec<TrendRecord> trendRecord() {
    return new AvroCodec<>(TrendRecord.class, TrendRecord.getClassSchema(), "TrendRecord");
  }

  public static AvroCodec<Feedback> feedback() {
    return new AvroCodec<>(Feedback.class, Feedback.getClassSchema(), "Feedback");
  }

  public static AvroCodec<IndicatorScore> indicatorScore() {
    return new AvroCodec<>(IndicatorScore.class, IndicatorScore.getClassSchema(), "IndicatorScore");
  }

  public static AvroCodec<IndicatorAudit> indicatorAudit() {
    return new AvroCodec<>(IndicatorAudit.class, IndicatorAudit.getClassSchema(), "IndicatorAudit");
  }

  public Class<T> type() {
    return type;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /**
   * Decodes one record.
   *
   * @throws IOException for anything that is not a whole, valid record of this type (wrong marker,
   *     unknown schema fingerprint, truncated, oversized, nonsense lengths)
   */
  public T decode(byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("record has no value");
    }
    if (bytes.length > MAX_RECORD_BYTES) {
      throw new IOException(
          "record of " + bytes.length + " bytes exceeds the limit of " + MAX_RECORD_BYTES);
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      // Avro reports many kinds of corrupt input as unchecked exceptions
      // (AvroRuntimeException, SystemLimitException, ArrayIndexOutOfBounds, NegativeArraySize).
      throw new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Released versions of a schema, oldest first, from {@code history/<name>/v<N>.avsc}. Every
   * released version must stay readable: see SchemaCompatibilityTest.
   */
  public static List<Schema> history(String name) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String path = "/org/signalbox/schema/history/" + name + "/v" + v + ".avsc";
      InputStream in = AvroCodec.class.getResourceAsStream(path);
      if (in == null) {
        return versions;
      }
      try (in) {
        versions.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read schema history " + path, e);
      }
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Serializable factory, for Flink functions that create a codec per task in open(). */
  public interface Factory<T extends SpecificRecordBase>
      extends Serializable, Supplier<AvroCodec<T>> {}
}
