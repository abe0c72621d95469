package org.signalbox.stix.export;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.signalbox.core.DeterministicIds;

/** STIX 2.1 identifiers and timestamps as Signalbox writes them. */
public final class StixIds {
  private StixIds() {}

  /** The identifier form of the OASIS STIX 2.1 JSON schemas (RFC 4122 UUID, version 1 to 5). */
  public static final Pattern IDENTIFIER =
      Pattern.compile(
          "^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}"
              + "-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$");

  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** {@code type--<UUIDv5 of name>}: {@link DeterministicIds#of}. */
  public static String nameBased(String type, String name) {
    return DeterministicIds.of(type, name);
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
