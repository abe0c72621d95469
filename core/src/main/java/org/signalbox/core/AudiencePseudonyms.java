package org.signalbox.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms of members as STIX identity ids, one namespace per audience: the same member
 * gets a different identity id in every audience, so two audiences cannot join their feeds on it,
 * and nobody without the key can tell which member is behind an id.
 */
public final class AudiencePseudonyms {
  private final byte[] key;

  public AudiencePseudonyms(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("the pseudonym key needs at least 16 bytes");
    }
    this.key = key.clone();
  }

  /** {@code identity--<uuid>}, stable for the same key, audience and member. */
  public String identityId(String audience, String member) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] h = mac.doFinal((audience + '\n' + member).getBytes(StandardCharsets.UTF_8));
      // Shape the first 16 bytes as an RFC 4122 version 4 UUID (random-looking, which it is).
      h[6] = (byte) ((h[6] & 0x0f) | 0x40);
      h[8] = (byte) ((h[8] & 0x3f) | 0x80);
      long msb = 0;
      long lsb = 0;
      for (int i = 0; i < 8; i++) {
        msb = (msb << 8) | (h[i] & 0xff);
        lsb = (lsb << 8) | (h[8 + i] & 0xff);
      }
      return "identity--" + new UUID(msb, lsb);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
