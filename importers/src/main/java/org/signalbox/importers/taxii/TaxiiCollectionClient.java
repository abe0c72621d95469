package org.signalbox.importers.taxii;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Polls the objects of one TAXII 2.1 collection ({@code GET <collection>/objects/}).
 *
 * <pre>{@code
 * TaxiiCollectionClient client =
 *     new TaxiiCollectionClient(URI.create("https://taxii.example/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/"))
 *         .withBasicAuth("user", password).withLimit(500);
 * TaxiiCollectionClient.Poll p = client.poll("2026-11-01T00:00:00.000Z");  // or null for everything
 * new StixBundleReader().read(p.envelope());
 * p.dateAddedLast();  // remember it for the next poll
 * }</pre>
 *
 * Paging follows TAXII 2.1 section 3.4: while the envelope says {@code more}, the next request
 * repeats the filters and adds the server's {@code next} token. A server that says {@code more}
 * without a {@code next} is paged by {@code added_after} = its {@code X-TAXII-Date-Added-Last}
 * header instead (the specification's alternative). A server that repeats a token, or whose
 * added_after does not advance, is reported instead of being polled forever.
 *
 * <p>Every request sends {@code Accept: application/taxii+json;version=2.1}; a response of another
 * media type, or an error status, becomes an {@link IOException} whose message carries the status,
 * the TAXII error message's title and description (or the start of a non-TAXII body). Redirects are
 * not followed, so credentials are never replayed to another host.
 */
public final class TaxiiCollectionClient {
  public static final String MEDIA_TYPE = "application/taxii+json;version=2.1";
  public static final String DATE_ADDED_FIRST = "X-TAXII-Date-Added-First";
  public static final String DATE_ADDED_LAST = "X-TAXII-Date-Added-Last";

  /** Bounds one poll, so a misbehaving server cannot keep it running forever. */
  static final int MAX_PAGES = 100_000;

  private static final int ERROR_BODY_LIMIT = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One envelope as received. */
  public record Page(
      ArrayNode objects, boolean more, String next, String dateAddedFirst, String dateAddedLast) {}

  /** All pages of a poll joined; {@code dateAddedLast} is the newest date added seen, if any. */
  public record Poll(ArrayNode objects, int pages, Optional<String> dateAddedLast) {
    /** The objects as one TAXII envelope, the form {@code StixBundleReader} reads. */
    public ObjectNode envelope() {
      ObjectNode e = JSON.createObjectNode();
      e.set("objects", objects);
      return e;
    }
  }

  private final URI objectsUri;
  private final HttpClient http;
  private final String authorization;
  private final Integer limit;
  private final Duration timeout;

  /**
   * @param collection the collection URL ({@code .../collections/<id>/}) or its objects URL; a
   *     query (e.g. {@code ?match[type]=indicator}) is kept on every request
   */
  public TaxiiCollectionClient(URI collection) {
    this(objectsUri(collection), defaultClient(), null, null, Duration.ofMinutes(2));
  }

  private TaxiiCollectionClient(
      URI objectsUri, HttpClient http, String authorization, Integer limit, Duration timeout) {
    this.objectsUri = objectsUri;
    this.http = http;
    this.authorization = authorization;
    this.limit = limit;
    this.timeout = timeout;
  }

  public TaxiiCollectionClient withBasicAuth(String user, String password) {
    if (user.contains(":")) {
      throw new IllegalArgumentException("a basic-auth user name cannot contain ':'");
    }
    String token =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new TaxiiCollectionClient(objectsUri, http, "Basic " + token, limit, timeout);
  }

  /** Page size asked for; the server may return fewer (TAXII 2.1 section 3.4). */
  public TaxiiCollectionClient withLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return new TaxiiCollectionClient(objectsUri, http, authorization, limit, timeout);
  }

  /** The objects endpoint this client polls, with any query the caller gave. */
  public URI objectsUri() {
    return objectsUri;
  }

  /**
   * All objects added after {@code addedAfter} (a TAXII timestamp; null for everything), following
   * {@code more}/{@code next} to the end.
   */
  public Poll poll(String addedAfter) throws IOException {
    ArrayNode all = JSON.createArrayNode();
    String after = addedAfter;
    String next = null;
    String newest = null;
    Instant newestInstant = null;
    Set<String> tokensSeen = new HashSet<>();
    int pages = 0;
    while (true) {
      if (++pages > MAX_PAGES) {
        throw new IOException(
            "TAXII server " + objectsUri + " still says more after " + MAX_PAGES + " pages");
      }
      Page page = fetch(after, next);
      all.addAll(page.objects());
      if (page.dateAddedLast() != null) {
        Instant t = parseTime(page.dateAddedLast());
        if (newestInstant == null || t.isAfter(newestInstant)) {
          newestInstant = t;
          newest = page.dateAddedLast();
        }
      }
      if (!page.more()) {
        return new Poll(all, pages, Optional.ofNullable(newest));
      }
      if (page.next() != null && !page.next().isEmpty()) {
        if (!tokensSeen.add(page.next())) {
          throw new IOException(
              "TAXII server " + objectsUri + " repeated next token '" + page.next() + "'");
        }
        next = page.next();
      } else {
        // No next token: page on by date added, which the specification allows as well.
        if (page.dateAddedLast() == null || page.objects().isEmpty()) {
          throw new IOException(
              "TAXII server "
                  + objectsUri
                  + " says more but gives neither next nor "
                  + DATE_ADDED_LAST
                  + " with objects to page on");
        }
        if (after != null && !parseTime(page.dateAddedLast()).isAfter(parseTime(after))) {
          throw new IOException(
              "TAXII server " + objectsUri + " says more but its date added does not advance");
        }
        after = page.dateAddedLast();
        next = null;
      }
    }
  }

  /** One request for one page. */
  public Page fetch(String addedAfter, String next) throws IOException {
    StringBuilder q = new StringBuilder();
    if (addedAfter != null) {
      param(q, "added_after", addedAfter);
    }
    if (limit != null) {
      param(q, "limit", limit.toString());
    }
    if (next != null) {
      param(q, "next", next);
    }
    URI uri = withQuery(objectsUri, q.toString());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", MEDIA_TYPE).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while polling " + uri);
    } catch (IOException e) {
      throw new IOException("cannot reach TAXII server at " + uri + ": " + e, e);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      if (status != 200) {
        throw new IOException(
            "TAXII server answered HTTP "
                + status
                + " for GET "
                + uri
                + ": "
                + describeError(body.readNBytes(ERROR_BODY_LIMIT), contentType, response));
      }
      if (!isTaxiiJson(contentType)) {
        throw new IOException(
            "TAXII server sent '"
                + contentType
                + "' for GET "
                + uri
                + ", expected "
                + MEDIA_TYPE
                + ": "
                + excerpt(body.readNBytes(ERROR_BODY_LIMIT)));
      }
      JsonNode envelope;
      try {
        envelope = JSON.readTree(body);
      } catch (JsonProcessingException e) {
        throw new IOException(
            "TAXII envelope from " + uri + " is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (envelope == null || !envelope.isObject()) {
        throw new IOException("TAXII envelope from " + uri + " is not a JSON object");
      }
      JsonNode objects = envelope.path("objects");
      if (!objects.isMissingNode() && !objects.isArray()) {
        throw new IOException("TAXII envelope from " + uri + ": 'objects' is not a list");
      }
      return new Page(
          objects.isArray() ? (ArrayNode) objects : JSON.createArrayNode(),
          envelope.path("more").asBoolean(false),
          envelope.path("next").isTextual() ? envelope.path("next").asText() : null,
          response.headers().firstValue(DATE_ADDED_FIRST).orElse(null),
          response.headers().firstValue(DATE_ADDED_LAST).orElse(null));
    }
  }

  /**
   * TAXII 2.1 media types with or without the version parameter; plain JSON too, since some servers
   * label their envelopes so, and the body is then checked like any envelope.
   */
  static boolean isTaxiiJson(String contentType) {
    String t = contentType.toLowerCase(Locale.ROOT).replace(" ", "");
    if (t.startsWith("application/taxii+json")) {
      return !t.contains("version=") || t.contains("version=2.1");
    }
    return t.startsWith("application/json");
  }

  private static String describeError(
      byte[] body, String contentType, HttpResponse<InputStream> response) {
    String location =
        response
            .headers()
            .firstValue("Location")
            .map(l -> " (redirect to " + l + " not followed)")
            .orElse("");
    try {
      JsonNode e = JSON.readTree(body);
      if (e != null && e.isObject() && e.has("title")) {
        StringBuilder m = new StringBuilder(e.path("title").asText());
        if (e.hasNonNull("description")) {
          m.append(": ").append(e.path("description").asText());
        }
        for (String f : new String[] {"error_id", "error_code", "external_details"}) {
          if (e.hasNonNull(f)) {
            m.append(" [").append(f).append(' ').append(e.path(f).asText()).append(']');
          }
        }
        if (e.path("details").isObject()) {
          m.append(" details ").append(e.path("details"));
        }
        return m + location;
      }
    } catch (IOException notJson) {
      // Not a TAXII error message: show the start of whatever it is.
    }
    return (body.length == 0 ? "(empty body)" : "'" + contentType + "' body " + excerpt(body))
        + location;
  }

  private static String excerpt(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static Instant parseTime(String t) throws IOException {
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new IOException("TAXII timestamp '" + t + "' is not RFC 3339 with Z");
    }
  }

  private static void param(StringBuilder q, String name, String value) {
    q.append(q.length() == 0 ? "" : "&")
        .append(name)
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static URI withQuery(URI base, String extra) {
    if (extra.isEmpty()) {
      return base;
    }
    String s = base.toString();
    return URI.create(s + (base.getRawQuery() == null ? "?" : "&") + extra);
  }

  static URI objectsUri(URI collection) {
    Objects.requireNonNull(collection);
    String scheme = collection.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException("TAXII collection URL must be http(s): " + collection);
    }
    String s = collection.toString();
    int q = s.indexOf('?');
    String path = q < 0 ? s : s.substring(0, q);
    String query = q < 0 ? "" : s.substring(q);
    if (!path.endsWith("/")) {
      path += "/";
    }
    if (!path.endsWith("/objects/")) {
      path += "objects/";
    }
    return URI.create(path + query);
  }

  private static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(30))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }
}
