package org.signalbox.stix.export;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** STIX and TAXII timestamps: RFC 3339 in UTC with a 'Z'. */
public final class StixTime {
  private StixTime() {}

  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** STIX object timestamps: millisecond precision, as the records carry. */
  public static String format(Instant t) {
    return MILLIS.format(t);
  }

  /**
   * TAXII date_added: microseconds, so that the strictly increasing dates the store hands out stay
   * distinct when printed, which the added_after paging of clients depends on.
   */
  public static String formatDateAdded(Instant t) {
    return MICROS.format(t.truncatedTo(ChronoUnit.MICROS));
  }

  /** An RFC 3339 timestamp with any offset; empty when it is not one. */
  public static Optional<Instant> parse(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
