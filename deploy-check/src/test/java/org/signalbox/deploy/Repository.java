package org.signalbox.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's files as the tests see them, and the manifests in deploy/kubernetes. */
final class Repository {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Repository() {}

  /** The repository's root (the build passes it; a run from the module's folder finds it too). */
  static Path root() {
    String given = System.getProperty("signalbox.root");
    Path root = given != null ? Path.of(given) : Path.of("..");
    return root.toAbsolutePath().normalize();
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }

  static Path kubernetes() {
    return file("deploy/kubernetes");
  }

  /** One document of a manifest file: where it is (file and position) and what it holds. */
  record Manifest(Path file, int index, JsonNode body) {
    String kind() {
      return body.path("kind").asText();
    }

    String name() {
      return body.at("/metadata/name").asText();
    }

    @Override
    public String toString() {
      return file.getFileName() + "#" + index + " (" + kind() + " " + name() + ")";
    }
  }

  /** Every document of every YAML file in deploy/kubernetes, in file order. */
  static List<Manifest> manifests() {
    try (Stream<Path> files = Files.list(kubernetes())) {
      List<Manifest> out = new ArrayList<>();
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        out.addAll(documents(f));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Manifest> manifests(String kind) {
    return manifests().stream().filter(m -> m.kind().equals(kind)).toList();
  }

  /** The documents of one YAML file (empty documents, e.g. a comment-only header, left out). */
  static List<Manifest> documents(Path file) {
    List<Manifest> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      int i = 0;
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isMissingNode() && !doc.isNull() && !doc.isEmpty()) {
          out.add(new Manifest(file, i, doc));
        }
        i++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  static String read(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
