package org.signalbox.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The one way Signalbox derives an id from a name: an RFC 4122 version 5 (SHA-1, name-based) UUID
 * in Signalbox's own namespace. The same name always gives the same id, in every module and every
 * output, so a record exported twice, or served over TAXII and exported as a bundle, keeps one id
 * and consumers update it instead of duplicating it.
 *
 * <p>Used for indicator ids of feeds that have none, sighting ids, STIX object ids of records that
 * are not STIX ids already, bundle ids and TAXII collection ids. Keyed pseudonyms, which must not
 * be derivable from the name alone, are {@link AudiencePseudonyms}.
 */
public final class DeterministicIds {
  private DeterministicIds() {}

  /** Signalbox's namespace for name-based UUIDs. */
  public static final UUID NAMESPACE = UUID.fromString("716b529d-b1e0-4907-90e3-fca3ad60bea9");

  private static final byte[] NAMESPACE_BYTES =
      ByteBuffer.allocate(16)
          .putLong(NAMESPACE.getMostSignificantBits())
          .putLong(NAMESPACE.getLeastSignificantBits())
          .array();

  /** The version 5 UUID of {@code name} in {@link #NAMESPACE}. */
  public static UUID uuid(String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
    sha1.update(NAMESPACE_BYTES);
    byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }

  /** {@code type--<uuid(name)>}, the form of STIX identifiers. */
  public static String of(String type, String name) {
    return type + "--" + uuid(name);
  }
}
