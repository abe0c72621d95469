package org.signalbox.edge.anonymize;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms: HMAC-SHA-256 over a namespace and the value, so the same user or host always
 * gets the same pseudonym under one key and nobody without the key can reverse or test a guess.
 *
 * <p>The key id is part of the pseudonym ({@code pn-<keyId>-<hex>}): after a key rotation the new
 * pseudonyms visibly belong to a new epoch, so a consumer never silently joins values made under
 * different keys. A member rotates by adding a new key and making it current; old keys stay in the
 * policy only so that {@link #pseudonymUnder} can re-derive old pseudonyms when an analyst asks the
 * member about one.
 *
 * <p>Not thread-safe (it holds a {@link Mac}).
 */
public final class Pseudonymizer {
  /** Hex digits kept from the HMAC: 64 bits, ample against collisions within one member. */
  private static final int HEX_DIGITS = 16;

  private final String keyId;
  private final Mac mac;

  public Pseudonymizer(String keyId, byte[] key) {
    if (!keyId.matches("[A-Za-z0-9]{1,16}")) {
      throw new IllegalArgumentException(
          "pseudonym key id must be 1-16 letters or digits, got '" + keyId + "'");
    }
    if (key.length < 16) {
      throw new IllegalArgumentException("pseudonym key must have at least 16 bytes");
    }
    this.keyId = keyId;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("unusable pseudonym key", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  public String keyId() {
    return keyId;
  }

  /**
   * The pseudonym of {@code value} in {@code namespace} (e.g. "user", "host"): a value that is a
   * user name in one place and a host name in another gets two unrelated pseudonyms.
   */
  public String pseudonym(String namespace, String value) {
    return "pn-" + keyId + "-" + digestHex(namespace, value).substring(0, HEX_DIGITS);
  }

  /** Full-length keyed digest, for event ids that must be stable but reveal nothing. */
  public String digestHex(String namespace, String value) {
    mac.update(namespace.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** The pseudonym a value had (or has) under another key; used to answer look-back questions. */
  public static String pseudonymUnder(String keyId, byte[] key, String namespace, String value) {
    return new Pseudonymizer(keyId, key).pseudonym(namespace, value);
  }
}
