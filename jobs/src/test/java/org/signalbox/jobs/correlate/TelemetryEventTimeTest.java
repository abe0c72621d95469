package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;

/**
 * The telemetry source's event time is the record's {@code eventTime}, not the Kafka timestamp
 * (which the edge sets to the time of sending).
 */
class TelemetryEventTimeTest {

  static final Instant EVENT_TIME = Instant.parse("2018-03-04T05:06:07.089Z");

  @Test
  void theWatermarkStrategyTimestampsByEventTimeNotByKafkaTimestamp() {
    TelemetryEvent e =
        Fixtures.event(
            "e-1",
            "rail-a",
            Sector.RAIL,
            EVENT_TIME,
            new Observable(ObservableType.DOMAIN, "evil.example", ObservableRole.QUERY));
    long sentAt = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    RawRecord raw =
        new RawRecord("telemetry.rail-a", 0, 0, sentAt, null, AvroCodec.telemetry().encode(e));
    TimestampAssigner<RawRecord> assigner =
        TelemetryWatermarks.strategy(Duration.ofMinutes(1), Duration.ofSeconds(30))
            .createTimestampAssigner(UnregisteredMetricsGroup::new);
    assertThat(assigner.extractTimestamp(raw, sentAt)).isEqualTo(EVENT_TIME.toEpochMilli());
    // Reuse of the decoder across records does not mix them up.
    assertThat(assigner.extractTimestamp(raw, sentAt)).isEqualTo(EVENT_TIME.toEpochMilli());
  }

  @Test
  void aRecordThatIsNotTelemetryKeepsItsKafkaTimestamp() {
    TimestampAssigner<RawRecord> assigner =
        TelemetryWatermarks.strategy(Duration.ofMinutes(1), Duration.ofSeconds(30))
            .createTimestampAssigner(UnregisteredMetricsGroup::new);
    byte[] garbage = "garbage from rail-a".getBytes(StandardCharsets.UTF_8);
    assertThat(assigner.extractTimestamp(new RawRecord("t", 0, 0, 42L, null, garbage), 42L))
        .isEqualTo(42L);
    assertThat(assigner.extractTimestamp(new RawRecord("t", 0, 0, 43L, null, null), 43L))
        .isEqualTo(43L);
    byte[] truncated = new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x7f};
    assertThat(assigner.extractTimestamp(new RawRecord("t", 0, 0, 44L, null, truncated), 44L))
        .isEqualTo(44L);
  }

  @Test
  void everyReleasedTelemetrySchemaStartsWithTheFieldsTheReaderSkips() {
    List<Schema> versions = new ArrayList<>(AvroCodec.history("TelemetryEvent"));
    versions.add(TelemetryEvent.getClassSchema());
    for (Schema s : versions) {
      List<Schema.Field> f = s.getFields();
      assertThat(f.subList(0, 5).stream().map(Schema.Field::name))
          .as("first fields of %s", s)
          .containsExactly("eventId", "member", "sector", "sourceType", "eventTime");
      assertThat(f.get(0).schema().getType()).isEqualTo(Schema.Type.STRING);
      assertThat(f.get(1).schema().getType()).isEqualTo(Schema.Type.STRING);
      assertThat(f.get(2).schema().getType()).isEqualTo(Schema.Type.ENUM);
      assertThat(f.get(3).schema().getType()).isEqualTo(Schema.Type.STRING);
      assertThat(f.get(4).schema().getType()).isEqualTo(Schema.Type.LONG);
    }
  }
}
