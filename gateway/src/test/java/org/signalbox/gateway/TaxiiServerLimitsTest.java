package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway against strangers, on a real server on loopback: password storms are throttled per
 * address and per name before any PBKDF2 runs, a member is still served, and connections that
 * dribble their headers (or send nothing) are cut by the header timeout.
 */
class TaxiiServerLimitsTest {

  static final String ATTACKER = "127.0.0.2";
  static final String MEMBER = "127.0.0.1";

  final GatewayConfig config =
      GatewayFixtures.config(new String[][] {{"good", "rail"}, {"victim", "rail"}}, "rail");
  TaxiiServer server;
  MemberAuthenticator auth;

  TaxiiServer start(GatewayLimits limits, Clock clock) throws IOException {
    auth = new MemberAuthenticator(config.members, limits, clock);
    server =
        new TaxiiServer(
            config,
            List.of(
                new TaxiiServer.ServedCollection(
                    "c-rail", "rail", "Rail", null, new CollectionStore(Clock.systemUTC()))),
            auth,
            new GatewayMetrics(),
            limits);
    server.start("127.0.0.1", 0, TaxiiTransport.plainLoopback());
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aPasswordStormIsThrottledPerAddressWithoutPbkdf2AndAMemberIsStillServed() throws Exception {
    GatewayLimits limits = new GatewayLimits();
    limits.failuresPerAddress = 5;
    limits.failuresPerUser = 1_000;
    int port = start(limits, Clock.systemUTC()).port();

    List<Integer> statuses = new ArrayList<>();
    RawHttp.Answer knownThrottled = null;
    RawHttp.Answer unknownThrottled = null;
    for (int i = 0; i < 40; i++) {
      boolean known = i % 2 == 0;
      RawHttp.Answer a =
          RawHttp.get(ATTACKER, port, "/taxii2/", known ? "victim" : "nobody", "guess-" + i);
      statuses.add(a.status());
      if (a.status() == 429) {
        if (known) {
          knownThrottled = a;
        } else {
          unknownThrottled = a;
        }
      }
    }
    assertThat(statuses.subList(0, 5)).containsOnly(401);
    assertThat(statuses.subList(5, 40)).containsOnly(429);
    // Only the attempts within the limit ran PBKDF2; the 35 beyond it cost nothing.
    assertThat(auth.verifications()).isEqualTo(5);
    // A known and an unknown name get the same answer: nothing tells them apart.
    assertThat(knownThrottled.headers().get("retry-after")).matches("[1-9][0-9]*");
    assertThat(unknownThrottled.status()).isEqualTo(knownThrottled.status());
    assertThat(unknownThrottled.headers().keySet())
        .containsExactlyInAnyOrderElementsOf(knownThrottled.headers().keySet());
    assertThat(unknownThrottled.body()).isEqualTo(knownThrottled.body());
    // The right password from the throttled address is refused too: it is the address that is
    // throttled, and letting a right password through would turn 429 into a password oracle.
    assertThat(RawHttp.get(ATTACKER, port, "/taxii2/", "good", "good-pw").status()).isEqualTo(429);
    assertThat(auth.verifications()).isEqualTo(5);

    // The member, from its own address, is served while the attacker is throttled.
    assertThat(RawHttp.get(MEMBER, port, "/taxii2/", "good", "good-pw").status()).isEqualTo(200);
    assertThat(auth.verifications()).isEqualTo(6);
    // Polling again costs no PBKDF2: the verified credential is remembered (as a keyed hash).
    assertThat(RawHttp.get(MEMBER, port, "/taxii2/", "good", "good-pw").status()).isEqualTo(200);
    assertThat(auth.verifications()).isEqualTo(6);
  }

  @Test
  void guessesSpreadOverAddressesAreThrottledPerNameButAVerifiedMemberIsNotLockedOut()
      throws Exception {
    GatewayLimits limits = new GatewayLimits();
    limits.failuresPerAddress = 100;
    limits.failuresPerUser = 3;
    int port = start(limits, Clock.systemUTC()).port();
    // The victim polled before the storm: its credential is in the cache.
    assertThat(RawHttp.get(MEMBER, port, "/taxii2/", "victim", "victim-pw").status())
        .isEqualTo(200);
    long before = auth.verifications();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      statuses.add(
          RawHttp.get("127.0.0." + (10 + i), port, "/taxii2/", "victim", "x" + i).status());
    }
    assertThat(statuses.subList(0, 3)).containsOnly(401);
    assertThat(statuses.subList(3, 12)).containsOnly(429);
    assertThat(auth.verifications() - before).isEqualTo(3);
    // Unknown names are counted the same way.
    for (int i = 0; i < 3; i++) {
      assertThat(RawHttp.get("127.0.0." + (30 + i), port, "/taxii2/", "ghost", "x").status())
          .isEqualTo(401);
    }
    assertThat(RawHttp.get("127.0.0.40", port, "/taxii2/", "ghost", "x").status()).isEqualTo(429);

    assertThat(RawHttp.get(MEMBER, port, "/taxii2/", "victim", "victim-pw").status())
        .isEqualTo(200);
    assertThat(RawHttp.get(MEMBER, port, "/taxii2/", "good", "good-pw").status()).isEqualTo(200);
  }

  @Test
  void throttlingEndsWithItsWindowAndCachedCredentialsExpire() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    GatewayLimits limits = new GatewayLimits();
    limits.failuresPerAddress = 2;
    limits.failureWindowSeconds = 60;
    limits.credentialTtlSeconds = 300;
    MemberAuthenticator a = new MemberAuthenticator(config.members, limits, clock);
    String wrong = basic("victim", "nope");
    assertThat(a.authenticate(wrong, "10.0.0.1")).isInstanceOf(MemberAuthenticator.Refused.class);
    assertThat(a.authenticate(wrong, "10.0.0.1")).isInstanceOf(MemberAuthenticator.Refused.class);
    assertThat(a.authenticate(wrong, "10.0.0.1")).isEqualTo(new MemberAuthenticator.Throttled(60));
    clock.now = clock.now.plusSeconds(59);
    assertThat(a.authenticate(wrong, "10.0.0.1")).isEqualTo(new MemberAuthenticator.Throttled(1));
    clock.now = clock.now.plusSeconds(1);
    assertThat(a.authenticate(basic("good", "good-pw"), "10.0.0.1"))
        .isInstanceOf(MemberAuthenticator.Accepted.class);
    long checks = a.verifications();
    clock.now = clock.now.plusSeconds(299);
    a.authenticate(basic("good", "good-pw"), "10.0.0.1");
    assertThat(a.verifications()).isEqualTo(checks);
    clock.now = clock.now.plusSeconds(1);
    a.authenticate(basic("good", "good-pw"), "10.0.0.1");
    assertThat(a.verifications()).isEqualTo(checks + 1);
    a.close();
  }

  @Test
  void connectionsThatDribbleTheirHeadersAreCutWhileANormalClientIsServed() throws Exception {
    GatewayLimits limits = new GatewayLimits();
    limits.headerTimeoutSeconds = 1;
    limits.httpThreads = 2;
    int port = start(limits, Clock.systemUTC()).port();

    // More dribbling clients than there are HTTP threads, and one that connects and says nothing:
    // Jetty parses without holding a thread between reads, so none of them holds one, and the
    // header timeout closes them all.
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port));
      slow.add(s);
      Thread t = new Thread(() -> dribble(s));
      t.setDaemon(true);
      t.start();
    }
    Socket silent = new Socket();
    silent.connect(new InetSocketAddress("127.0.0.1", port));
    slow.add(silent);

    long t0 = System.nanoTime();
    RawHttp.Answer normal = RawHttp.get(MEMBER, port, "/taxii2/", "good", "good-pw");
    assertThat(normal.status()).isEqualTo(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);

    for (Socket s : slow) {
      s.setSoTimeout(5_000);
      assertThat(closedByServer(s)).as("a dribbling connection is closed by the server").isTrue();
      s.close();
    }
    // Cut within the timeout and a sweep or two, not at the 30 s idle timeout.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(4_000);
  }

  /** Sends a request line and then one header byte every 200 ms, for up to 30 s. */
  private static void dribble(Socket s) {
    try {
      OutputStream o = s.getOutputStream();
      o.write("GET /taxii2/ HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      for (int i = 0; i < 150; i++) {
        Thread.sleep(200);
        o.write('a');
        o.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the server closed the connection: what the test waits for
    }
  }

  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  static String basic(String user, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
