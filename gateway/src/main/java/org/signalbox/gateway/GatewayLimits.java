package org.signalbox.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a stranger on the network can make the gateway spend, bounded (the config file's {@code
 * limits:} section; every key is optional).
 *
 * <p>Three resources are guarded separately. <b>HTTP threads</b>: the JDK server reads a request's
 * line and headers on the executor's thread, so a client that dribbles headers holds a thread;
 * {@link #headerTimeoutSeconds} closes it, and the executor is bounded with a queue, beyond which
 * new connections are reset rather than queued without end. <b>PBKDF2</b>: each password check
 * costs hundreds of milliseconds of CPU by design; it runs on its own small pool with a short
 * queue, so a storm of wrong passwords cannot occupy the HTTP threads or the CPU beyond that pool,
 * and a full queue answers 429 at once. <b>Guesses</b>: failed logins are counted per client
 * address and per claimed user name; past the limit the answer is 429 with {@code Retry-After} and
 * no PBKDF2 runs, the same for a known and an unknown name.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class GatewayLimits {

  /** Threads that read requests and answer them. */
  @JsonProperty public int httpThreads = 16;

  /** Accepted connections waiting for an HTTP thread; beyond it a new connection is reset. */
  @JsonProperty public int httpQueue = 64;

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
   * Most time to read a request line and headers ({@code sun.net.httpserver.maxReqTime}); a slower
   * client is disconnected.
   */
  @JsonProperty public int headerTimeoutSeconds = 10;

  /** Most time to send a response ({@code sun.net.httpserver.maxRspTime}). */
  @JsonProperty public int responseTimeoutSeconds = 60;

  /** A kept-alive connection idle this long is closed ({@code sun.net.httpserver.idleInterval}). */
  @JsonProperty public int idleTimeoutSeconds = 30;

  /** Idle kept-alive connections held at most ({@code sun.net.httpserver.maxIdleConnections}). */
  @JsonProperty public int maxIdleConnections = 64;

  /** Request headers accepted at most ({@code sun.net.httpserver.maxReqHeaders}). */
  @JsonProperty public int maxRequestHeaders = 64;

  void validate() {
    positive(httpThreads, "httpThreads");
    positive(httpQueue, "httpQueue");
    positive(verifyThreads, "verifyThreads");
    positive(verifyQueue, "verifyQueue");
    positive(failuresPerAddress, "failuresPerAddress");
    positive(failuresPerUser, "failuresPerUser");
    positive(failureWindowSeconds, "failureWindowSeconds");
    positive(throttledKeys, "throttledKeys");
    positive(credentialCacheSize, "credentialCacheSize");
    positive(credentialTtlSeconds, "credentialTtlSeconds");
    positive(headerTimeoutSeconds, "headerTimeoutSeconds");
    positive(responseTimeoutSeconds, "responseTimeoutSeconds");
    positive(idleTimeoutSeconds, "idleTimeoutSeconds");
    positive(maxIdleConnections, "maxIdleConnections");
    positive(maxRequestHeaders, "maxRequestHeaders");
  }

  private static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException("limits." + name + " must be at least 1, got " + value);
    }
  }
}
