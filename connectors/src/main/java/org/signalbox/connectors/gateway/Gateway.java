package org.signalbox.connectors.gateway;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one in-memory store and one feed per collection, the TAXII server and, if
 * asked for, the metrics endpoint.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final List<CollectionFeed> feeds = new ArrayList<>();
  private final Map<String, CollectionStore> stores = new LinkedHashMap<>();
  private final TaxiiServer server;
  private final GatewayMetrics metrics;
  private HTTPServer metricsServer;

  private Gateway(GatewayConfig config, String bootstrapServers, GatewayMetrics metrics) {
    this.metrics = metrics;
    byte[] key;
    if (config.pseudonymKey != null) {
      key = HexFormat.of().parseHex(config.pseudonymKey);
    } else {
      key = new byte[32];
      new SecureRandom().nextBytes(key);
      LOG.warn(
          "no pseudonymKey configured: member pseudonyms (where_sighted_refs) change on restart");
    }
    AudiencePseudonyms pseudonyms = new AudiencePseudonyms(key);
    List<TaxiiServer.ServedCollection> served = new ArrayList<>();
    for (GatewayConfig.Collection c : config.collections) {
      CollectionStore store = new CollectionStore(Clock.systemUTC());
      stores.put(c.audience, store);
      FeedRecordConverter converter =
          new FeedRecordConverter(new StixObjects(c.audience, pseudonyms), c.maxTlp);
      feeds.add(
          new KafkaCollectionFeed(bootstrapServers, c.audience, c.topics(), converter, metrics));
      served.add(
          new TaxiiServer.ServedCollection(
              c.id(),
              c.audience,
              c.title != null ? c.title : "Signalbox feed: " + c.audience,
              c.description != null ? c.description : "Topics " + c.topics(),
              store));
    }
    metrics.objectsHeld(stores, CollectionStore::size);
    server = new TaxiiServer(config, served, new MemberAuthenticator(config.members), metrics);
  }

  /**
   * Starts feeds, the TAXII server on {@code host:port} and, when {@code metricsPort >= 0}, the
   * metrics endpoint on {@code host:metricsPort} (0 picks free ports).
   */
  public static Gateway start(
      GatewayConfig config, String bootstrapServers, String host, int port, int metricsPort)
      throws IOException {
    Gateway g = new Gateway(config, bootstrapServers, new GatewayMetrics());
    try {
      List<CollectionFeed> feeds = g.feeds;
      List<CollectionStore> stores = new ArrayList<>(g.stores.values());
      for (int i = 0; i < feeds.size(); i++) {
        CollectionStore store = stores.get(i);
        String audience = config.collections.get(i).audience;
        feeds.get(i).start(o -> g.metrics.record(audience, store.add(o) ? "added" : "duplicate"));
      }
      g.server.start(host, port);
      if (metricsPort >= 0) {
        g.metricsServer = g.metrics.serve(host, metricsPort);
      }
      return g;
    } catch (IOException | RuntimeException e) {
      g.close();
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.getPort();
  }

  /** Objects (all versions) held for an audience; for tests and the command's status line. */
  public int held(String audience) {
    return stores.get(audience).size();
  }

  @Override
  public void close() {
    server.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
    feeds.forEach(CollectionFeed::close);
  }
}
