package org.signalbox.importers.taxii;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TAXII 2.1 collection endpoint that follows the specification's rules for the objects resource:
 * objects in date-added order, {@code added_after} exclusive, at most {@code limit} per page,
 * {@code more} and an opaque {@code next} token, the date-added headers of each page, the TAXII
 * media type, basic authentication and TAXII error messages. Only what the client tests need.
 */
final class TaxiiTestServer implements AutoCloseable {
  static final String COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Stored(Instant added, ObjectNode object) {}

  private record Cursor(String addedAfter, int offset, Integer limit) {}

  private final HttpServer server;
  private final List<Stored> objects = new CopyOnWriteArrayList<>();
  private final Map<String, Cursor> cursors = new HashMap<>();
  final List<String> queries = new CopyOnWriteArrayList<>();
  final List<String> acceptHeaders = new CopyOnWriteArrayList<>();
  private final String user;
  private final String password;
  int maxPageSize = 100;

  /** Page by date added only: say more, but give no next token. */
  boolean withoutNext;

  /** Misbehave: hand out the same next token every time. */
  boolean stuckNext;

  /** Misbehave: answer with an HTML page, as a login portal in front of a server would. */
  boolean htmlInstead;

  TaxiiTestServer(String user, String password) throws IOException {
    this.user = user;
    this.password = password;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api1/collections/" + COLLECTION + "/objects/", this::objects);
    server.start();
  }

  String collectionUrl() {
    return "http://127.0.0.1:"
        + server.getAddress().getPort()
        + "/api1/collections/"
        + COLLECTION
        + "/";
  }

  /** Adds an indicator for {@code ip}, date-added {@code added}. */
  void addIndicator(String ip, Instant added) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "indicator");
    o.put("spec_version", "2.1");
    o.put(
        "id",
        "indicator--" + UUID.nameUUIDFromBytes(ip.getBytes(StandardCharsets.UTF_8)).toString());
    o.put("created", "2026-11-01T00:00:00.000Z");
    o.put("modified", "2026-11-01T00:00:00.000Z");
    o.put("pattern", "[ipv4-addr:value = '" + ip + "']");
    o.put("pattern_type", "stix");
    o.put("valid_from", "2026-11-01T00:00:00Z");
    objects.add(new Stored(added, o));
    objects.sort((a, b) -> a.added().compareTo(b.added()));
  }

  private void objects(HttpExchange x) throws IOException {
    try (x) {
      queries.add(x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery());
      String accept = x.getRequestHeaders().getFirst("Accept");
      acceptHeaders.add(String.valueOf(accept));
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(x.getRequestHeaders().getFirst("Authorization"))) {
        x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"taxii\"");
        error(x, 401, "Unauthorized", "The client needs to authenticate.", "AUTH-001");
        return;
      }
      if (accept == null || !accept.replace(" ", "").startsWith("application/taxii+json")) {
        error(x, 406, "Not Acceptable", "Media type " + accept + " is not supported.", null);
        return;
      }
      if (htmlInstead) {
        send(x, 200, "text/html", "<html><body>Please log in</body></html>");
        return;
      }
      Map<String, String> q = query(x.getRequestURI().getRawQuery());
      Cursor c;
      if (q.containsKey("next")) {
        c = cursors.get(q.get("next"));
        if (c == null) {
          error(x, 400, "Bad Request", "Unknown next token.", null);
          return;
        }
      } else {
        c =
            new Cursor(
                q.get("added_after"),
                0,
                q.containsKey("limit") ? Integer.valueOf(q.get("limit")) : null);
      }
      List<Stored> matching = new ArrayList<>();
      for (Stored s : objects) {
        if (c.addedAfter() == null || s.added().isAfter(Instant.parse(c.addedAfter()))) {
          matching.add(s);
        }
      }
      int pageSize = Math.min(maxPageSize, c.limit() == null ? Integer.MAX_VALUE : c.limit());
      int end = Math.min(matching.size(), c.offset() + pageSize);
      List<Stored> page = matching.subList(Math.min(c.offset(), end), end);
      ObjectNode envelope = JSON.createObjectNode();
      boolean more = end < matching.size();
      if (!page.isEmpty()) {
        ArrayNode arr = envelope.putArray("objects");
        page.forEach(s -> arr.add(s.object()));
        x.getResponseHeaders().add("X-TAXII-Date-Added-First", page.get(0).added().toString());
        x.getResponseHeaders()
            .add("X-TAXII-Date-Added-Last", page.get(page.size() - 1).added().toString());
      }
      envelope.put("more", more);
      if (more && !withoutNext) {
        String token = stuckNext ? "again" : UUID.randomUUID().toString();
        cursors.put(token, new Cursor(c.addedAfter(), end, c.limit()));
        envelope.put("next", token);
      }
      send(x, 200, TaxiiCollectionClient.MEDIA_TYPE, envelope.toString());
    }
  }

  private static void error(HttpExchange x, int status, String title, String description, String id)
      throws IOException {
    ObjectNode e = JSON.createObjectNode();
    e.put("title", title);
    e.put("description", description);
    if (id != null) {
      e.put("error_id", id);
    }
    e.put("http_status", String.valueOf(status));
    send(x, status, TaxiiCollectionClient.MEDIA_TYPE, e.toString());
  }

  private static void send(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", type);
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0) {
        q.put(
            URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
