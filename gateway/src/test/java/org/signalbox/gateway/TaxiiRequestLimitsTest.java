package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limits of {@link GatewayLimits} that a single request can hit, each answered with the status
 * that names it and a TAXII error body that carries no exception or parser text; the access log;
 * and plain HTTP confined to loopback.
 */
class TaxiiRequestLimitsTest {

  static final String MEMBER = "127.0.0.1";

  final GatewayConfig config =
      GatewayFixtures.config(new String[][] {{"good", "rail"}, {"other", "rail"}}, "rail");
  final List<AccessLog.Entry> access = new CopyOnWriteArrayList<>();
  TaxiiServer server;
  int port;

  void start(GatewayLimits limits) throws IOException {
    server =
        new TaxiiServer(
                config,
                List.of(
                    new TaxiiServer.ServedCollection(
                        "c-rail", "rail", "Rail", null, new CollectionStore(Clock.systemUTC()))),
                new MemberAuthenticator(config.members, limits, Clock.systemUTC()),
                new GatewayMetrics(),
                limits)
            .accessLog(access::add);
    server.start("127.0.0.1", 0, TaxiiTransport.plainLoopback());
    port = server.port();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static GatewayLimits small() {
    GatewayLimits l = new GatewayLimits();
    l.maxRequestBodyBytes = 100;
    l.maxQueryBytes = 200;
    l.maxHeaderBytes = 2048;
    l.maxRequestHeaders = 20;
    return l;
  }

  RawHttp.Answer raw(String request) throws IOException {
    try (Socket s = RawHttp.connect(MEMBER, port)) {
      return RawHttp.exchange(s, request);
    }
  }

  static String auth(String user) {
    return "Authorization: Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8))
        + "\r\n";
  }

  static final String ACCEPT = "Accept: " + TaxiiServer.TAXII_MEDIA_TYPE + "\r\n";

  @Test
  void aBodyOverTheLimitIs413ByItsLengthOrWhenChunkedAndASmallOneIsDropped() throws Exception {
    start(small());
    String big = "x".repeat(101);
    RawHttp.Answer declared =
        raw(
            "POST /taxii2/ HTTP/1.1\r\nHost: x\r\n"
                + auth("good")
                + "Content-Length: 101\r\nConnection: close\r\n\r\n"
                + big);
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.body()).contains("\"http_status\":\"413\"").contains("100 bytes");

    String chunk = Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n";
    RawHttp.Answer chunked =
        raw(
            "POST /taxii2/ HTTP/1.1\r\nHost: x\r\n"
                + auth("good")
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + chunk);
    assertThat(chunked.status()).isEqualTo(413);

    // Within the limit: read and dropped; the answer is the endpoint's own (GET only: 405).
    RawHttp.Answer small =
        raw(
            "POST /taxii2/ HTTP/1.1\r\nHost: x\r\n"
                + auth("good")
                + ACCEPT
                + "Content-Length: 10\r\nConnection: close\r\n\r\n0123456789");
    assertThat(small.status()).isEqualTo(405);
  }

  @Test
  void aLongQueryIs414AndALongRequestLineToo() throws Exception {
    start(small());
    String q = "/isac/collections/c-rail/objects/?match[type]=" + "a".repeat(200);
    assertThat(RawHttp.get(MEMBER, port, q, "good", "good-pw").status()).isEqualTo(414);
    // Within the query limit it is served.
    RawHttp.Answer within =
        RawHttp.get(
            MEMBER,
            port,
            "/isac/collections/c-rail/objects/?match%5Btype%5D=indicator",
            "good",
            "good-pw");
    assertThat(within.status()).as(within.body()).isEqualTo(200);
    // A request line past maxHeaderBytes never reaches the handler: Jetty's parser answers 414,
    // through the TAXII error handler (no parser text in the body).
    RawHttp.Answer line =
        RawHttp.get(MEMBER, port, "/taxii2/" + "p".repeat(3000) + "/", "good", "good-pw");
    assertThat(line.status()).isEqualTo(414);
    assertNoInternals(line);
  }

  @Test
  void tooManyOrTooLargeHeadersAre431() throws Exception {
    start(small());
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    RawHttp.Answer count =
        raw(
            "GET /taxii2/ HTTP/1.1\r\nHost: x\r\n"
                + auth("good")
                + ACCEPT
                + many
                + "Connection: close\r\n\r\n");
    assertThat(count.status()).isEqualTo(431);
    RawHttp.Answer size =
        raw(
            "GET /taxii2/ HTTP/1.1\r\nHost: x\r\n"
                + auth("good")
                + ACCEPT
                + "X-Big: "
                + "b".repeat(3000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(size.status()).isEqualTo(431);
    assertNoInternals(size);
  }

  @Test
  void aMemberOverItsRequestRateGets429WithRetryAfterAndOthersAreNotAffected() throws Exception {
    GatewayLimits limits = small();
    limits.requestsPerUserPerSecond = 5;
    start(limits);
    int ok = 0;
    RawHttp.Answer refused = null;
    for (int i = 0; i < 8; i++) {
      RawHttp.Answer a = RawHttp.get(MEMBER, port, "/taxii2/", "good", "good-pw");
      if (a.status() == 200) {
        ok++;
      } else {
        refused = a;
      }
    }
    // A bucket of 5; a few more may refill while the loop runs.
    assertThat(ok).isBetween(5, 7);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().get("retry-after")).isEqualTo("1");
    assertThat(RawHttp.get(MEMBER, port, "/taxii2/", "other", "other-pw").status()).isEqualTo(200);
    Thread.sleep(1_100);
    assertThat(RawHttp.get(MEMBER, port, "/taxii2/", "good", "good-pw").status()).isEqualTo(200);
  }

  @Test
  void connectionsPastThePerAddressLimitAreClosedAtOnceAndOtherAddressesAreServed()
      throws Exception {
    GatewayLimits limits = small();
    limits.maxConnectionsPerAddress = 3;
    start(limits);
    java.util.List<Socket> held = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(RawHttp.connect("127.0.0.5", port));
      }
      java.net.InetAddress crowd = java.net.InetAddress.getByName("127.0.0.5");
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (server.guard().openFrom(crowd) < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(server.guard().openFrom(crowd)).isEqualTo(3);
      // The fourth from the same address is closed before it can send anything useful.
      try (Socket fourth = RawHttp.connect("127.0.0.5", port)) {
        fourth.setSoTimeout(3_000);
        assertThat(fourth.getInputStream().read()).isEqualTo(-1);
      } catch (java.net.SocketException reset) {
        // reset: closed too
      }
      assertThat(RawHttp.get("127.0.0.6", port, "/taxii2/", "good", "good-pw").status())
          .isEqualTo(200);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // Closing frees the address's places.
    long deadline = System.nanoTime() + 2_000_000_000L;
    java.net.InetAddress crowd = java.net.InetAddress.getByName("127.0.0.5");
    while (server.guard().openFrom(crowd) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(RawHttp.get("127.0.0.5", port, "/taxii2/", "good", "good-pw").status())
        .isEqualTo(200);
  }

  @Test
  void theRequestBucketRefillsAtItsRate() {
    long[] now = {0};
    RequestRate rate = new RequestRate(4, () -> now[0]);
    for (int i = 0; i < 4; i++) {
      assertThat(rate.acquire("m")).isZero();
    }
    assertThat(rate.acquire("m")).isEqualTo(1);
    assertThat(rate.acquire("other")).isZero();
    now[0] += 250_000_000L; // a quarter second: one token back
    assertThat(rate.acquire("m")).isZero();
    assertThat(rate.acquire("m")).isEqualTo(1);
    now[0] += 10_000_000_000L; // refills to the bucket's size, not beyond
    for (int i = 0; i < 4; i++) {
      assertThat(rate.acquire("m")).isZero();
    }
    assertThat(rate.acquire("m")).isEqualTo(1);
  }

  @Test
  void malformedRequestsGetATaxiiErrorWithoutParserText() throws Exception {
    start(small());
    RawHttp.Answer bad = raw("GET /taxii2/ HTTP/1.1\r\nHost: x\r\nBad\u0001Header: v\r\n\r\n");
    assertThat(bad.status()).isEqualTo(400);
    assertNoInternals(bad);
    RawHttp.Answer ambiguous = RawHttp.get(MEMBER, port, "/isac/%2e%2e/taxii2/", "good", "good-pw");
    assertThat(ambiguous.status()).isBetween(400, 404);
    assertNoInternals(ambiguous);
  }

  @Test
  void theAccessLogSaysWhoReadWhichCollectionAndNoCredential() throws Exception {
    start(small());
    RawHttp.get(MEMBER, port, "/isac/collections/c-rail/objects/", "good", "good-pw");
    RawHttp.get(MEMBER, port, "/isac/collections/c-rail/objects/", "good", "wrong");
    RawHttp.get(MEMBER, port, "/isac/collections/c-nope/objects/", "other", "other-pw");
    assertThat(access).hasSize(3);
    AccessLog.Entry read = access.get(0);
    assertThat(read.member()).isEqualTo("good");
    assertThat(read.client()).isEqualTo(MEMBER);
    assertThat(read.collection()).isEqualTo("c-rail");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.path()).isEqualTo("/isac/collections/c-rail/objects/");
    assertThat(access.get(1).member()).isEqualTo("-");
    assertThat(access.get(1).status()).isEqualTo(401);
    assertThat(access.get(1).collection()).isNull();
    // A collection it may not read is not named as read.
    assertThat(access.get(2).collection()).isNull();
    assertThat(access.get(2).status()).isEqualTo(404);
    assertThat(access.toString()).doesNotContain("good-pw").doesNotContain("wrong");
  }

  @Test
  void plainHttpAndASelfSignedCertificateAreRefusedOffLoopback() {
    start0("0.0.0.0", TaxiiTransport.plainLoopback(), "plain HTTP is served on loopback only");
    start0(
        "0.0.0.0",
        TaxiiTransport.selfSigned(),
        "a generated self-signed certificate is served on loopback only");
    assertThat(TaxiiTransport.isLoopback("127.0.0.1")).isTrue();
    assertThat(TaxiiTransport.isLoopback("::1")).isTrue();
    assertThat(TaxiiTransport.isLoopback("localhost")).isTrue();
    assertThat(TaxiiTransport.isLoopback("0.0.0.0")).isFalse();
    assertThat(TaxiiTransport.isLoopback("192.0.2.1")).isFalse();
  }

  private void start0(String host, TaxiiTransport t, String message) {
    TaxiiServer s =
        new TaxiiServer(
            config,
            List.of(),
            new MemberAuthenticator(config.members, small(), Clock.systemUTC()),
            new GatewayMetrics(),
            small());
    try {
      assertThatThrownBy(() -> s.start(host, 0, t))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(message)
          .hasMessageContaining("--tls-certificate FILE --tls-key FILE");
    } finally {
      s.close();
    }
  }

  @Test
  void anUnknownNameCostsThePbkdf2WorkOfAMembersPassword() {
    MemberAuthenticator a = new MemberAuthenticator(config.members, small(), Clock.systemUTC());
    try {
      assertThat(a.dummyIterations())
          .isEqualTo(PasswordHash.iterations(config.members.get(0).passwordHash));
      long before = a.verifications();
      a.authenticate(TaxiiServerLimitsTest.basic("good", "wrong"), "10.0.0.1");
      a.authenticate(TaxiiServerLimitsTest.basic("nobody", "wrong"), "10.0.0.2");
      assertThat(a.verifications() - before).isEqualTo(2);
    } finally {
      a.close();
    }
  }

  static void assertNoInternals(RawHttp.Answer a) {
    assertThat(a.headers().get("content-type")).isEqualTo(TaxiiServer.TAXII_MEDIA_TYPE);
    assertThat(a.body())
        .contains("\"http_status\":\"" + a.status() + "\"")
        .doesNotContainIgnoringCase("exception")
        .doesNotContainIgnoringCase("state=")
        .doesNotContainIgnoringCase("jetty")
        .doesNotContain("0x")
        .doesNotContain("<html");
  }
}
