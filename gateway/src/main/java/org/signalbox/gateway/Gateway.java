package org.signalbox.gateway;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.stix.export.StixObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one in-memory store and one feed per collection, the TAXII server and, if
 * asked for, the metrics endpoint.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /**
   * How long the start waits for the indicators topic to be read to its end before the collections
   * start reading their feeds; after that they start anyway, and indicators that arrive later are
   * served when they arrive (only the withheld-reason of sightings read before is missing).
   */
  private static final Duration INDICATORS_LOAD_WAIT = Duration.ofMinutes(2);

  private final List<CollectionFeed> feeds = new ArrayList<>();
  private final IndicatorShelf shelf;
  private final Map<String, CollectionStore> stores = new LinkedHashMap<>();
  private final TaxiiServer server;
  private final GatewayMetrics metrics;
  private HTTPServer metricsServer;

  private Gateway(GatewayConfig config, KafkaClientConfig client, GatewayMetrics metrics) {
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
    shelf =
        config.indicatorsTopic == null || config.indicatorsTopic.isEmpty()
            ? null
            : new IndicatorShelf(client, config.indicatorsTopic, config.secretariatSource());
    List<TaxiiServer.ServedCollection> served = new ArrayList<>();
    for (GatewayConfig.Collection c : config.collections) {
      CollectionStore store = new CollectionStore(Clock.systemUTC());
      stores.put(c.audience, store);
      FeedRecordConverter converter =
          new FeedRecordConverter(
              new StixObjects(c.audience, pseudonyms, Set.copyOf(config.attributedMembers)),
              c.maxTlp(),
              config.secretariatSource(),
              shelf);
      feeds.add(new KafkaCollectionFeed(client, c.audience, c.topics(), converter, shelf, metrics));
      served.add(
          new TaxiiServer.ServedCollection(
              c.id(),
              c.audience,
              c.title != null ? c.title : "Signalbox feed: " + c.audience,
              c.description != null ? c.description : "Topics " + c.topics(),
              store));
    }
    metrics.objectsHeld(stores, CollectionStore::size);
    server =
        new TaxiiServer(
            config,
            served,
            new MemberAuthenticator(config.members, config.limits(), Clock.systemUTC()),
            metrics);
  }

  /**
   * Starts feeds, the TAXII server on {@code host:port} served as {@code transport} says and, when
   * {@code metricsPort >= 0}, the metrics endpoint on {@code host:metricsPort} (0 picks free
   * ports).
   *
   * @throws IllegalArgumentException when {@code transport} may not serve on {@code host} (plain
   *     HTTP or a self-signed certificate off loopback)
   */
  public static Gateway start(
      GatewayConfig config,
      String bootstrapServers,
      String host,
      int port,
      int metricsPort,
      TaxiiTransport transport)
      throws IOException {
    return start(
        config, KafkaClientConfig.plaintext(bootstrapServers), host, port, metricsPort, transport);
  }

  /**
   * As {@link #start(GatewayConfig, String, String, int, int, TaxiiTransport)}, every Kafka
   * consumer logging in as {@code client} says ({@code --kafka-config}).
   */
  public static Gateway start(
      GatewayConfig config,
      KafkaClientConfig client,
      String host,
      int port,
      int metricsPort,
      TaxiiTransport transport)
      throws IOException {
    // Refused before any Kafka consumer starts: a wrong bind is a configuration error.
    transport.checkBind(host);
    Gateway g = new Gateway(config, client, new GatewayMetrics());
    try {
      if (g.shelf != null) {
        g.shelf.start();
        if (!g.shelf.awaitLoaded(INDICATORS_LOAD_WAIT)) {
          LOG.warn(
              "indicators topic {} not read to its end within {}; serving the feeds meanwhile",
              config.indicatorsTopic,
              INDICATORS_LOAD_WAIT);
        }
      }
      List<CollectionFeed> feeds = g.feeds;
      List<CollectionStore> stores = new ArrayList<>(g.stores.values());
      for (int i = 0; i < feeds.size(); i++) {
        CollectionStore store = stores.get(i);
        String audience = config.collections.get(i).audience;
        feeds.get(i).start(o -> g.metrics.record(audience, store.add(o) ? "added" : "duplicate"));
      }
      g.server.start(host, port, transport);
      if (metricsPort >= 0) {
        g.metricsServer = g.metrics.serve(host, metricsPort);
      }
      return g;
    } catch (IOException | RuntimeException e) {
      g.close();
      throw e;
    } catch (InterruptedException e) {
      g.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the indicators topic", e);
    }
  }

  /** One member of an {@link #startEmbedded embedded} gateway and the audiences it may read. */
  public record EmbeddedMember(String name, String password, List<String> audiences) {
    public EmbeddedMember {
      audiences = List.copyOf(audiences);
    }
  }

  /**
   * A gateway started in-process on loopback, e.g. by the demo. Closing it stops the TAXII server
   * and its Kafka consumers.
   */
  public static final class Embedded implements AutoCloseable {
    private final Gateway gateway;
    private final GatewayConfig config;
    private final String url;

    private Embedded(Gateway gateway, GatewayConfig config) {
      this.gateway = gateway;
      this.config = config;
      this.url = gateway.transport().scheme() + "://127.0.0.1:" + gateway.port() + "/";
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:41234/} (plain HTTP on loopback). */
    public String url() {
      return url;
    }

    /** The TAXII discovery resource, {@code <url>taxii2/}. */
    public String discoveryUrl() {
      return url + "taxii2/";
    }

    /** The single API root, {@code <url><apiRoot>/}. */
    public String apiRootUrl() {
      return url + config.apiRoot + "/";
    }

    /** The collection of an audience, e.g. {@code <apiRoot>collections/<uuid>/}. */
    public String collectionUrl(String audience) {
      for (GatewayConfig.Collection c : config.collections) {
        if (c.audience.equals(audience)) {
          return apiRootUrl() + "collections/" + c.id() + "/";
        }
      }
      throw new IllegalArgumentException("no collection for audience " + audience);
    }

    /** Object versions held for an audience (all revisions). */
    public int held(String audience) {
      return gateway.held(audience);
    }

    public Gateway gateway() {
      return gateway;
    }

    @Override
    public void close() {
      gateway.close();
    }
  }

  /**
   * Starts a gateway in this JVM on 127.0.0.1 and a free port, over plain HTTP (the one place the
   * gateway chooses it: an in-process demo whose clients are on the same host), with one collection
   * per audience any member names ({@code member:<id>}, {@code group:<name>}, {@code community},
   * {@code public}), each read from the router's topic of that audience with the default {@code
   * maxTlp} of its kind. Passwords are hashed here; pseudonyms use a fresh random key, so they are
   * stable only for the life of this gateway. No metrics endpoint.
   *
   * @throws IllegalArgumentException for a member or audience the configuration would reject
   */
  public static Embedded startEmbedded(String bootstrapServers, List<EmbeddedMember> members)
      throws IOException {
    return startEmbedded(bootstrapServers, members, Set.of());
  }

  /**
   * As {@link #startEmbedded(String, List)}, naming the {@code attributed} members (opted in to
   * attribution) in every collection.
   */
  public static Embedded startEmbedded(
      String bootstrapServers, List<EmbeddedMember> members, Set<String> attributed)
      throws IOException {
    return startEmbedded(KafkaClientConfig.plaintext(bootstrapServers), members, attributed);
  }

  /** As {@link #startEmbedded(String, List, Set)}, logging in as {@code client} says. */
  public static Embedded startEmbedded(
      KafkaClientConfig client, List<EmbeddedMember> members, Set<String> attributed)
      throws IOException {
    GatewayConfig config = new GatewayConfig();
    config.attributedMembers = new ArrayList<>(new TreeSet<>(attributed));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    config.pseudonymKey = HexFormat.of().formatHex(key);
    Set<String> audiences = new LinkedHashSet<>();
    for (EmbeddedMember m : members) {
      GatewayConfig.Member member = new GatewayConfig.Member();
      member.name = m.name();
      // Fewest iterations the format accepts: an in-process demo, not a stored credential.
      member.passwordHash = PasswordHash.hash(m.password().toCharArray(), 10_000);
      member.audiences = new ArrayList<>(m.audiences());
      config.members.add(member);
      audiences.addAll(m.audiences());
    }
    for (String a : audiences) {
      GatewayConfig.Collection c = new GatewayConfig.Collection();
      c.audience = a;
      config.collections.add(c);
    }
    config.validate();
    return new Embedded(
        start(config, client, "127.0.0.1", 0, -1, TaxiiTransport.plainLoopback()), config);
  }

  public int port() {
    return server.port();
  }

  /** How the TAXII server is served (its certificate and fingerprint, when TLS). */
  public TaxiiTransport transport() {
    return server.transport();
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
    if (shelf != null) {
      shelf.close();
    }
  }
}
