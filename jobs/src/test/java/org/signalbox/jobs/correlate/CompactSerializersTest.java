package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

/** The hand-written serializers of the records that cross the network between operators. */
class CompactSerializersTest {

  static <T> TypeSerializer<T> serializerOf(Class<T> type) {
    TypeInformation<T> info = TypeInformation.of(type);
    assertThat(info).isInstanceOf(CompactTypeInfo.class); // not the reflective POJO serializer
    return info.createSerializer(new SerializerConfigImpl());
  }

  static <T> T roundTrip(TypeSerializer<T> s, T value) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    s.serialize(value, out);
    s.serialize(value, out); // two in a row: each read must stop at its own end
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    T first = s.deserialize(in);
    T second = s.duplicate().deserialize(in);
    assertThat(in.available()).isZero();
    assertThat(second).usingRecursiveComparison().isEqualTo(first);
    // Serializers travel Java-serialized in the job graph; the copy must still work.
    TypeSerializer<T> shipped =
        InstantiationUtil.clone(s, CompactSerializersTest.class.getClassLoader());
    assertThat(shipped.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
        .usingRecursiveComparison()
        .isEqualTo(first);
    return first;
  }

  @Test
  void probeSurvivesTheWireIncludingItsValueDerivedFromTheKey() throws Exception {
    ObservableProbe p =
        Fixtures.probe("e-1", ObservableType.DOMAIN, "évil.example", T0.plusSeconds(3));
    p.ingestTime = 42;
    ObservableProbe back = roundTrip(serializerOf(ObservableProbe.class), p);
    assertThat(back).usingRecursiveComparison().isEqualTo(p);
    assertThat(back.value).isEqualTo("évil.example");
    assertThat(serializerOf(ObservableProbe.class).copy(p)).usingRecursiveComparison().isEqualTo(p);
  }

  @Test
  void probeWhoseValueIsNotTheKeyTailAndNullsSurvive() throws Exception {
    ObservableProbe p = new ObservableProbe();
    p.key = "IPV4|198.51.100.7";
    p.type = ObservableType.IPV4;
    p.value = "198.51.100.8"; // not what the key says: written on its own
    p.role = null;
    p.eventId = "e";
    p.member = null;
    p.sector = Sector.RAIL;
    p.sourceType = "";
    p.eventTime = -1;
    p.tlp = Tlp.RED;
    p.ingestTime = Long.MAX_VALUE;
    assertThat(roundTrip(serializerOf(ObservableProbe.class), p))
        .usingRecursiveComparison()
        .isEqualTo(p);
    assertThat(roundTrip(serializerOf(ObservableProbe.class), new ObservableProbe()))
        .usingRecursiveComparison()
        .isEqualTo(new ObservableProbe());
  }

  @Test
  void patternProbeCarriesEveryObservable() throws Exception {
    DecodedTelemetry d =
        new DecodedTelemetry(
            Fixtures.event(
                "e-2",
                "m-air-02",
                Sector.AIRPORT,
                T0,
                new Observable(ObservableType.IPV4, "203.0.113.9", ObservableRole.DESTINATION),
                new Observable(ObservableType.URL, "http://x.example/a?b", ObservableRole.URL),
                new Observable(ObservableType.SHA256, "a".repeat(64), ObservableRole.FILE_HASH)),
            7);
    PatternProbe p = PatternProbe.of(d);
    PatternProbe back = roundTrip(serializerOf(PatternProbe.class), p);
    assertThat(back).usingRecursiveComparison().isEqualTo(p);
    assertThat(back.observables).hasSize(3);
    assertThat(back.eventKey()).isEqualTo("m-air-02|e-2");

    PatternProbe empty = new PatternProbe();
    assertThat(roundTrip(serializerOf(PatternProbe.class), empty).observables).isNull();
    empty.observables = List.of();
    assertThat(roundTrip(serializerOf(PatternProbe.class), empty).observables).isEmpty();
  }
}
