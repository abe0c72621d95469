package org.signalbox.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP basic authentication of members against the PBKDF2 hashes of the config file, bounded
 * against strangers ({@link GatewayLimits}).
 *
 * <p>In order: a credential verified within the TTL is accepted for one HMAC ({@link
 * VerifiedCredentials}); then a client address or claimed name over its failure limit is answered
 * {@link Throttled} without any PBKDF2; then PBKDF2 runs on its own bounded pool (a full queue is
 * {@link Throttled} too). An unknown name costs the same PBKDF2 as a known one and is counted the
 * same way, so neither the answer nor its timing tells names apart.
 */
public final class MemberAuthenticator implements AutoCloseable {

  /** An authenticated member and the audiences it may read. */
  public record Member(String name, Set<String> audiences) {}

  /** What a request's credentials come to. */
  public sealed interface Outcome permits Accepted, Refused, Throttled {}

  public record Accepted(Member member) implements Outcome {}

  /** Missing, malformed or wrong credentials: 401. */
  public record Refused() implements Outcome {}

  /** Too many failures (or too many checks waiting): 429 with {@code Retry-After}. */
  public record Throttled(long retryAfterSeconds) implements Outcome {}

  private static final Logger LOG = LoggerFactory.getLogger(MemberAuthenticator.class);

  /**
   * What an unknown name is checked against: a hash with the members' iteration count, so that a
   * wrong password and an unknown name cost the same PBKDF2 work (and time). With members of
   * different counts it takes the highest, and a warning says the others can be told apart.
   */
  private final String dummyHash;

  private final Map<String, GatewayConfig.Member> members;
  private final VerifiedCredentials verified;
  private final FailureThrottle byAddress;
  private final FailureThrottle byUser;
  private final ThreadPoolExecutor pbkdf2;
  private final AtomicLong verifications = new AtomicLong();
  private final int dummyIterations;

  public MemberAuthenticator(List<GatewayConfig.Member> members) {
    this(members, new GatewayLimits(), Clock.systemUTC());
  }

  public MemberAuthenticator(
      List<GatewayConfig.Member> members, GatewayLimits limits, Clock clock) {
    this.members = members.stream().collect(Collectors.toUnmodifiableMap(m -> m.name, m -> m));
    Set<Integer> counts = new TreeSet<>();
    for (GatewayConfig.Member m : members) {
      counts.add(PasswordHash.iterations(m.passwordHash));
    }
    int iterations =
        counts.isEmpty() ? PasswordHash.DEFAULT_ITERATIONS : ((TreeSet<Integer>) counts).last();
    if (counts.size() > 1) {
      LOG.warn(
          "members' password hashes use different PBKDF2 iteration counts {}: a wrong password for"
              + " a member with fewer than {} takes less time than one for an unknown name, so"
              + " timing tells those names exist; hash every password with the same count"
              + " (signalbox gateway hash-password)",
          counts,
          iterations);
    }
    this.dummyIterations = iterations;
    this.dummyHash = PasswordHash.hash("not-a-member".toCharArray(), iterations);
    Duration window = Duration.ofSeconds(limits.failureWindowSeconds);
    this.verified =
        new VerifiedCredentials(
            limits.credentialCacheSize, Duration.ofSeconds(limits.credentialTtlSeconds), clock);
    this.byAddress =
        new FailureThrottle(limits.failuresPerAddress, window, limits.throttledKeys, clock);
    this.byUser = new FailureThrottle(limits.failuresPerUser, window, limits.throttledKeys, clock);
    this.pbkdf2 =
        new ThreadPoolExecutor(
            limits.verifyThreads,
            limits.verifyThreads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(limits.verifyQueue),
            r -> {
              Thread t = new Thread(r, "taxii-pbkdf2");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /** PBKDF2 iterations an unknown name costs (those of the members' hashes). */
  int dummyIterations() {
    return dummyIterations;
  }

  /** PBKDF2 computations run so far (for a member or the dummy of an unknown name). */
  public long verifications() {
    return verifications.get();
  }

  /** The member an {@code Authorization} header proves, or empty; a local caller, no address. */
  public Optional<Member> authenticate(String authorization) {
    return authenticate(authorization, "local") instanceof Accepted a
        ? Optional.of(a.member())
        : Optional.empty();
  }

  /**
   * @param client the client's address, the key of the per-address failure count
   */
  public Outcome authenticate(String authorization, String client) {
    String addressKey = "a:" + client;
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      // No credentials at all is how every client starts (a 401 asks for them): not a failure.
      return new Refused();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      byAddress.failed(addressKey);
      return new Refused();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      byAddress.failed(addressKey);
      return new Refused();
    }
    String name = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    GatewayConfig.Member m = members.get(name);
    ByteBuffer key = verified.keyOf(name, password);
    if (m != null && verified.contains(key, name)) {
      return accepted(m);
    }
    // Names are bounded in length so a stranger cannot fill the table with megabyte keys.
    String userKey = "u:" + (name.length() > 256 ? name.substring(0, 256) : name);
    long wait =
        Math.max(byAddress.retryAfterSeconds(addressKey), byUser.retryAfterSeconds(userKey));
    if (wait > 0) {
      return new Throttled(wait);
    }
    String stored = m != null ? m.passwordHash : dummyHash;
    boolean ok;
    try {
      Future<Boolean> check =
          pbkdf2.submit(
              () -> {
                verifications.incrementAndGet();
                return PasswordHash.verify(password.toCharArray(), stored);
              });
      ok = check.get() && m != null;
    } catch (RejectedExecutionException e) {
      return new Throttled(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Refused();
    } catch (ExecutionException e) {
      return new Refused();
    }
    if (!ok) {
      byAddress.failed(addressKey);
      byUser.failed(userKey);
      return new Refused();
    }
    byUser.succeeded(userKey);
    verified.put(key, name);
    return accepted(m);
  }

  private static Accepted accepted(GatewayConfig.Member m) {
    return new Accepted(new Member(m.name, Set.copyOf(m.audiences)));
  }

  @Override
  public void close() {
    pbkdf2.shutdownNow();
  }
}
