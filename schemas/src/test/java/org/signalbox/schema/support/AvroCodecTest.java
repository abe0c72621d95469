package org.signalbox.schema.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Provenance;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;

class AvroCodecTest {

  static TelemetryEvent event() {
    return TelemetryEvent.newBuilder()
        .setEventId("e-1")
        .setMember("m-rail-01")
        .setSector(Sector.RAIL)
        .setSourceType("zeek.dns")
        .setEventTime(Instant.parse("2026-11-23T10:00:00Z"))
        .setObservables(
            List.of(new Observable(ObservableType.DOMAIN, "evil.example", ObservableRole.QUERY)))
        .setAttributes(Map.of("dns.qtype", "A"))
        .setTlp(Tlp.AMBER)
        .setProvenance(Provenance.newBuilder().setParser("test").build())
        .build();
  }

  @Test
  void roundTripsARecord() throws IOException {
    AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
    assertThat(codec.decode(codec.encode(event()))).isEqualTo(event());
  }

  @Test
  void rejectsGarbageTruncatedAndForeignRecords() {
    AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
    byte[] good = codec.encode(event());

    assertThatThrownBy(() -> codec.decode("not avro at all".getBytes()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(good, good.length - 7)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> codec.decode(null)).hasMessageContaining("no value");
    // A dead letter's fingerprint is not a telemetry schema: rejected, not misread.
    byte[] other =
        AvroCodec.deadLetter()
            .encode(
                DeadLetter.newBuilder()
                    .setOriginTopic("t")
                    .setPartition(0)
                    .setOffset(1)
                    .setStage("decode")
                    .setReason("r")
                    .setError("e")
                    .setFailedAt(Instant.EPOCH)
                    .build());
    assertThatThrownBy(() -> codec.decode(other)).isInstanceOf(IOException.class);
  }

  @Test
  void aHugeLengthPrefixFailsInsteadOfAllocating() {
    AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
    byte[] good = codec.encode(event());
    // Header (2 marker + 8 fingerprint bytes), then the eventId length as a zig-zag varint that
    // claims about 1 GiB.
    byte[] bad = Arrays.copyOf(good, 20);
    byte[] huge = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    System.arraycopy(huge, 0, bad, 10, huge.length);
    assertThatThrownBy(() -> codec.decode(bad)).isInstanceOf(IOException.class);
  }

  @Test
  void rejectsOversizedRecordsBeforeDecoding() {
    assertThatThrownBy(() -> AvroCodec.telemetry().decode(new byte[AvroCodec.MAX_RECORD_BYTES + 1]))
        .hasMessageContaining("exceeds the limit");
  }
}
