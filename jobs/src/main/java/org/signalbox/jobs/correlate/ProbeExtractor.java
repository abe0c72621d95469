package org.signalbox.jobs.correlate;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.signalbox.schema.Observable;

/**
 * Splits a decoded telemetry event into one probe per distinct observable. Values arrive here
 * already canonical ({@link TelemetryDecoder} normalized them), so equal values have equal keys.
 */
public final class ProbeExtractor implements FlatMapFunction<DecodedTelemetry, ObservableProbe> {
  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(DecodedTelemetry decoded, Collector<ObservableProbe> out) {
    // Duplicates inside one event (the same address as source of two flows, say) would produce
    // duplicate sightings with the same id; drop them here where it is cheap.
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Observable o : decoded.event.getObservables()) {
      String dedupe = o.getType().name() + '|' + o.getValue() + '|' + o.getRole().name();
      if (seen.add(dedupe)) {
        out.collect(
            ObservableProbe.of(
                decoded.event, o.getType(), o.getValue(), o.getRole(), decoded.ingestTime));
      }
    }
  }
}
