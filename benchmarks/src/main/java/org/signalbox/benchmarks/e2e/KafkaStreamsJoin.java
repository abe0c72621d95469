package org.signalbox.benchmarks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.signalbox.core.Tlps;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Observable;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;

/**
 * The Kafka Streams baseline: exact-value matching written the way a Kafka Streams user would write
 * it. Indicators are re-keyed by their normalized value into a {@link KTable} (revoked and expired
 * versions become tombstones); each telemetry event is split into one record per distinct
 * observable, re-keyed by its normalized value and joined with the table; every join result is a
 * {@link Sighting} in Avro, like correlate's. CIDR, domain-suffix and pattern indicators are out of
 * its reach (a KTable join matches equal keys only), so it is compared on exact matches.
 */
public final class KafkaStreamsJoin {

  /** Counters the harness watches to know when the topology has processed everything. */
  public static final class Progress {
    public final AtomicLong eventsRead = new AtomicLong();
    public final AtomicLong probesSent = new AtomicLong();
    public final AtomicLong probesJoined = new AtomicLong();
  }

  private KafkaStreamsJoin() {}

  /**
   * @param now the instant expiry is judged against (the generator's clock)
   */
  public static Topology topology(
      String telemetryPattern,
      String indicatorsTopic,
      String outputTopic,
      Instant now,
      Progress progress) {
    AvroCodec<Indicator> indicatorCodec = AvroCodec.indicator();
    AvroCodec<TelemetryEvent> telemetryCodec = AvroCodec.telemetry();
    AvroCodec<Sighting> sightingCodec = AvroCodec.sighting();

    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, byte[]> byValue =
        builder.stream(indicatorsTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .flatMap(
                (id, bytes) -> {
                  Indicator ind = decode(indicatorCodec, bytes);
                  if (ind.getMatchKind() != MatchKind.EXACT) {
                    return List.<KeyValue<String, byte[]>>of();
                  }
                  String key;
                  try {
                    key =
                        keyOf(
                            ObservableNormalizer.normalize(
                                ind.getObservableType(), ind.getValue()));
                  } catch (InvalidObservableException e) {
                    return List.<KeyValue<String, byte[]>>of();
                  }
                  boolean live =
                      !ind.getRevoked()
                          && (ind.getValidUntil() == null || ind.getValidUntil().isAfter(now));
                  return List.of(KeyValue.pair(key, live ? bytes : null));
                })
            .toTable(
                Materialized
                    .<String, byte[],
                        org.apache.kafka.streams.state.KeyValueStore<
                            org.apache.kafka.common.utils.Bytes, byte[]>>
                        as("indicators-by-value")
                    .withKeySerde(Serdes.String())
                    .withValueSerde(Serdes.ByteArray()));

    KStream<String, byte[]> probes =
        builder.stream(
                Pattern.compile(telemetryPattern),
                Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .flatMap(
                (k, bytes) -> {
                  progress.eventsRead.incrementAndGet();
                  TelemetryEvent e = decode(telemetryCodec, bytes);
                  List<KeyValue<String, byte[]>> out = new ArrayList<>();
                  Set<String> seen = new HashSet<>();
                  for (Observable o : e.getObservables()) {
                    String key;
                    try {
                      key = keyOf(ObservableNormalizer.normalize(o.getType(), o.getValue()));
                    } catch (InvalidObservableException ex) {
                      continue;
                    }
                    if (seen.add(key + '|' + o.getRole())) {
                      TelemetryEvent one =
                          TelemetryEvent.newBuilder(e).setObservables(List.of(o)).build();
                      out.add(KeyValue.pair(key, telemetryCodec.encode(one)));
                    }
                  }
                  progress.probesSent.addAndGet(out.size());
                  return out;
                })
            .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("probes"))
            .peek((k, v) -> progress.probesJoined.incrementAndGet());

    probes
        .join(
            byValue,
            (probeBytes, indicatorBytes) -> {
              TelemetryEvent e = decode(telemetryCodec, probeBytes);
              Indicator ind = decode(indicatorCodec, indicatorBytes);
              return sightingCodec.encode(sighting(e, e.getObservables().get(0), ind));
            })
        .to(outputTopic, Produced.with(Serdes.String(), Serdes.ByteArray()));
    return builder.build();
  }

  static String keyOf(NormalizedObservable n) {
    return n.type().name() + '|' + n.value();
  }

  private static Sighting sighting(TelemetryEvent e, Observable o, Indicator ind) {
    long now = System.currentTimeMillis();
    String name = e.getMember() + '\n' + e.getEventId() + '\n' + ind.getId() + '\n' + o.getRole();
    return Sighting.newBuilder()
        .setSightingId("sighting--" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)))
        .setIndicatorId(ind.getId())
        .setIndicatorVersion(ind.getVersion())
        .setMatchKind(ind.getMatchKind())
        .setMember(e.getMember())
        .setSector(e.getSector())
        .setSourceType(e.getSourceType())
        .setEventId(e.getEventId())
        .setEventTime(e.getEventTime())
        .setMatchedType(o.getType())
        .setMatchedValue(o.getValue())
        .setRole(o.getRole())
        .setCount(1)
        .setTlp(Tlps.mostRestrictive(e.getTlp(), ind.getTlp()))
        .setConfidence(ind.getConfidence())
        .setIndicatorSource(ind.getSource())
        .setLabels(ind.getLabels())
        .setEnrichment(ind.getContext())
        .setTelemetryIngestTime(Instant.ofEpochMilli(now))
        .setDetectedAt(Instant.ofEpochMilli(now))
        .build();
  }

  private static <T extends org.apache.avro.specific.SpecificRecordBase> T decode(
      AvroCodec<T> codec, byte[] bytes) {
    try {
      return codec.decode(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("undecodable benchmark record", e);
    }
  }
}
