package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.indicator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;

/** The hand-written serializers of the two indicator hops keep every field, nulls included. */
class IndicatorHopSerializersTest {

  private static <T> TypeSerializer<T> serializer(Class<T> type) {
    return TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
  }

  private static <T> T roundTrip(TypeSerializer<T> s, T value) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    s.serialize(value, out);
    // Twice in one buffer: the reused encoder and buffers must not leak between records.
    s.serialize(value, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    T first = s.deserialize(in);
    T second = s.duplicate().deserialize(in);
    assertThat(second).usingRecursiveComparison().isEqualTo(first);
    assertThat(in.available()).isZero();
    // copy(in, out) writes the same bytes as serialize.
    DataOutputSerializer copied = new DataOutputSerializer(64);
    s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
    DataOutputSerializer once = new DataOutputSerializer(64);
    s.serialize(value, once);
    assertThat(copied.getCopyOfBuffer()).isEqualTo(once.getCopyOfBuffer());
    return first;
  }

  private static Indicator pattern() {
    return indicator("indicator--74000000-0000-4000-8000-000000000001", null, null)
        .setMatchKind(MatchKind.PATTERN)
        .setPattern("[domain-name:value = 'stager.example']")
        .setValidUntil(Instant.parse("2027-01-01T00:00:00Z"))
        .setRevoked(true)
        .build();
  }

  @Test
  void changesKeepEveryField() throws IOException {
    TypeSerializer<IndicatorChange> s = serializer(IndicatorChange.class);
    assertThat(s).isInstanceOf(IndicatorChange.Serializer.class);
    Indicator exact =
        indicator(
                "indicator--74000000-0000-4000-8000-000000000002", ObservableType.IPV4, "192.0.2.7")
            .build();
    IndicatorChange upsert =
        IndicatorChange.of(
            ChangeKind.UPSERT, "IPV4|192.0.2.7", exact.getId(), -5L, IndexTarget.EXACT, exact);
    assertThat(roundTrip(s, upsert)).usingRecursiveComparison().isEqualTo(upsert);
    IndicatorChange withPattern =
        IndicatorChange.of(
            ChangeKind.UPSERT, "PATTERN", pattern().getId(), 7L, IndexTarget.PATTERN, pattern());
    assertThat(roundTrip(s, withPattern)).usingRecursiveComparison().isEqualTo(withPattern);
    IndicatorChange tombstone =
        IndicatorChange.of(ChangeKind.TOMBSTONE, null, "x", Long.MAX_VALUE, null, null);
    assertThat(roundTrip(s, tombstone)).usingRecursiveComparison().isEqualTo(tombstone);
  }

  @Test
  void updatesKeepTheIndicatorAndTheOriginBytes() throws IOException {
    TypeSerializer<IndicatorUpdate> s = serializer(IndicatorUpdate.class);
    assertThat(s).isInstanceOf(IndicatorUpdate.Serializer.class);
    RawRecord origin =
        new RawRecord(
            "indicators",
            3,
            1234567890123L,
            -1L,
            "k".getBytes(StandardCharsets.UTF_8),
            new byte[] {0, 1, 2, (byte) 0xFF});
    IndicatorUpdate upsert = IndicatorUpdate.upsert(pattern(), origin);
    assertThat(roundTrip(s, upsert)).usingRecursiveComparison().isEqualTo(upsert);
    IndicatorUpdate deletion =
        IndicatorUpdate.deletion(
            "indicator--74000000-0000-4000-8000-000000000003",
            new RawRecord(null, 0, 0, 0, null, null));
    assertThat(roundTrip(s, deletion)).usingRecursiveComparison().isEqualTo(deletion);
    IndicatorUpdate bare = new IndicatorUpdate();
    assertThat(roundTrip(s, bare)).usingRecursiveComparison().isEqualTo(bare);
  }
}
