package org.signalbox.importers.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.importers.stix.StixBundleReader;

class TaxiiCollectionClientTest {
  private static final Instant T0 = Instant.parse("2026-11-20T08:00:00.000Z");

  private TaxiiTestServer server;

  @BeforeEach
  void start() throws IOException {
    server = new TaxiiTestServer("isac", "s3cret");
    for (int i = 1; i <= 7; i++) {
      server.addIndicator("198.51.100." + i, T0.plusSeconds(60L * i));
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TaxiiCollectionClient client() {
    return new TaxiiCollectionClient(URI.create(server.collectionUrl()))
        .withBasicAuth("isac", "s3cret");
  }

  @Test
  void followsMoreAndNextUntilTheLastPage() throws Exception {
    TaxiiCollectionClient.Poll p = client().withLimit(3).poll(null);
    assertThat(p.objects()).hasSize(7);
    assertThat(p.pages()).isEqualTo(3);
    assertThat(p.dateAddedLast()).contains(T0.plusSeconds(420).toString());
    assertThat(server.queries.get(0)).isEqualTo("limit=3");
    assertThat(server.queries.get(1)).startsWith("limit=3&next=");
    assertThat(server.acceptHeaders).containsOnly("application/taxii+json;version=2.1");

    StixBundleReader.Result r = new StixBundleReader().read(p.envelope());
    assertThat(r.rejected()).isEmpty();
    assertThat(r.indicators())
        .extracting(i -> i.getValue())
        .contains("198.51.100.1", "198.51.100.7");
  }

  @Test
  void serverPageSizeBelowTheLimitIsFollowedToo() throws Exception {
    server.maxPageSize = 2;
    TaxiiCollectionClient.Poll p = client().withLimit(100).poll(null);
    assertThat(p.objects()).hasSize(7);
    assertThat(p.pages()).isEqualTo(4);
  }

  @Test
  void pagesByDateAddedWhenTheServerGivesNoNextToken() throws Exception {
    server.withoutNext = true;
    TaxiiCollectionClient.Poll p = client().withLimit(3).poll(null);
    assertThat(p.objects()).hasSize(7);
    assertThat(server.queries)
        .containsExactly(
            "limit=3",
            "added_after=2026-11-20T08%3A03%3A00Z&limit=3",
            "added_after=2026-11-20T08%3A06%3A00Z&limit=3");
  }

  @Test
  void stateFileMakesTheNextPollAskOnlyForNewerObjects(@TempDir Path tmp) throws Exception {
    Path stateFile = tmp.resolve("taxii-state.json");
    TaxiiCollectionClient c = client().withLimit(5);
    String key = c.objectsUri().toString();

    TaxiiPollState state = TaxiiPollState.load(stateFile);
    TaxiiCollectionClient.Poll first = c.poll(state.addedAfter(key).orElse(null));
    assertThat(first.objects()).hasSize(7);
    state.update(key, first.dateAddedLast().orElseThrow(), Instant.now());
    state.save();

    server.addIndicator("203.0.113.8", T0.plusSeconds(3600));
    server.addIndicator("203.0.113.9", T0.plusSeconds(3660));
    TaxiiPollState reloaded = TaxiiPollState.load(stateFile);
    assertThat(reloaded.addedAfter(key)).contains("2026-11-20T08:07:00Z");
    TaxiiCollectionClient.Poll second = c.poll(reloaded.addedAfter(key).get());
    assertThat(second.objects())
        .extracting(o -> o.path("pattern").asText())
        .containsExactly("[ipv4-addr:value = '203.0.113.8']", "[ipv4-addr:value = '203.0.113.9']");
    assertThat(server.queries.get(server.queries.size() - 1))
        .isEqualTo("added_after=2026-11-20T08%3A07%3A00Z&limit=5");

    // Nothing new: an empty envelope, and no date to move the state on.
    TaxiiCollectionClient.Poll third = c.poll(second.dateAddedLast().get());
    assertThat(third.objects()).isEmpty();
    assertThat(third.dateAddedLast()).isEmpty();
  }

  @Test
  void wrongPasswordReportsTheTaxiiErrorMessage() {
    TaxiiCollectionClient c =
        new TaxiiCollectionClient(URI.create(server.collectionUrl())).withBasicAuth("isac", "x");
    assertThatThrownBy(() -> c.poll(null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 401 for GET " + server.collectionUrl() + "objects/")
        .hasMessageContaining(
            "Unauthorized: The client needs to authenticate. [error_id AUTH-001]");
  }

  @Test
  void aNonTaxiiResponseIsReportedWithItsStart() {
    server.htmlInstead = true;
    assertThatThrownBy(() -> client().poll(null))
        .hasMessageContaining("sent 'text/html'")
        .hasMessageContaining("expected application/taxii+json;version=2.1")
        .hasMessageContaining("Please log in");
  }

  @Test
  void aServerRepeatingItsNextTokenIsStoppedNotFollowedForever() {
    server.stuckNext = true;
    assertThatThrownBy(() -> client().withLimit(2).poll(null))
        .hasMessageContaining("repeated next token 'again'");
  }

  @Test
  void collectionUrlBecomesItsObjectsEndpointKeepingTheQuery() {
    assertThat(
            TaxiiCollectionClient.objectsUri(
                URI.create("https://t.example/api1/collections/c1?match[type]=indicator")))
        .hasToString("https://t.example/api1/collections/c1/objects/?match[type]=indicator");
    assertThat(TaxiiCollectionClient.objectsUri(URI.create("https://t.example/c/objects/")))
        .hasToString("https://t.example/c/objects/");
    assertThat(TaxiiCollectionClient.isTaxiiJson("application/taxii+json; version=2.1")).isTrue();
    assertThat(TaxiiCollectionClient.isTaxiiJson("application/taxii+json;version=2.0")).isFalse();
  }

  @Test
  void aCorruptStateFileIsAnErrorNotAFreshStart(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("state.json");
    Files.writeString(
        f, "{\"collections\": {\"https://x/objects/\": {\"addedAfter\": \"yesterday\"}}}");
    assertThatThrownBy(() -> TaxiiPollState.load(f))
        .hasMessageContaining("has no valid addedAfter timestamp ('yesterday')");
    Files.writeString(f, "{\"coll");
    assertThatThrownBy(() -> TaxiiPollState.load(f)).hasMessageContaining("is not valid JSON");
  }
}
