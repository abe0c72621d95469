package org.signalbox.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.signalbox.gateway.MemberAuthenticator.Member;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.stix.export.StixTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TAXII 2.1 HTTP interface over the collection stores (read only), on Jetty. Every request is
 * authenticated; a member sees only the collections of its audiences, and a collection it may not
 * see answers exactly like one that does not exist (404), so its existence does not leak either.
 *
 * <p>Before authentication a request passes the limits of {@link GatewayLimits} (header count and
 * size, query size, body size: 431, 414, 413); after it, the member's request rate (429). No error
 * body carries an exception's text: Jetty's own errors (a malformed request, a head too large) are
 * answered by {@link #errorHandler} with the status's name only, and an exception in the TAXII
 * logic with an incident id that the log line carries too. Every answer goes to the {@link
 * AccessLog}.
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
  private final RequestRate rate;
  private volatile AccessLog accessLog = AccessLog.slf4j();
  private TaxiiTransport transport = TaxiiTransport.plainLoopback();
  private Server server;
  private ServerConnector connector;
  private ConnectionGuard guard;

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
    this.rate = new RequestRate(limits.requestsPerUserPerSecond, System::nanoTime);
  }

  /** Where every answered request is recorded; {@link AccessLog#slf4j()} unless set. */
  public TaxiiServer accessLog(AccessLog log) {
    this.accessLog = log;
    return this;
  }

  /**
   * Starts serving on {@code host:port} (0: a free port) the way {@code transport} says.
   *
   * @throws IllegalArgumentException when the transport may not serve on {@code host} (plain HTTP
   *     or a self-signed certificate off loopback)
   */
  public void start(String host, int port, TaxiiTransport transport) throws IOException {
    transport.checkBind(host);
    this.transport = transport;
    // Threads: the HTTP threads that answer, plus Jetty's one acceptor and one selector. The
    // queue has no bound of its own (Jetty queues its own tasks there too, and refusing those
    // breaks connections in ways it does not expect); what bounds it is maxConnections, since an
    // HTTP/1.1 connection has at most one request waiting.
    QueuedThreadPool threads =
        new QueuedThreadPool(limits.httpThreads + 2, Math.min(4, limits.httpThreads + 2), 60_000);
    threads.setName("taxii-http");
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    server = new Server(threads);
    server.setErrorHandler(new TaxiiErrorHandler());

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxHeaderBytes);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setIdleTimeout(TimeUnit.SECONDS.toMillis(limits.idleTimeoutSeconds));
    ConnectionFactory[] factories;
    if (transport.secure()) {
      http.addCustomizer(new SecureRequestCustomizer());
      factories =
          new ConnectionFactory[] {
            new SslConnectionFactory(transport.sslContextFactory(), "http/1.1"),
            new HttpConnectionFactory(http)
          };
    } else {
      factories = new ConnectionFactory[] {new HttpConnectionFactory(http)};
    }
    connector = new ServerConnector(server, 1, 1, factories);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(limits.idleTimeoutSeconds));
    guard =
        new ConnectionGuard(
            limits.maxConnectionsPerAddress,
            TimeUnit.SECONDS.toMillis(limits.headerTimeoutSeconds),
            reason -> metrics.connectionClosed(reason.label));
    connector.addEventListener(guard);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections, connector));
    server.setHandler(new TaxiiHandler());
    try {
      server.start();
    } catch (IOException e) {
      close();
      throw e;
    } catch (Exception e) {
      close();
      throw new IOException("cannot start the TAXII server on " + host + ":" + port, e);
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The transport serving now. */
  public TaxiiTransport transport() {
    return transport;
  }

  /** The connection guard (for tests). */
  ConnectionGuard guard() {
    return guard;
  }

  @Override
  public void close() {
    if (server != null) {
      try {
        server.stop();
      } catch (Exception e) {
        LOG.warn("stopping the TAXII server", e);
      }
    }
    if (guard != null) {
      guard.close();
    }
    authenticator.close();
  }

  /** A response body and the headers that go with it. */
  record Response(int status, ObjectNode body, Map<String, String> headers) {
    static Response ok(ObjectNode body) {
      return new Response(200, body, Map.of());
    }
  }

  /** What one request came to, for the answer, the access log and the metrics. */
  private static final class Outcome {
    String member = "-";
    String endpoint = "unknown";
    String collection;
    boolean closeConnection;
  }

  private final class TaxiiHandler extends Handler.Abstract {
    TaxiiHandler() {
      // Blocking: a request may wait for its PBKDF2 check; it does so on an HTTP thread.
      super(InvocationType.BLOCKING);
    }

    @Override
    public boolean handle(
        Request request, org.eclipse.jetty.server.Response response, Callback callback) {
      long start = System.nanoTime();
      String client = Request.getRemoteAddr(request);
      Outcome outcome = new Outcome();
      Response r;
      try {
        r = serve(request, client, outcome);
      } catch (TaxiiException e) {
        r = error(e);
      } catch (RuntimeException e) {
        // The exception's text stays in the log: it may name internals (paths, topics, records)
        // that a member must not read. The incident id ties the answer to the log line.
        String incident = UUID.randomUUID().toString();
        LOG.error(
            "request {} failed (incident {})",
            ObjectQuery.clip(request.getHttpURI().getPath()),
            incident,
            e);
        r =
            error(
                new TaxiiException(
                    500,
                    "Internal error",
                    "the server failed to answer (incident " + incident + ")"));
      }
      byte[] body;
      try {
        body = StixObjects.JSON.writeValueAsBytes(r.body());
      } catch (IOException e) {
        body = new byte[0];
      }
      response.setStatus(r.status());
      HttpFields.Mutable h = response.getHeaders();
      h.put(HttpHeader.CONTENT_TYPE, TAXII_MEDIA_TYPE);
      r.headers().forEach(h::put);
      if (outcome.closeConnection) {
        h.put(HttpHeader.CONNECTION, "close");
      }
      boolean head = request.getMethod().equals("HEAD");
      h.put(HttpHeader.CONTENT_LENGTH, body.length);
      // Logged before the answer is written, so that a client that has its answer finds it
      // logged; the time is the time to answer, without the sending.
      long nanos = System.nanoTime() - start;
      metrics.request(outcome.endpoint, r.status(), nanos);
      accessLog.log(
          new AccessLog.Entry(
              client,
              outcome.member,
              request.getMethod(),
              clipPath(request.getHttpURI().getPath()),
              outcome.collection,
              r.status(),
              objectsIn(r),
              nanos / 1000));
      response.write(true, head ? null : ByteBuffer.wrap(body), callback);
      return true;
    }
  }

  /** The checks in order (cheapest and most anonymous first), then the TAXII answer. */
  private Response serve(Request request, String client, Outcome outcome) throws TaxiiException {
    HttpFields headers = request.getHeaders();
    if (headers.size() > limits.maxRequestHeaders) {
      outcome.closeConnection = true;
      throw new TaxiiException(
          431,
          "Request header fields too large",
          "more than " + limits.maxRequestHeaders + " request headers");
    }
    String rawQuery = request.getHttpURI().getQuery();
    if (rawQuery != null && rawQuery.length() > limits.maxQueryBytes) {
      throw new TaxiiException(
          414, "URI too long", "query string longer than " + limits.maxQueryBytes + " bytes");
    }
    checkBody(request, outcome);
    if (!request.isSecure() && !isLoopback(client)) {
      // Plain HTTP is bound to loopback only (TaxiiTransport#checkBind); should a request from
      // elsewhere reach it anyway (a port forwarder, a proxy), its credentials are not read.
      outcome.closeConnection = true;
      throw new TaxiiException(
          403,
          "Forbidden",
          "this server takes HTTP Basic credentials over HTTPS only, or over plain HTTP from"
              + " this host");
    }
    MemberAuthenticator.Outcome auth =
        authenticator.authenticate(headers.get(HttpHeader.AUTHORIZATION), client);
    if (auth instanceof MemberAuthenticator.Throttled t) {
      metrics.authFailure();
      throw new TaxiiException(
          429,
          "Too many requests",
          "too many failed logins; try again after " + t.retryAfterSeconds() + " s",
          Map.of("Retry-After", Long.toString(t.retryAfterSeconds())));
    }
    if (!(auth instanceof MemberAuthenticator.Accepted accepted)) {
      metrics.authFailure();
      throw new TaxiiException(
          401, "Unauthorized", "this server needs HTTP basic credentials of a member");
    }
    Member member = accepted.member();
    outcome.member = member.name();
    long wait = rate.acquire(member.name());
    if (wait > 0) {
      throw new TaxiiException(
          429,
          "Too many requests",
          "more than "
              + limits.requestsPerUserPerSecond
              + " requests a second; try again after "
              + wait
              + " s",
          Map.of("Retry-After", Long.toString(wait)));
    }
    String rawPath = request.getHttpURI().getPath();
    outcome.endpoint = endpointOf(rawPath);
    List<String> path = segments(rawPath);
    if (path.size() >= 3 && path.get(1).equals("collections")) {
      ServedCollection c = byId.get(path.get(2));
      if (c != null && member.audiences().contains(c.audience())) {
        outcome.collection = c.id();
      }
    }
    return answer(
        request.getMethod(),
        rawPath,
        queryParams(rawQuery),
        headers.getValuesList(HttpHeader.ACCEPT),
        member);
  }

  /**
   * A body over the limit is refused by its declared length before a byte of it is read; one of
   * unknown length (chunked) is read up to the limit and refused when it goes past. A body within
   * the limit is read and dropped: no endpoint takes one.
   */
  private void checkBody(Request request, Outcome outcome) throws TaxiiException {
    long length = request.getLength();
    boolean chunked = length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    if (length == 0 || (length < 0 && !chunked)) {
      return;
    }
    TaxiiException tooLarge =
        new TaxiiException(
            413,
            "Content too large",
            "request bodies over " + limits.maxRequestBodyBytes + " bytes are refused");
    if (length > limits.maxRequestBodyBytes) {
      outcome.closeConnection = true;
      throw tooLarge;
    }
    try (InputStream in = Request.asInputStream(request)) {
      long read = 0;
      byte[] buf = new byte[1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        read += n;
        if (read > limits.maxRequestBodyBytes) {
          outcome.closeConnection = true;
          throw tooLarge;
        }
      }
    } catch (IOException e) {
      outcome.closeConnection = true;
      throw TaxiiException.badRequest("the request body could not be read");
    }
  }

  private static boolean isLoopback(String address) {
    try {
      // A literal address: no name lookup happens.
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /** A path for the access log: a stranger's path can be as long as the header limit. */
  private static String clipPath(String path) {
    return path == null ? "-" : path.length() <= 256 ? path : path.substring(0, 256) + "...";
  }

  private static int objectsIn(Response r) {
    JsonNode objects = r.body().get("objects");
    if (objects == null) {
      objects = r.body().get("versions");
    }
    return objects == null ? 0 : objects.size();
  }

  /**
   * Jetty's own error answers (a malformed request line, a head over {@code maxHeaderBytes}, an
   * ambiguous URI, ...) as TAXII error messages naming the status only: Jetty's reason text names
   * the parser's state and is no business of a client's.
   */
  private static final class TaxiiErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(
        Request request, org.eclipse.jetty.server.Response response, Callback callback) {
      int status = response.getStatus();
      byte[] body = errorBody(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, TAXII_MEDIA_TYPE);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(new HttpField(HttpHeader.CONTENT_TYPE, TAXII_MEDIA_TYPE));
      return ByteBuffer.wrap(errorBody(status));
    }

    static byte[] errorBody(int status) {
      String title = HttpStatus.getMessage(status);
      ObjectNode o = StixObjects.JSON.createObjectNode();
      o.put("title", title);
      o.put("description", "the request was refused: " + title);
      o.put("http_status", Integer.toString(status));
      try {
        return StixObjects.JSON.writeValueAsBytes(o);
      } catch (IOException e) {
        return new byte[0];
      }
    }
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
