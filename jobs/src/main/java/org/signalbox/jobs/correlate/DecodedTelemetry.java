package org.signalbox.jobs.correlate;

import org.signalbox.schema.TelemetryEvent;

/** A telemetry event that passed decoding and validation, with its Kafka timestamp. */
public class DecodedTelemetry {
  public TelemetryEvent event;

  /** Kafka timestamp of the record, epoch ms. */
  public long ingestTime;

  public DecodedTelemetry() {}

  public DecodedTelemetry(TelemetryEvent event, long ingestTime) {
    this.event = event;
    this.ingestTime = ingestTime;
  }
}
