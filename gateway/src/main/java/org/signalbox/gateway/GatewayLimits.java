package org.signalbox.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a stranger on the network can make the gateway spend, bounded (the config file's {@code
 * limits:} section; every key is optional). Each limit that a request hits is answered with the
 * status that names it (413, 414, 429, 431) and counted in {@code signalbox_gateway_requests} by
 * that status; limits on connections close the connection, since there is no request to answer.
 *
 * <p>Four resources are guarded separately. <b>Connections</b>: at most {@link #maxConnections} in
 * all (past it the server stops accepting) and {@link #maxConnectionsPerAddress} from one client
 * address (past it the new one is closed at once, before TLS); a connection that has not sent a
 * complete request head within {@link #headerTimeoutSeconds} of opening or of starting one is
 * closed, which covers slow TLS handshakes and dribbled headers alike. <b>HTTP threads</b>: Jetty
 * reads and parses without holding a thread between reads, so a slow client costs a connection, not
 * a thread; the threads that answer are bounded, and the work waiting for them is bounded by the
 * connection limit (an HTTP/1.1 connection has one request in flight at a time). <b>PBKDF2</b>:
 * each password check costs a core for its iterations by design; it runs on its own small pool with
 * a short queue, so a storm of wrong passwords cannot occupy the HTTP threads or the CPU beyond
 * that pool, and a member that polls is recognised by a cache of verified credentials without
 * PBKDF2. <b>Guesses</b>: failed logins are counted per client address and per claimed user name;
 * past the limit the answer is 429 with {@code Retry-After} and no PBKDF2 runs, the same for a
 * known and an unknown name. An authenticated member may make {@link #requestsPerUserPerSecond}
 * requests a second (a bucket of that many), then 429.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class GatewayLimits {

  /** Threads that answer requests. */
  @JsonProperty public int httpThreads = 16;

  /** Threads that run PBKDF2 (a small number: each check keeps one core busy). */
  @JsonProperty public int verifyThreads = 2;

  /** Password checks waiting for a PBKDF2 thread; beyond it the request gets 429. */
  @JsonProperty public int verifyQueue = 8;

  /** Failed logins per client address within {@link #failureWindowSeconds}, then 429. */
  @JsonProperty public int failuresPerAddress = 10;

  /**
   * Failed logins per claimed user name within the window, then 429 for that name from any address.
   * Higher than per address: it is what stops a guesser who spreads over many addresses, and it
   * lets a guesser lock a member out only for the window, while a member whose credential is in the
   * cache of verified ones is not affected at all.
   */
  @JsonProperty public int failuresPerUser = 30;

  @JsonProperty public int failureWindowSeconds = 60;

  /** Addresses and names whose failures are remembered (least recently seen forgotten first). */
  @JsonProperty public int throttledKeys = 100_000;

  /** Verified credentials remembered (as keyed hashes), so polling costs no PBKDF2. */
  @JsonProperty public int credentialCacheSize = 1024;

  @JsonProperty public int credentialTtlSeconds = 300;

  /**
   * Most time from a connection's opening (TLS handshake included) or from the first byte of a
   * request to the end of that request's headers; a slower client is disconnected.
   */
  @JsonProperty public int headerTimeoutSeconds = 10;

  /** A connection with no traffic either way for this long is closed (kept-alive or stalled). */
  @JsonProperty public int idleTimeoutSeconds = 30;

  /** Open connections at most; past it the server accepts no more until one closes. */
  @JsonProperty public int maxConnections = 512;

  /** Open connections from one client address at most; past it a new one is closed at once. */
  @JsonProperty public int maxConnectionsPerAddress = 32;

  /** Request headers accepted at most (then 431). */
  @JsonProperty public int maxRequestHeaders = 64;

  /**
   * Bytes of the request line and headers together at most: a longer request line is answered 414,
   * longer headers 431 (Jetty's {@code requestHeaderSize}).
   */
  @JsonProperty public int maxHeaderBytes = 8192;

  /** Bytes of the raw (still percent-encoded) query string at most, then 414. */
  @JsonProperty public int maxQueryBytes = 2048;

  /**
   * Bytes of a request body at most, then 413. The server accepts no writes, so no request needs a
   * body; a small one is read and dropped rather than refused, for clients that send one anyway.
   */
  @JsonProperty public int maxRequestBodyBytes = 1024;

  /** Requests per second one authenticated member may make (a bucket of that many), then 429. */
  @JsonProperty public int requestsPerUserPerSecond = 20;

  void validate() {
    positive(httpThreads, "httpThreads");
    positive(verifyThreads, "verifyThreads");
    positive(verifyQueue, "verifyQueue");
    positive(failuresPerAddress, "failuresPerAddress");
    positive(failuresPerUser, "failuresPerUser");
    positive(failureWindowSeconds, "failureWindowSeconds");
    positive(throttledKeys, "throttledKeys");
    positive(credentialCacheSize, "credentialCacheSize");
    positive(credentialTtlSeconds, "credentialTtlSeconds");
    positive(headerTimeoutSeconds, "headerTimeoutSeconds");
    positive(idleTimeoutSeconds, "idleTimeoutSeconds");
    positive(maxConnections, "maxConnections");
    positive(maxConnectionsPerAddress, "maxConnectionsPerAddress");
    positive(maxRequestHeaders, "maxRequestHeaders");
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException(
          "limits.maxHeaderBytes must be at least 1024, got " + maxHeaderBytes);
    }
    positive(maxQueryBytes, "maxQueryBytes");
    if (maxRequestBodyBytes < 0) {
      throw new IllegalArgumentException(
          "limits.maxRequestBodyBytes must be at least 0, got " + maxRequestBodyBytes);
    }
    positive(requestsPerUserPerSecond, "requestsPerUserPerSecond");
  }

  private static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException("limits." + name + " must be at least 1, got " + value);
    }
  }
}
