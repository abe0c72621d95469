package org.signalbox.stix.export;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.regex.Pattern;

/** STIX 2.1 identifiers and timestamps as Signalbox writes them. */
public final class StixIds {
  private StixIds() {}

  /**
   * Namespace of Signalbox's name-based (version 5) UUIDs. Deriving ids from names makes an export
   * repeatable: the same sighting or member exported twice gets the same STIX id, so consumers
   * update instead of duplicating.
   */
  public static final UUID NAMESPACE = UUID.fromString("716b529d-b1e0-4907-90e3-fca3ad60bea9");

  /** The identifier form of the OASIS STIX 2.1 JSON schemas (RFC 4122 UUID, version 1 to 5). */
  public static final Pattern IDENTIFIER =
      Pattern.compile(
          "^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}"
              + "-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$");

  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** {@code type--<UUIDv5 of name>}. */
  public static String nameBased(String type, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
    ByteBuffer ns = ByteBuffer.allocate(16);
    ns.putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
    sha1.update(ns.array());
    byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return type + "--" + new UUID(b.getLong(), b.getLong());
  }

  /** True if {@code id} is a valid identifier of an object of {@code type}. */
  public static boolean isIdOf(String type, String id) {
    return id != null && id.startsWith(type + "--") && IDENTIFIER.matcher(id).matches();
  }

  /** RFC 3339 in UTC with exactly three fractional digits, as STIX asks for created/modified. */
  public static String timestamp(Instant t) {
    return MILLIS.format(t);
  }
}
