package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.schema.ObservableType.IPV4;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/** The hand-written serializers of the records between operators and in state. */
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

  static IndicatorChange change(ChangeKind kind, String id, long version, Indicator ind) {
    return IndicatorChange.of(kind, "IPV4|198.51.100.7", id, version, IndexTarget.EXACT, ind);
  }

  /**
   * The exact index keeps only part of an indicator; the sightings it builds from that part must be
   * the very bytes it built from the whole indicator, whatever the indicator looks like.
   */
  @Test
  void sightingsFromTheCompactEntryAreByteForByteTheSame() throws Exception {
    List<Indicator> shapes =
        List.of(
            indicator("indicator--0b6f3c52-9e5c-4f3e-8d41-6f0c3f1a2b7d", IPV4, "198.51.100.7")
                .build(),
            // A id that is not indicator--<canonical uuid>: kept as text.
            indicator("indicator--0B6F3C52-9E5C-4F3E-8D41-6F0C3F1A2B7D", IPV4, "198.51.100.7")
                .setValidUntil(T0.plus(Duration.ofDays(3)))
                .setTlp(Tlp.AMBER_STRICT)
                .setConfidence(0)
                .setLabels(List.of())
                .build(),
            indicator("x", IPV4, "198.51.100.7")
                .setVersion(T0.plusMillis(1))
                .setSource("ünïcode feed")
                .setLabels(List.of("c2", "", "malicious-activity"))
                .setContext(
                    IndicatorContext.newBuilder()
                        .setThreatActors(List.of("RAILFOX", "GATE CRASHER"))
                        .setCampaigns(List.of("Operation Gate Change"))
                        .setMalware(List.of("dropper"))
                        .setAttackPatterns(List.of("T1071.004", "T1078"))
                        .setKillChainPhases(List.of("mitre-attack:command-and-control"))
                        .setVulnerabilities(List.of("CVE-2024-3400"))
                        .build())
                .build());
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    TypeSerializer<ExactSlot> serializer = serializerOf(ExactSlot.class);
    ObservableProbe probe = Fixtures.probe("e-9", IPV4, "198.51.100.7", T0.plusSeconds(9));
    for (Indicator ind : shapes) {
      ExactSlot slot = new ExactSlot();
      assertThat(slot.apply(change(ChangeKind.UPSERT, ind.getId(), 5, ind))).isTrue();
      ExactSlot back = roundTrip(serializer, slot);
      assertThat(back.entries).singleElement();
      // The lifecycle sends the indicator's own version; a sighting shows the indicator's.
      Indicator same = Indicator.newBuilder(ind).setVersion(Instant.ofEpochMilli(5)).build();
      assertThat(codec.encode(Sightings.of(probe, back.entries.get(0), 1234)))
          .as(ind.getId())
          .isEqualTo(codec.encode(Sightings.of(probe, same, 1234)));
    }
  }

  /**
   * Already reported: one value from several feeds makes one sighting per marking. Merging what the
   * slot keeps must give the very bytes that merging the whole indicators gives.
   */
  @Test
  void mergedSightingsFromTheCompactEntriesAreByteForByteTheSame() throws Exception {
    List<Indicator> feeds =
        List.of(
            indicator("indicator--0b6f3c52-9e5c-4f3e-8d41-6f0c3f1a2b7d", IPV4, "198.51.100.7")
                .build(),
            indicator("indicator--63657274-0000-4000-8000-000000000000", IPV4, "198.51.100.7")
                .setSource("national-cert")
                .setConfidence(95)
                .setLabels(List.of("scanner"))
                .setContext(
                    IndicatorContext.newBuilder()
                        .setThreatActors(List.of("SKYHOOK"))
                        .setVulnerabilities(List.of("CVE-2024-3400"))
                        .build())
                .build(),
            indicator("indicator--70617274-6e65-4720-8000-000000000000", IPV4, "198.51.100.7")
                .setSource("partner-isac")
                .setConfidence(60)
                .setValidUntil(T0.plus(Duration.ofDays(3)))
                .build(),
            indicator("indicator--72656400-0000-4000-8000-000000000000", IPV4, "198.51.100.7")
                .setSource("member-x")
                .setTlp(Tlp.RED)
                .build(),
            indicator("indicator--7265642d-746f-46f0-8000-000000000000", IPV4, "198.51.100.7")
                .setSource("member-y")
                .setTlp(Tlp.RED)
                .setLabels(List.of("c2", "ransomware"))
                .build());
    ExactSlot slot = new ExactSlot();
    List<Indicator> whole = new ArrayList<>();
    for (Indicator ind : feeds) {
      assertThat(slot.apply(change(ChangeKind.UPSERT, ind.getId(), 5, ind))).isTrue();
      whole.add(Indicator.newBuilder(ind).setVersion(Instant.ofEpochMilli(5)).build());
    }
    ExactSlot back = roundTrip(serializerOf(ExactSlot.class), slot);
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    ObservableProbe probe = Fixtures.probe("e-9", IPV4, "198.51.100.7", T0.plusSeconds(9));
    List<Sighting> fromSlot = new ArrayList<>();
    Sightings.emitExact(probe, back.entries, 1234, fromSlot::add);
    List<Sighting> fromWhole = new ArrayList<>();
    Sightings.emit(probe, whole, 1234, fromWhole::add);

    assertThat(fromSlot).hasSize(2); // one GREEN, one RED
    assertThat(fromSlot)
        .extracting(s -> s.getMergedIndicatorIds().size())
        .containsExactlyInAnyOrder(2, 1);
    assertThat(fromWhole).hasSameSizeAs(fromSlot);
    for (int i = 0; i < fromSlot.size(); i++) {
      assertThat(codec.encode(fromSlot.get(i)))
          .as(fromSlot.get(i).getIndicatorId())
          .isEqualTo(codec.encode(fromWhole.get(i)));
    }
  }

  @Test
  void slotKeepsEveryIdWithTheValueAndAppliesChangesByVersion() throws Exception {
    Indicator a =
        indicator("indicator--61000000-0000-4000-8000-000000000000", IPV4, "198.51.100.7").build();
    Indicator b =
        indicator("indicator--62000000-0000-4000-8000-000000000000", IPV4, "198.51.100.7").build();
    ExactSlot slot = new ExactSlot();
    slot.apply(change(ChangeKind.UPSERT, "indicator--62000000-0000-4000-8000-000000000000", 1, b));
    slot.apply(change(ChangeKind.UPSERT, "indicator--61000000-0000-4000-8000-000000000000", 1, a));
    assertThat(slot.entries)
        .extracting(e -> e.indicatorId)
        .containsExactly(
            "indicator--61000000-0000-4000-8000-000000000000",
            "indicator--62000000-0000-4000-8000-000000000000");

    assertThat(
            slot.apply(
                change(ChangeKind.UPSERT, "indicator--61000000-0000-4000-8000-000000000000", 1, a)))
        .isFalse(); // same
    assertThat(
            slot.apply(
                change(
                    ChangeKind.TOMBSTONE,
                    "indicator--61000000-0000-4000-8000-000000000000",
                    2,
                    null)))
        .isTrue();
    assertThat(
            slot.apply(
                change(ChangeKind.UPSERT, "indicator--61000000-0000-4000-8000-000000000000", 1, a)))
        .isFalse(); // older
    ExactSlot back = roundTrip(serializerOf(ExactSlot.class), slot);
    assertThat(back.entries.get(0).tombstone).isTrue();
    assertThat(back.entries.get(0).matchesAt(T0.toEpochMilli())).isFalse();
    assertThat(back.entries.get(1).matchesAt(T0.toEpochMilli())).isTrue();
    assertThat(back.entries.get(1).matchesAt(T0.toEpochMilli() - 1)).isFalse(); // before valid

    assertThat(
            slot.apply(
                change(
                    ChangeKind.REMOVE, "indicator--61000000-0000-4000-8000-000000000000", 1, null)))
        .isFalse();
    assertThat(
            slot.apply(
                change(
                    ChangeKind.REMOVE, "indicator--61000000-0000-4000-8000-000000000000", 2, null)))
        .isTrue();
    assertThat(
            slot.apply(
                change(
                    ChangeKind.REMOVE, "indicator--62000000-0000-4000-8000-000000000000", 1, null)))
        .isTrue();
    assertThat(slot.isEmpty()).isTrue();
    ExactSlot copy = serializerOf(ExactSlot.class).copy(back);
    assertThat(copy).usingRecursiveComparison().isEqualTo(back);
  }

  @Test
  void lifecycleRecordSurvives() throws Exception {
    IndicatorLifecycle.LifecycleRecord r = new IndicatorLifecycle.LifecycleRecord();
    r.version = T0.toEpochMilli();
    r.key = "URL|http://x.example/a";
    r.target = IndexTarget.PATTERN;
    r.revoked = true;
    r.cleanupAt = T0.toEpochMilli() + 86_400_000;
    r.source = "ünïcode feed";
    TypeSerializer<IndicatorLifecycle.LifecycleRecord> s =
        serializerOf(IndicatorLifecycle.LifecycleRecord.class);
    assertThat(roundTrip(s, r)).usingRecursiveComparison().isEqualTo(r);
    r.cleanupAt = Long.MAX_VALUE;
    r.revoked = false;
    r.target = IndexTarget.EXACT;
    r.source = "";
    assertThat(roundTrip(s, r)).usingRecursiveComparison().isEqualTo(r);
    assertThat(s.copy(r)).usingRecursiveComparison().isEqualTo(r);
    assertThat(roundTrip(s, new IndicatorLifecycle.LifecycleRecord()))
        .usingRecursiveComparison()
        .isEqualTo(new IndicatorLifecycle.LifecycleRecord());
  }

  @Test
  void indicatorKeyGivesBackTheExactIdAndKeysByValue() throws Exception {
    TypeSerializer<IndicatorKey> s = serializerOf(IndicatorKey.class);
    assertThat(TypeInformation.of(IndicatorKey.class).isKeyType()).isTrue();
    for (String id :
        List.of(
            "indicator--0b6f3c52-9e5c-4f3e-8d41-6f0c3f1a2b7d",
            "indicator--0B6F3C52-9E5C-4F3E-8D41-6F0C3F1A2B7D", // not canonical: kept as text
            "indicator--1-2-3-4-5",
            "indicator--61000000-0000-4000-8000-000000000000",
            "")) {
      IndicatorKey k = IndicatorKey.of(id);
      IndicatorKey back = roundTrip(s, k);
      assertThat(back.id()).isEqualTo(id);
      assertThat(back).isEqualTo(k).hasSameHashCodeAs(k);
      DataOutputSerializer a = new DataOutputSerializer(32);
      DataOutputSerializer b = new DataOutputSerializer(32);
      s.serialize(k, a);
      s.serialize(IndicatorKey.of(id), b);
      assertThat(a.getCopyOfBuffer())
          .isEqualTo(b.getCopyOfBuffer()); // RocksDB looks keys up by bytes
    }
    DataOutputSerializer out = new DataOutputSerializer(32);
    s.serialize(IndicatorKey.of("indicator--0b6f3c52-9e5c-4f3e-8d41-6f0c3f1a2b7d"), out);
    assertThat(out.length()).isEqualTo(17);
    assertThat(IndicatorKey.of("indicator--61000000-0000-4000-8000-000000000000"))
        .isNotEqualTo(IndicatorKey.of("indicator--62000000-0000-4000-8000-000000000000"));
  }
}
