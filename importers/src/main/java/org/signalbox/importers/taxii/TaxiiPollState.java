package org.signalbox.importers.taxii;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each polled TAXII collection left off: the last {@code X-TAXII-Date-Added-Last} per objects
 * URL, so the next poll asks only for newer objects.
 *
 * <pre>{@code
 * {"collections": {"https://taxii.example/api1/collections/91a7.../objects/":
 *     {"addedAfter": "2026-11-23T10:00:00.123Z", "polledAt": "2026-11-23T10:05:00Z"}}}
 * }</pre>
 *
 * A file that exists but cannot be read is an error rather than a fresh start: silently starting
 * over would re-import a whole collection. Saving writes a temporary file and moves it into place,
 * so a crash leaves the old state, never half a file.
 */
public final class TaxiiPollState {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private record Entry(String addedAfter, String polledAt) {}

  private final Path file;
  private final Map<String, Entry> collections = new TreeMap<>();

  private TaxiiPollState(Path file) {
    this.file = file;
  }

  /** Reads {@code file}, or starts empty if it does not exist. */
  public static TaxiiPollState load(Path file) throws IOException {
    TaxiiPollState state = new TaxiiPollState(file);
    if (!Files.exists(file)) {
      return state;
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(
          "TAXII state file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode cs = root == null ? null : root.get("collections");
    if (cs == null || !cs.isObject()) {
      throw new IOException("TAXII state file " + file + " has no \"collections\" object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = cs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String after = e.getValue().path("addedAfter").asText("");
      try {
        Instant.parse(after);
      } catch (RuntimeException bad) {
        throw new IOException(
            "TAXII state file "
                + file
                + ": collection "
                + e.getKey()
                + " has no valid addedAfter timestamp ('"
                + after
                + "')");
      }
      state.collections.put(
          e.getKey(), new Entry(after, e.getValue().path("polledAt").asText(null)));
    }
    return state;
  }

  /** The added_after to send for {@code objectsUrl}, if it was polled before. */
  public Optional<String> addedAfter(String objectsUrl) {
    return Optional.ofNullable(collections.get(objectsUrl)).map(Entry::addedAfter);
  }

  /** Records a finished poll; takes effect on disk with {@link #save()}. */
  public void update(String objectsUrl, String dateAddedLast, Instant polledAt) {
    collections.put(objectsUrl, new Entry(dateAddedLast, polledAt.toString()));
  }

  public void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode cs = root.putObject("collections");
    collections.forEach(
        (url, e) -> {
          ObjectNode o = cs.putObject(url);
          o.put("addedAfter", e.addedAfter());
          if (e.polledAt() != null) {
            o.put("polledAt", e.polledAt());
          }
        });
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
