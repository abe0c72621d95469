package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small TAXII 2.1 client written from the specification, independent of the server's code: it
 * sends the required Accept header, HTTP basic credentials, and follows {@code next} paging.
 */
final class TaxiiSpecClient {
  static final String MEDIA = "application/taxii+json;version=2.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One HTTP answer: status, headers and parsed body. */
  record Answer(int status, HttpResponse<String> raw, JsonNode body) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;
  private final String authorization;

  TaxiiSpecClient(String baseUrl, String user, String password) {
    this.base = URI.create(baseUrl);
    this.authorization =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Answer get(String path, Map<String, String> params) throws IOException, InterruptedException {
    return get(path, params, MEDIA);
  }

  Answer get(String path, Map<String, String> params, String accept)
      throws IOException, InterruptedException {
    String query =
        params.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path + (query.isEmpty() ? "" : "?" + query))).GET();
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type")).contains(MEDIA);
    return new Answer(r.statusCode(), r, JSON.readTree(r.body()));
  }

  /** Pages through an objects or manifest endpoint; returns the pages' bodies in order. */
  List<Answer> pages(String path, Map<String, String> filters)
      throws IOException, InterruptedException {
    List<Answer> pages = new ArrayList<>();
    Map<String, String> params = new LinkedHashMap<>(filters);
    while (true) {
      Answer a = get(path, params);
      assertThat(a.status()).as("%s %s", path, a.body()).isEqualTo(200);
      pages.add(a);
      if (!a.body().path("more").asBoolean(false)) {
        return pages;
      }
      params.put("next", a.body().get("next").asText());
      assertThat(pages).as("paging terminates").hasSizeLessThan(1000);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
