package org.signalbox.gateway;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Member passwords as salted PBKDF2-HMAC-SHA256 hashes, in the text form {@code
 * pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>} that the gateway's config file holds.
 */
public final class PasswordHash {
  private PasswordHash() {}

  static final String SCHEME = "pbkdf2-sha256";

  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
  public static final int DEFAULT_ITERATIONS = 600_000;

  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  public static String hash(char[] password) {
    return hash(password, DEFAULT_ITERATIONS);
  }

  public static String hash(char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME
        + '$'
        + iterations
        + '$'
        + b64.encodeToString(salt)
        + '$'
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether {@code stored} is well formed; the message says what is wrong. */
  static void checkFormat(String stored) {
    String[] p = stored.split("\\$", -1);
    if (p.length != 4 || !p[0].equals(SCHEME)) {
      throw new IllegalArgumentException(
          "a password hash has the form " + SCHEME + "$<iterations>$<salt>$<hash>");
    }
    try {
      if (Integer.parseInt(p[1]) < 10_000) {
        throw new IllegalArgumentException("a password hash needs at least 10000 iterations");
      }
      Base64.getDecoder().decode(p[2]);
      Base64.getDecoder().decode(p[3]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the iteration count of a password hash is not a number");
    }
  }

  /** The iteration count of a well-formed stored hash ({@link #checkFormat}). */
  static int iterations(String stored) {
    return Integer.parseInt(stored.split("\\$", -1)[1]);
  }

  /** Constant-time comparison of the derived key; false for a malformed stored hash. */
  public static boolean verify(char[] password, String stored) {
    String[] p = stored.split("\\$", -1);
    if (p.length != 4 || !p[0].equals(SCHEME)) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(p[1]);
      byte[] salt = Base64.getDecoder().decode(p[2]);
      byte[] expected = Base64.getDecoder().decode(p[3]);
      return MessageDigest.isEqual(expected, derive(password, salt, iterations));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      KeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
