package org.signalbox.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Credentials that passed PBKDF2 recently, so that a polling client costs one HMAC per request
 * rather than a full PBKDF2. The key is an HMAC-SHA256 of user and password under a random key of
 * this process: neither the password nor an unkeyed hash of it (which a dictionary would invert) is
 * held. Bounded in size (least recently used out) and in time ({@code ttl}, after which the
 * password is checked again: a password changed in the config takes effect at the next restart and
 * a leaked entry is useless after the TTL and outside this process).
 */
final class VerifiedCredentials {

  private record Entry(String member, Instant expires) {}

  private final byte[] processKey = new byte[32];
  private final Duration ttl;
  private final Clock clock;
  private final Map<ByteBuffer, Entry> entries;

  VerifiedCredentials(int maxEntries, Duration ttl, Clock clock) {
    new SecureRandom().nextBytes(processKey);
    this.ttl = ttl;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /** The opaque key of a user and password; the only form in which they are kept. */
  ByteBuffer keyOf(String user, String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(processKey, "HmacSHA256"));
      mac.update(user.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return ByteBuffer.wrap(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** Whether this key was verified for {@code member} within the TTL. */
  synchronized boolean contains(ByteBuffer key, String member) {
    Entry e = entries.get(key);
    if (e == null) {
      return false;
    }
    if (!clock.instant().isBefore(e.expires())) {
      entries.remove(key);
      return false;
    }
    return e.member().equals(member);
  }

  synchronized void put(ByteBuffer key, String member) {
    entries.put(key, new Entry(member, clock.instant().plus(ttl)));
  }

  synchronized int size() {
    return entries.size();
  }
}
