package org.signalbox.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.signalbox.stix.export.StixTime;

/**
 * The objects of one TAXII collection, held in memory in the order they were added. A restart
 * rebuilds it from the Kafka topics (read from the beginning), so the dates added change on
 * restart; clients that page by {@code added_after} then see objects again, never miss one.
 *
 * <p>Dates added are strictly increasing (a microsecond apart at least), so {@code added_after}
 * with the last date a client saw never skips an object added in the same instant.
 */
public final class CollectionStore {

  /** One page of a query: the objects and whether more match. */
  public record Page(List<StoredObject> objects, boolean more) {}

  private final Clock clock;
  private final List<StoredObject> entries = new ArrayList<>();
  private final Set<String> versionKeys = new HashSet<>();
  private Instant lastAdded = Instant.EPOCH;

  public CollectionStore(Clock clock) {
    this.clock = clock;
  }

  /**
   * Adds a STIX object; a version of an id already held (a replayed record) is ignored.
   *
   * @return whether it was new
   */
  public synchronized boolean add(ObjectNode object) {
    String id = object.path("id").asText();
    String type = object.path("type").asText();
    Instant version = versionOf(object);
    if (!versionKeys.add(id + '|' + version)) {
      return false;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant added = now.isAfter(lastAdded) ? now : lastAdded.plus(1, ChronoUnit.MICROS);
    lastAdded = added;
    entries.add(new StoredObject(entries.size(), id, type, version, added, object));
    return true;
  }

  public synchronized int size() {
    return entries.size();
  }

  /** The objects matching the query's filters, one page from its {@code next} position. */
  public synchronized Page query(ObjectQuery q) {
    Map<String, Instant[]> firstLast =
        q.versionSelects.contains(ObjectQuery.VersionSelect.ALL)
            ? Map.of()
            : firstAndLastVersions(q);
    List<StoredObject> page = new ArrayList<>();
    boolean more = false;
    for (StoredObject o : entries) {
      if (o.position() <= q.after || !matches(o, q, firstLast)) {
        continue;
      }
      if (page.size() == q.limit) {
        more = true;
        break;
      }
      page.add(o);
    }
    return new Page(page, more);
  }

  private Map<String, Instant[]> firstAndLastVersions(ObjectQuery q) {
    Map<String, Instant[]> out = new HashMap<>();
    for (StoredObject o : entries) {
      if (!q.ids.isEmpty() && !q.ids.contains(o.id())) {
        continue;
      }
      out.merge(
          o.id(),
          new Instant[] {o.version(), o.version()},
          (a, b) ->
              new Instant[] {a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
    }
    return out;
  }

  private static boolean matches(StoredObject o, ObjectQuery q, Map<String, Instant[]> firstLast) {
    if (q.addedAfter.isPresent() && !o.dateAdded().isAfter(q.addedAfter.get())) {
      return false;
    }
    if (!q.ids.isEmpty() && !q.ids.contains(o.id())) {
      return false;
    }
    if (!q.types.isEmpty() && !q.types.contains(o.type())) {
      return false;
    }
    for (ObjectQuery.VersionSelect s : q.versionSelects) {
      switch (s) {
        case ALL:
          return true;
        case FIRST:
          if (o.version().equals(firstLast.get(o.id())[0])) {
            return true;
          }
          break;
        case LAST:
          if (o.version().equals(firstLast.get(o.id())[1])) {
            return true;
          }
          break;
        case AT:
          if (q.versions.contains(o.version())) {
            return true;
          }
          break;
        default:
          break;
      }
    }
    return false;
  }

  /** STIX: the version of an object is its 'modified', or 'created' when it has none. */
  static Instant versionOf(ObjectNode object) {
    String v = object.path("modified").asText(object.path("created").asText(""));
    return StixTime.parse(v)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "STIX object " + object.path("id").asText() + " has no created/modified"));
  }
}
