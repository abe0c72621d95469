package org.signalbox.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls of Flink's REST API (the one the web UI and {@code flink run} use) that the cluster
 * commands make: overview, TaskManagers, jobs, jar upload and run, savepoints, cancel. Plain HTTP
 * on loopback with JSON bodies; a failed call becomes a {@link RestException} with Flink's own
 * error text.
 */
final class FlinkRest {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  FlinkRest(String base) {
    this.base = base;
  }

  /** An answer other than 2xx, or no answer. */
  static final class RestException extends IOException {
    private static final long serialVersionUID = 1L;

    final int status;

    /** Flink's "errors" list joined, or the body. */
    final String errors;

    RestException(String message, int status, String errors) {
      super(message);
      this.status = status;
      this.errors = errors;
    }
  }

  String base() {
    return base;
  }

  /** True when the REST endpoint answers at all (the JobManager is up). */
  boolean answers() {
    try {
      get("/config");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  JsonNode get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), path);
  }

  JsonNode post(String path, JsonNode body) throws IOException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
        path);
  }

  JsonNode patch(String path) throws IOException {
    return send(
        HttpRequest.newBuilder(uri(path)).method("PATCH", HttpRequest.BodyPublishers.noBody()),
        path);
  }

  JsonNode delete(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE(), path);
  }

  /** Uploads a jar ({@code POST /jars/upload}, multipart) and returns its id on the cluster. */
  String uploadJar(Path jar) throws IOException {
    String boundary = "signalbox-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpRequest.BodyPublisher body;
    try {
      body =
          HttpRequest.BodyPublishers.concat(
              HttpRequest.BodyPublishers.ofByteArray(head),
              HttpRequest.BodyPublishers.ofFile(jar),
              HttpRequest.BodyPublishers.ofByteArray(tail));
    } catch (FileNotFoundException e) {
      throw new ClusterException("the job jar " + jar + " is gone: " + e.getMessage());
    }
    JsonNode answer =
        send(
            HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(2))
                .POST(body),
            "/jars/upload");
    String file = answer.path("filename").asText();
    return Path.of(file).getFileName().toString();
  }

  ObjectNode object() {
    return JSON.createObjectNode();
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private JsonNode send(HttpRequest.Builder request, String path) throws IOException {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ConnectException e) {
      throw new RestException("nothing answers at " + base, 0, "");
    }
    String body = response.body();
    if (response.statusCode() / 100 != 2) {
      String errors = body;
      try {
        JsonNode tree = JSON.readTree(body);
        List<String> parts = new ArrayList<>();
        tree.path("errors").forEach(e -> parts.add(e.asText()));
        if (!parts.isEmpty()) {
          errors = String.join("\n", parts);
        }
      } catch (IOException notJson) {
        // the body as it is
      }
      throw new RestException(
          path + " answered " + response.statusCode() + ": " + rootCause(errors),
          response.statusCode(),
          errors);
    }
    return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
  }

  private static final Pattern CAUSE =
      Pattern.compile(
          "(?m)^(?:Caused by: )?(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): (.+)$");

  /**
   * The innermost "Caused by" message of a Java stack trace as Flink sends it, which is where a
   * job's own refusal ("campaigns: unknown option ...") or the savepoint mismatch is; the first
   * line when there is no stack trace.
   */
  static String rootCause(String text) {
    Matcher m = CAUSE.matcher(text);
    String last = null;
    while (m.find()) {
      last = m.group(1).strip();
    }
    if (last != null) {
      return last;
    }
    String first = text.strip();
    int nl = first.indexOf('\n');
    return nl < 0 ? first : first.substring(0, nl);
  }
}
