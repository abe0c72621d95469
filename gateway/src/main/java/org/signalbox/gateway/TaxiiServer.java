package org.signalbox.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.signalbox.gateway.MemberAuthenticator.Member;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.stix.export.StixTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TAXII 2.1 HTTP interface over the collection stores (read only). Every request is
 * authenticated; a member sees only the collections of its audiences, and a collection it may not
 * see answers exactly like one that does not exist (404), so its existence does not leak either.
 */
public final class TaxiiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TaxiiServer.class);

  public static final String TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";
  static final String DISCOVERY = "/taxii2/";

  /** A collection as the server shows it. */
  public record ServedCollection(
      String id, String audience, String title, String description, CollectionStore store) {}

  private final GatewayConfig config;
  private final Map<String, ServedCollection> byId;
  private final MemberAuthenticator authenticator;
  private final GatewayMetrics metrics;
  private final GatewayLimits limits;
  private HttpServer server;
  private ThreadPoolExecutor executor;

  public TaxiiServer(
      GatewayConfig config,
      List<ServedCollection> collections,
      MemberAuthenticator authenticator,
      GatewayMetrics metrics) {
    this(config, collections, authenticator, metrics, config.limits());
  }

  public TaxiiServer(
      GatewayConfig config,
      List<ServedCollection> collections,
      MemberAuthenticator authenticator,
      GatewayMetrics metrics,
      GatewayLimits limits) {
    this.config = config;
    this.limits = limits;
    this.byId = new LinkedHashMap<>();
    collections.forEach(c -> byId.put(c.id(), c));
    this.authenticator = authenticator;
    this.metrics = metrics;
  }

  /**
   * The JDK server's timeouts and header limit are system properties read once, when the first
   * {@code HttpServer} of the JVM is made; so they are set here, before it, unless the operator set
   * them ({@code -Dsun.net.httpserver.maxReqTime=...} wins). In a JVM that made an {@code
   * HttpServer} earlier (e.g. a test JVM), the values already read stay in force.
   */
  static void applyJdkServerLimits(GatewayLimits limits) {
    setIfAbsent("sun.net.httpserver.maxReqTime", limits.headerTimeoutSeconds);
    setIfAbsent("sun.net.httpserver.maxRspTime", limits.responseTimeoutSeconds);
    setIfAbsent("sun.net.httpserver.idleInterval", limits.idleTimeoutSeconds);
    setIfAbsent("sun.net.httpserver.maxIdleConnections", limits.maxIdleConnections);
    setIfAbsent("sun.net.httpserver.maxReqHeaders", limits.maxRequestHeaders);
  }

  private static void setIfAbsent(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }

  public void start(String host, int port) throws IOException {
    applyJdkServerLimits(limits);
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    // Bounded both ways: a fixed number of threads, a bounded queue, and past it the JDK
    // dispatcher resets the new connection (AbortPolicy) instead of queueing without end.
    executor =
        new ThreadPoolExecutor(
            limits.httpThreads,
            limits.httpThreads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(limits.httpQueue),
            r -> {
              Thread t = new Thread(r, "taxii-http");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
    authenticator.close();
  }

  /** A response body and the headers that go with it. */
  record Response(int status, ObjectNode body, Map<String, String> headers) {
    static Response ok(ObjectNode body) {
      return new Response(200, body, Map.of());
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    long start = System.nanoTime();
    String endpoint = "unknown";
    Response response;
    try {
      MemberAuthenticator.Outcome outcome =
          authenticator.authenticate(
              ex.getRequestHeaders().getFirst("Authorization"),
              ex.getRemoteAddress().getAddress().getHostAddress());
      if (outcome instanceof MemberAuthenticator.Throttled t) {
        metrics.authFailure();
        throw new TaxiiException(
            429,
            "Too many requests",
            "too many failed logins; try again after " + t.retryAfterSeconds() + " s",
            Map.of("Retry-After", Long.toString(t.retryAfterSeconds())));
      }
      if (!(outcome instanceof MemberAuthenticator.Accepted accepted)) {
        metrics.authFailure();
        throw new TaxiiException(
            401, "Unauthorized", "this server needs HTTP basic credentials of a member");
      }
      Optional<Member> member = Optional.of(accepted.member());
      URI uri = ex.getRequestURI();
      endpoint = endpointOf(uri.getRawPath());
      response =
          answer(
              ex.getRequestMethod(),
              uri.getRawPath(),
              queryParams(uri.getRawQuery()),
              ex.getRequestHeaders().get("Accept"),
              member.get());
    } catch (TaxiiException e) {
      response = error(e);
    } catch (RuntimeException e) {
      // The exception's text stays in the log: it may name internals (paths, topics, records)
      // that a member must not read. The incident id ties the answer to the log line.
      String incident = UUID.randomUUID().toString();
      LOG.error("request {} failed (incident {})", ex.getRequestURI().getRawPath(), incident, e);
      response =
          error(
              new TaxiiException(
                  500,
                  "Internal error",
                  "the server failed to answer (incident " + incident + ")"));
    }
    send(ex, response);
    metrics.request(endpoint, response.status(), System.nanoTime() - start);
  }

  /** The whole TAXII logic after authentication; separate from HTTP so tests can call it. */
  Response answer(
      String method,
      String rawPath,
      Map<String, List<String>> params,
      List<String> accept,
      Member member)
      throws TaxiiException {
    List<String> path = segments(rawPath);
    if (!method.equals("GET") && !method.equals("HEAD")) {
      boolean writes = path.size() == 4 && path.get(3).equals("objects") && method.equals("POST");
      if (writes) {
        ServedCollection target = byId.get(path.get(2));
        if (target == null || !member.audiences().contains(target.audience())) {
          throw TaxiiException.notFound("no such collection (or not one you may read)");
        }
        throw new TaxiiException(
            403, "Forbidden", "the collections of this server are read only (can_write is false)");
      }
      throw new TaxiiException(405, "Method not allowed", "this server only answers GET");
    }
    checkAccept(accept);
    if (path.size() == 1 && path.get(0).equals("taxii2")) {
      noParams(params);
      return Response.ok(discovery());
    }
    if (path.isEmpty() || !path.get(0).equals(config.apiRoot)) {
      throw TaxiiException.notFound("no such API root");
    }
    if (path.size() == 1) {
      noParams(params);
      return Response.ok(apiRoot());
    }
    if (path.get(1).equals("status") && path.size() == 3) {
      throw TaxiiException.notFound("this server has no status resources (it accepts no writes)");
    }
    if (!path.get(1).equals("collections")) {
      throw TaxiiException.notFound("no such resource");
    }
    if (path.size() == 2) {
      noParams(params);
      ObjectNode body = StixObjects.JSON.createObjectNode();
      ArrayNode list = StixObjects.JSON.createArrayNode();
      for (ServedCollection c : byId.values()) {
        if (member.audiences().contains(c.audience())) {
          list.add(collection(c));
        }
      }
      if (!list.isEmpty()) {
        body.set("collections", list);
      }
      return Response.ok(body);
    }
    ServedCollection c = byId.get(path.get(2));
    if (c == null || !member.audiences().contains(c.audience())) {
      throw TaxiiException.notFound(
          "no collection " + ObjectQuery.clip(path.get(2)) + " (or not one you may read)");
    }
    if (path.size() == 3) {
      noParams(params);
      return Response.ok(collection(c));
    }
    String resource = path.get(3);
    if (path.size() == 4 && resource.equals("objects")) {
      ObjectQuery q =
          ObjectQuery.parse(
              params,
              Set.of("match[id]", "match[type]", "match[version]", "match[spec_version]"),
              ObjectQuery.VersionSelect.LAST);
      return envelope(c.store().query(q), "objects", false);
    }
    if (path.size() == 4 && resource.equals("manifest")) {
      ObjectQuery q =
          ObjectQuery.parse(
              params,
              Set.of("match[id]", "match[type]", "match[version]", "match[spec_version]"),
              ObjectQuery.VersionSelect.LAST);
      return envelope(c.store().query(q), "objects", true);
    }
    if (resource.equals("objects") && (path.size() == 5 || path.size() == 6)) {
      String objectId = path.get(4);
      boolean versions = path.size() == 6;
      if (versions && !path.get(5).equals("versions")) {
        throw TaxiiException.notFound("no such resource");
      }
      Map<String, List<String>> withId = new LinkedHashMap<>(params);
      if (withId.containsKey("match[id]")) {
        throw TaxiiException.badRequest("match[id] is not a filter of this endpoint");
      }
      withId.put("match[id]", List.of(objectId));
      ObjectQuery q =
          ObjectQuery.parse(
              withId,
              versions
                  ? Set.of("match[id]", "match[spec_version]")
                  : Set.of("match[id]", "match[version]", "match[spec_version]"),
              versions ? ObjectQuery.VersionSelect.ALL : ObjectQuery.VersionSelect.LAST);
      CollectionStore.Page page = c.store().query(q);
      if (page.objects().isEmpty() && q.after < 0 && q.addedAfter.isEmpty()) {
        throw TaxiiException.notFound("no object " + ObjectQuery.clip(objectId) + " here");
      }
      return versions ? versionsEnvelope(page) : envelope(page, "objects", false);
    }
    throw TaxiiException.notFound("no such resource");
  }

  private ObjectNode discovery() {
    ObjectNode o = StixObjects.JSON.createObjectNode();
    o.put("title", config.title);
    o.put("description", "Signalbox shared feed: STIX 2.1 sightings and indicators per audience");
    o.put("default", "/" + config.apiRoot + "/");
    o.putArray("api_roots").add("/" + config.apiRoot + "/");
    return o;
  }

  private ObjectNode apiRoot() {
    ObjectNode o = StixObjects.JSON.createObjectNode();
    o.put("title", config.title);
    o.putArray("versions").add(TAXII_MEDIA_TYPE);
    o.put("max_content_length", 0);
    return o;
  }

  private static ObjectNode collection(ServedCollection c) {
    ObjectNode o = StixObjects.JSON.createObjectNode();
    o.put("id", c.id());
    o.put("title", c.title());
    if (c.description() != null) {
      o.put("description", c.description());
    }
    o.put("can_read", true);
    o.put("can_write", false);
    o.putArray("media_types").add(StoredObject.STIX_MEDIA_TYPE);
    return o;
  }

  private static Response envelope(CollectionStore.Page page, String field, boolean manifest) {
    ObjectNode body = StixObjects.JSON.createObjectNode();
    body.put("more", page.more());
    if (page.more()) {
      body.put("next", Long.toString(last(page).position()));
    }
    if (!page.objects().isEmpty()) {
      ArrayNode list = body.putArray(field);
      for (StoredObject o : page.objects()) {
        if (manifest) {
          list.addObject()
              .put("id", o.id())
              .put("date_added", StixTime.formatDateAdded(o.dateAdded()))
              .put("version", StixTime.format(o.version()))
              .put("media_type", StoredObject.STIX_MEDIA_TYPE);
        } else {
          list.add(o.object());
        }
      }
    }
    return new Response(200, body, dateHeaders(page));
  }

  private static Response versionsEnvelope(CollectionStore.Page page) {
    ObjectNode body = StixObjects.JSON.createObjectNode();
    body.put("more", page.more());
    if (page.more()) {
      body.put("next", Long.toString(last(page).position()));
    }
    ArrayNode list = body.putArray("versions");
    page.objects().forEach(o -> list.add(StixTime.format(o.version())));
    return new Response(200, body, dateHeaders(page));
  }

  private static StoredObject last(CollectionStore.Page page) {
    return page.objects().get(page.objects().size() - 1);
  }

  private static Map<String, String> dateHeaders(CollectionStore.Page page) {
    if (page.objects().isEmpty()) {
      return Map.of();
    }
    return Map.of(
        "X-TAXII-Date-Added-First", StixTime.formatDateAdded(page.objects().get(0).dateAdded()),
        "X-TAXII-Date-Added-Last", StixTime.formatDateAdded(last(page).dateAdded()));
  }

  /**
   * TAXII 2.1 clients must send {@code Accept: application/taxii+json;version=2.1}; without a
   * version the latest (2.1) is meant. Anything else cannot be served: 406.
   */
  static void checkAccept(List<String> accept) throws TaxiiException {
    if (accept != null) {
      for (String header : accept) {
        for (String range : header.split(",")) {
          String[] parts = range.split(";");
          if (!parts[0].trim().equalsIgnoreCase("application/taxii+json")) {
            continue;
          }
          String version = null;
          for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.regionMatches(true, 0, "version=", 0, 8)) {
              version = p.substring(8).trim();
            }
          }
          if (version == null || version.equals("2.1")) {
            return;
          }
        }
      }
    }
    throw new TaxiiException(
        406, "Not acceptable", "this server answers only with " + TAXII_MEDIA_TYPE);
  }

  private static void noParams(Map<String, List<String>> params) throws TaxiiException {
    if (!params.isEmpty()) {
      throw TaxiiException.badRequest("this endpoint takes no parameters, got " + params.keySet());
    }
  }

  private static Response error(TaxiiException e) {
    ObjectNode body = StixObjects.JSON.createObjectNode();
    body.put("title", e.title());
    body.put("description", e.getMessage());
    body.put("http_status", Integer.toString(e.status()));
    Map<String, String> headers = new LinkedHashMap<>(e.headers());
    if (e.status() == 401) {
      headers.put("WWW-Authenticate", "Basic realm=\"signalbox\", charset=\"UTF-8\"");
    }
    return new Response(e.status(), body, headers);
  }

  private static void send(HttpExchange ex, Response r) throws IOException {
    byte[] body = StixObjects.JSON.writeValueAsBytes(r.body());
    ex.getResponseHeaders().set("Content-Type", TAXII_MEDIA_TYPE);
    r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(r.status(), head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  /** Path segments without empty ones; percent-decoded. TAXII URLs end in '/'. */
  static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  static Map<String, List<String>> queryParams(String rawQuery) throws TaxiiException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      } catch (IllegalArgumentException e) {
        throw TaxiiException.badRequest("malformed query string");
      }
    }
    return out;
  }

  /** A low-cardinality label for the metrics. */
  private String endpointOf(String rawPath) {
    List<String> p = segments(rawPath);
    if (p.size() == 1 && p.get(0).equals("taxii2")) {
      return "discovery";
    }
    switch (p.size()) {
      case 1:
        return "api_root";
      case 2:
        return "collections";
      case 3:
        return "collection";
      case 4:
        return p.get(3).equals("manifest") ? "manifest" : "objects";
      case 5:
        return "object";
      case 6:
        return "versions";
      default:
        return "unknown";
    }
  }
}
