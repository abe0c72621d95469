package org.signalbox.importers.misp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.signalbox.importers.IndicatorBatch;
import org.signalbox.importers.IndicatorBatch.Rejection;

/**
 * Reads a MISP feed: {@code manifest.json} (event uuid to event summary) and one {@code
 * <uuid>.json} per event beside it. An event file that is missing or unreadable is rejected by its
 * uuid and the rest of the feed still imports.
 */
public final class MispFeedReader {

  /** Opens a file of the feed by its name relative to the feed ({@code manifest.json}, ...). */
  @FunctionalInterface
  public interface FeedFiles {
    InputStream open(String name) throws IOException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  // Names come from the manifest, which is remote input: only uuids become file names.
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final MispEventReader events;

  public MispFeedReader(MispEventReader events) {
    this.events = events;
  }

  /**
   * @throws IOException if the manifest cannot be read
   */
  public IndicatorBatch read(FeedFiles feed) throws IOException {
    JsonNode manifest;
    try (InputStream in = feed.open("manifest.json")) {
      manifest = JSON.readTree(in);
    }
    if (manifest == null || !manifest.isObject()) {
      throw new IOException("manifest.json is not a JSON object of event uuids");
    }
    IndicatorBatch out = new IndicatorBatch(List.of(), List.of());
    List<Rejection> rejected = new ArrayList<>();
    for (Iterator<String> it = manifest.fieldNames(); it.hasNext(); ) {
      String uuid = it.next();
      if (!UUID.matcher(uuid).matches()) {
        rejected.add(new Rejection("manifest.json", "'" + uuid + "' is not an event uuid"));
        continue;
      }
      try (InputStream in = feed.open(uuid + ".json")) {
        out = out.plus(events.read(in));
      } catch (IOException e) {
        rejected.add(new Rejection(uuid + ".json", "event file unreadable: " + e.getMessage()));
      }
    }
    return out.plus(new IndicatorBatch(List.of(), rejected));
  }
}
