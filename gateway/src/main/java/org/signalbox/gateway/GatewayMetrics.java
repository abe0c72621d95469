package org.signalbox.gateway;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The gateway's own Prometheus metrics. {@link #EXPORTED} lists the series names as a scrape shows
 * them; the Grafana dashboard test checks its queries against that list.
 */
public final class GatewayMetrics {

  public static final String REQUESTS = "signalbox_gateway_requests";
  public static final String REQUEST_SECONDS = "signalbox_gateway_request_duration_seconds";
  public static final String AUTH_FAILURES = "signalbox_gateway_auth_failures";
  public static final String RECORDS = "signalbox_gateway_records";
  public static final String OBJECTS_HELD = "signalbox_gateway_objects_held";
  public static final String CONNECTIONS_CLOSED = "signalbox_gateway_connections_closed";

  /** Series names in the exposition format (counters get {@code _total}, histograms parts). */
  public static final List<String> EXPORTED =
      List.of(
          REQUESTS + "_total",
          REQUEST_SECONDS + "_bucket",
          REQUEST_SECONDS + "_count",
          REQUEST_SECONDS + "_sum",
          AUTH_FAILURES + "_total",
          RECORDS + "_total",
          OBJECTS_HELD,
          CONNECTIONS_CLOSED + "_total");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram requestSeconds;
  private final Counter authFailures;
  private final Counter records;
  private final Counter connectionsClosed;

  public GatewayMetrics() {
    requests =
        Counter.builder()
            .name(REQUESTS)
            .help("TAXII requests by endpoint and HTTP status")
            .labelNames("endpoint", "status")
            .register(registry);
    requestSeconds =
        Histogram.builder()
            .name(REQUEST_SECONDS)
            .help("Time to answer a TAXII request")
            .unit(null)
            .labelNames("endpoint")
            .classicOnly()
            .register(registry);
    authFailures =
        Counter.builder()
            .name(AUTH_FAILURES)
            .help("Requests refused for missing or wrong credentials")
            .register(registry);
    records =
        Counter.builder()
            .name(RECORDS)
            .help(
                "Kafka records read per collection and outcome (added, duplicate, withheld_tlp,"
                    + " undecodable, tombstone, indicator_update: a referenced indicator's new version)")
            .labelNames("collection", "outcome")
            .register(registry);
    connectionsClosed =
        Counter.builder()
            .name(CONNECTIONS_CLOSED)
            .help(
                "Connections the gateway closed by a limit (per_address_limit: too many from one"
                    + " address; header_timeout: no complete request head in time)")
            .labelNames("reason")
            .register(registry);
    // Shown at 0 from the start, so a dashboard's rate() has a series before the first close.
    connectionsClosed.labelValues("per_address_limit");
    connectionsClosed.labelValues("header_timeout");
  }

  /** Registers the per-collection object gauge; call once with all collections. */
  void objectsHeld(Map<String, CollectionStore> stores, ToLongFunction<CollectionStore> size) {
    GaugeWithCallback.builder()
        .name(OBJECTS_HELD)
        .help("STIX objects (all versions) held in memory per collection")
        .labelNames("collection")
        .callback(
            cb -> stores.forEach((audience, store) -> cb.call(size.applyAsLong(store), audience)))
        .register(registry);
  }

  void request(String endpoint, int status, long nanos) {
    requests.labelValues(endpoint, Integer.toString(status)).inc();
    requestSeconds.labelValues(endpoint).observe(nanos / 1e9);
  }

  void connectionClosed(String reason) {
    connectionsClosed.labelValues(reason).inc();
  }

  void authFailure() {
    authFailures.inc();
  }

  void record(String audience, String outcome) {
    records.labelValues(audience, outcome).inc();
  }

  PrometheusRegistry registry() {
    return registry;
  }

  /** Serves {@code /metrics} on its own port, apart from the TAXII port. */
  public HTTPServer serve(String host, int port) throws IOException {
    return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
  }
}
