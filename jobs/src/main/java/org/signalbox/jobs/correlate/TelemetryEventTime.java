package org.signalbox.jobs.correlate;

import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads a telemetry record's {@code eventTime} straight from its encoded bytes, for the source's
 * timestamp assigner, without decoding the whole event (the decoder does that once, one operator
 * later; decoding twice would cost the hot path a second full decode).
 *
 * <p>Invariant this relies on: in every version of {@code TelemetryEvent} the record starts with
 * {@code eventId} (string), {@code member} (string), {@code sector} (enum), {@code sourceType}
 * (string), {@code eventTime} (long, epoch ms). New fields are only ever appended (schemas/ rule),
 * and TelemetryEventTimeTest checks every released version. The wire format is Avro single-object
 * encoding: two marker bytes {@code C3 01} and an 8-byte schema fingerprint, then the record.
 */
final class TelemetryEventTime {
  private static final int HEADER = 10;

  private TelemetryEventTime() {}

  /**
   * The event time in epoch ms, or {@code fallback} when the bytes are not a telemetry record
   * (those become dead letters in the decoder; their timestamp only has to be harmless).
   */
  static long of(byte[] value, long fallback, BinaryDecoder[] reuse) {
    if (value == null
        || value.length <= HEADER
        || value[0] != (byte) 0xC3
        || value[1] != (byte) 0x01) {
      return fallback;
    }
    try {
      BinaryDecoder in =
          DecoderFactory.get().binaryDecoder(value, HEADER, value.length - HEADER, reuse[0]);
      reuse[0] = in;
      in.skipString(); // eventId
      in.skipString(); // member
      in.readEnum(); // sector
      in.skipString(); // sourceType
      return in.readLong(); // eventTime
    } catch (IOException | RuntimeException e) {
      return fallback;
    }
  }
}
