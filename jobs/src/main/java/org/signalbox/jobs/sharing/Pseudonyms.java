package org.signalbox.jobs.sharing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms of members, one namespace per audience: HMAC-SHA-256 over "audience\nmember".
 * The same member has the same pseudonym in every record of one feed (so readers can see that two
 * alerts share a reporter) but unrelated pseudonyms in two feeds (so two feeds cannot be joined to
 * re-identify it). Rotating the key, with a new key id, changes every pseudonym at once; only the
 * secretariat, which holds the key, can map a pseudonym back.
 *
 * <p>Not thread-safe (Mac is stateful); one instance per task.
 */
public final class Pseudonyms {
  /** Short enough to read, long enough (64 bits) that collisions among members do not occur. */
  private static final int HEX_CHARS = 16;

  private final String keyId;
  private final Mac mac;

  public Pseudonyms(String keyId, byte[] key) {
    if (key == null || key.length < 16) {
      throw new IllegalArgumentException(
          "sharing.pseudonym-key must be at least 16 bytes; pseudonyms from a short key can be"
              + " brute-forced over the member list");
    }
    this.keyId = keyId;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
    }
  }

  public String keyId() {
    return keyId;
  }

  public String of(Audience audience, String member) {
    byte[] digest = mac.doFinal((audience + "\n" + member).getBytes(StandardCharsets.UTF_8));
    return "p-" + HexFormat.of().formatHex(digest).substring(0, HEX_CHARS);
  }
}
