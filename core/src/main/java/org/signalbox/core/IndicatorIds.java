package org.signalbox.core;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The one rule for indicator ids, used by every importer and by the correlate job's decoder: an id
 * is {@code indicator--} followed by an RFC 4122 UUID (STIX 2.1 identifier, section 2.9), written
 * in lowercase hex {@code 8-4-4-4-12}, version 1 to 8 (RFC 9562, which keeps RFC 4122's 1 to 5 and
 * adds the time-ordered 6 and 7 that newer feeds write, and 8), variant {@code 10xx}.
 *
 * <p>Why strict: the id is the key of the compacted indicators topic and of the job's state, so two
 * spellings of one UUID would live as two indicators forever, and free text (a path, a name) in a
 * key ends up in file names, URLs and logs downstream. Lowercase is the canonical form; importers
 * may {@link #canonical canonicalize} an uppercase UUID from a feed, the decoder accepts only the
 * canonical form (it cannot rewrite a record's key).
 */
public final class IndicatorIds {
  /** The STIX type prefix of every indicator id. */
  public static final String PREFIX = "indicator--";

  private static final int LENGTH = PREFIX.length() + 36;

  private IndicatorIds() {}

  /**
   * Why {@code id} is not a valid indicator id, or empty if it is one (in canonical form). The
   * message quotes at most the first 80 characters of the id.
   */
  public static Optional<String> problem(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.of("indicator id is missing");
    }
    if (!id.startsWith(PREFIX)) {
      return Optional.of(
          "indicator id '" + cut(id) + "' does not start with '" + PREFIX + "' (" + FORM + ")");
    }
    if (id.length() != LENGTH) {
      return Optional.of(
          "indicator id '"
              + cut(id)
              + "' is not '"
              + PREFIX
              + "' and a 36-character UUID ("
              + FORM
              + ")");
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      int at = i - PREFIX.length();
      char c = id.charAt(i);
      boolean dash = at == 8 || at == 13 || at == 18 || at == 23;
      if (dash ? c != '-' : !isLowerHex(c)) {
        return Optional.of(
            "indicator id '"
                + cut(id)
                + "': character "
                + (i + 1)
                + " '"
                + c
                + "' is not "
                + (dash ? "'-'" : (isHex(c) ? "lowercase hex" : "hex"))
                + " ("
                + FORM
                + ")");
      }
    }
    char version = id.charAt(PREFIX.length() + 14);
    if (version < '1' || version > '8') {
      return Optional.of(
          "indicator id '" + id + "' has UUID version " + version + ", not 1 to 8 (RFC 9562)");
    }
    char variant = id.charAt(PREFIX.length() + 19);
    if ("89ab".indexOf(variant) < 0) {
      return Optional.of(
          "indicator id '"
              + id
              + "' has UUID variant digit "
              + variant
              + ", not 8, 9, a or b (RFC 4122)");
    }
    return Optional.empty();
  }

  /** True if {@code id} is a valid indicator id in canonical form. */
  public static boolean isValid(String id) {
    return problem(id).isEmpty();
  }

  /**
   * The canonical form of an id from a feed: the UUID lowercased (STIX allows uppercase hex), then
   * checked.
   *
   * @throws IllegalArgumentException with the {@link #problem} if it is still not valid
   */
  public static String canonical(String id) {
    String c =
        id != null && id.length() == LENGTH && id.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
            ? PREFIX + id.substring(PREFIX.length()).toLowerCase(Locale.ROOT)
            : id;
    Optional<String> p = problem(c);
    if (p.isPresent()) {
      throw new IllegalArgumentException(p.get());
    }
    return c;
  }

  /** {@code indicator--} and {@code uuid}, checked (e.g. a MISP attribute uuid). */
  public static String ofUuid(String uuid) {
    return canonical(PREFIX + (uuid == null ? "" : uuid));
  }

  /**
   * A deterministic id for a name ({@link DeterministicIds}): the same name always gives the same
   * id. For feeds whose items have no id of their own, and for test fixtures.
   */
  public static String named(String name) {
    return DeterministicIds.of("indicator", name);
  }

  /**
   * A valid id that spells a short name (at most 15 bytes of UTF-8) in its hex digits, version 4,
   * variant 8: {@code c2} gives {@code indicator--63320000-0000-4000-8000-000000000000}. Ids made
   * this way sort as their names do, which keeps fixtures that rely on "the lowest id wins"
   * readable.
   *
   * @throws IllegalArgumentException if the name is empty or longer than 15 bytes
   */
  public static String spelled(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    if (b.length == 0 || b.length > 15) {
      throw new IllegalArgumentException("name '" + name + "' must be 1 to 15 bytes");
    }
    StringBuilder hex = new StringBuilder(30);
    for (byte x : b) {
      hex.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    while (hex.length() < 30) {
      hex.append('0');
    }
    String h = hex.toString();
    return PREFIX
        + h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-4"
        + h.substring(12, 15)
        + "-8"
        + h.substring(15, 18)
        + "-"
        + h.substring(18, 30);
  }

  /** A version 4 id from two random longs (for generators that own their random source). */
  public static String random(long high, long low) {
    long msb = (high & ~0xF000L) | 0x4000L;
    long lsb = (low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return PREFIX + new UUID(msb, lsb);
  }

  private static final String FORM = "expected indicator--<RFC 4122 UUID>, lowercase";

  private static boolean isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  private static boolean isHex(char c) {
    return isLowerHex(c) || (c >= 'A' && c <= 'F');
  }

  private static String cut(String id) {
    return id.length() <= 80 ? id : id.substring(0, 80) + "...";
  }
}
