package org.signalbox.benchmarks.micro;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Provenance;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/** Avro single-object encoding and decoding of a typical telemetry event and sighting. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AvroCodecBenchmark {

  private AvroCodec<TelemetryEvent> telemetryCodec;
  private AvroCodec<Sighting> sightingCodec;
  private TelemetryEvent event;
  private Sighting sighting;
  private byte[] eventBytes;
  private byte[] sightingBytes;

  @Setup
  public void setUp() {
    telemetryCodec = AvroCodec.telemetry();
    sightingCodec = AvroCodec.sighting();
    Instant t = Instant.parse("2025-03-01T12:00:00Z");
    event =
        TelemetryEvent.newBuilder()
            .setEventId("rail-operator-a-123456")
            .setMember("rail-operator-a")
            .setSector(Sector.RAIL)
            .setSourceType("zeek.dns")
            .setEventTime(t)
            .setObservables(
                List.of(
                    new Observable(ObservableType.IPV4, "10.1.2.3", ObservableRole.SOURCE),
                    new Observable(
                        ObservableType.DOMAIN, "update-a1b2c3.xyz", ObservableRole.QUERY),
                    new Observable(ObservableType.IPV4, "45.12.34.56", ObservableRole.ANSWER)))
            .setAttributes(Map.of("dns.qtype", "A", "dns.rcode", "NOERROR"))
            .setTlp(Tlp.AMBER)
            .setProvenance(
                Provenance.newBuilder().setParser("zeek-dns").setOrigin("dns.log").build())
            .build();
    sighting =
        Sighting.newBuilder()
            .setSightingId("sighting--0b7e6b1c-1f8e-3c4e-9a55-2f7d5c0e6a11")
            .setIndicatorId("indicator--5d1c8a7e-0d3b-4b8e-a1f3-6f0a9b2c4d5e")
            .setIndicatorVersion(t)
            .setMatchKind(MatchKind.EXACT)
            .setMember("rail-operator-a")
            .setSector(Sector.RAIL)
            .setSourceType("zeek.dns")
            .setEventId("rail-operator-a-123456")
            .setEventTime(t)
            .setMatchedType(ObservableType.DOMAIN)
            .setMatchedValue("update-a1b2c3.xyz")
            .setRole(ObservableRole.QUERY)
            .setCount(1)
            .setTlp(Tlp.AMBER)
            .setConfidence(80)
            .setIndicatorSource("isac-secretariat")
            .setLabels(List.of("malicious-activity"))
            .setEnrichment(
                IndicatorContext.newBuilder()
                    .setThreatActors(List.of("RAILFOX"))
                    .setCampaigns(List.of("Operation Junction"))
                    .setAttackPatterns(List.of("T1071.004"))
                    .setVulnerabilities(List.of())
                    .build())
            .setTelemetryIngestTime(t)
            .setDetectedAt(t)
            .build();
    eventBytes = telemetryCodec.encode(event);
    sightingBytes = sightingCodec.encode(sighting);
  }

  @Benchmark
  public byte[] encodeTelemetry() {
    return telemetryCodec.encode(event);
  }

  @Benchmark
  public TelemetryEvent decodeTelemetry() throws IOException {
    return telemetryCodec.decode(eventBytes);
  }

  @Benchmark
  public byte[] encodeSighting() {
    return sightingCodec.encode(sighting);
  }

  @Benchmark
  public Sighting decodeSighting() throws IOException {
    return sightingCodec.decode(sightingBytes);
  }
}
