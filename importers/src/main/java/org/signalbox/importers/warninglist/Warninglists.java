package org.signalbox.importers.warninglist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.signalbox.importers.IndicatorBatch.Rejection;
import org.signalbox.schema.ObservableType;

/**
 * A set of MISP warninglists ({@code list.json} files: {@code name}, {@code type}, {@code
 * matching_attributes}, {@code list}), loaded from a directory tree such as the {@code lists/}
 * folder of the MISP warninglists repository.
 *
 * <pre>{@code
 * Warninglists w = Warninglists.load(Path.of("misp-warninglists"));
 * w.matching(ObservableType.IPV4, "8.8.8.8");  // [List of known IPv4 public DNS resolvers]
 * }</pre>
 */
public final class Warninglists {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Warninglist> lists;
  private final List<Rejection> rejected;

  private Warninglists(List<Warninglist> lists, List<Rejection> rejected) {
    this.lists = List.copyOf(lists);
    this.rejected = List.copyOf(rejected);
  }

  /** Every {@code *.json} below {@code dir}; a file that is not a usable list is rejected. */
  public static Warninglists load(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    List<Warninglist> lists = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    for (Path f : files) {
      try {
        Warninglist w = parse(JSON.readTree(f.toFile()));
        lists.add(w);
        for (String entry : w.rejectedEntries()) {
          rejected.add(new Rejection(f.toString(), "entry skipped: " + entry));
        }
      } catch (IOException | IllegalArgumentException e) {
        rejected.add(new Rejection(f.toString(), e.getMessage()));
      }
    }
    return new Warninglists(lists, rejected);
  }

  /** One list from its JSON. @throws IllegalArgumentException naming what is wrong */
  public static Warninglist parse(JsonNode n) {
    String name = n.path("name").asText("");
    if (name.isBlank()) {
      throw new IllegalArgumentException("warninglist has no name");
    }
    String type = n.path("type").asText("string");
    Warninglist.Kind kind;
    try {
      kind = Warninglist.Kind.valueOf(type.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "warninglist '"
              + name
              + "' has type '"
              + type
              + "'; expected string, hostname, cidr, substring or regex");
    }
    if (!n.path("list").isArray()) {
      throw new IllegalArgumentException("warninglist '" + name + "' has no list array");
    }
    List<String> entries = new ArrayList<>();
    n.path("list").forEach(e -> entries.add(e.asText()));
    Set<ObservableType> types = EnumSet.noneOf(ObservableType.class);
    if (n.path("matching_attributes").isArray() && n.path("matching_attributes").size() > 0) {
      n.path("matching_attributes").forEach(a -> types.addAll(typesOf(a.asText())));
    } else {
      types.addAll(EnumSet.allOf(ObservableType.class));
    }
    if (kind == Warninglist.Kind.CIDR) {
      types.retainAll(EnumSet.of(ObservableType.IPV4, ObservableType.IPV6));
    } else if (kind == Warninglist.Kind.HOSTNAME) {
      types.retainAll(EnumSet.of(ObservableType.DOMAIN, ObservableType.URL, ObservableType.EMAIL));
    }
    return new Warninglist(name, kind, types, entries);
  }

  /** MISP attribute types to the observable types whose values they hold. */
  static Set<ObservableType> typesOf(String attribute) {
    switch (attribute) {
      case "ip-src":
      case "ip-dst":
      case "ip-src|port":
      case "ip-dst|port":
        return EnumSet.of(ObservableType.IPV4, ObservableType.IPV6);
      case "domain|ip":
        return EnumSet.of(ObservableType.DOMAIN, ObservableType.IPV4, ObservableType.IPV6);
      case "domain":
      case "hostname":
        return EnumSet.of(ObservableType.DOMAIN);
      case "url":
      case "uri":
      case "link":
        return EnumSet.of(ObservableType.URL);
      case "email":
      case "email-src":
      case "email-dst":
        return EnumSet.of(ObservableType.EMAIL);
      case "md5":
      case "filename|md5":
        return EnumSet.of(ObservableType.MD5);
      case "sha1":
      case "filename|sha1":
        return EnumSet.of(ObservableType.SHA1);
      case "sha256":
      case "filename|sha256":
        return EnumSet.of(ObservableType.SHA256);
      case "sha512":
      case "filename|sha512":
        return EnumSet.of(ObservableType.SHA512);
      case "user-agent":
        return EnumSet.of(ObservableType.USER_AGENT);
      case "ja3-fingerprint-md5":
        return EnumSet.of(ObservableType.JA3);
      case "filename":
        return EnumSet.of(ObservableType.FILE_NAME);
      default:
        return EnumSet.noneOf(ObservableType.class);
    }
  }

  public List<Warninglist> lists() {
    return lists;
  }

  /** Files and entries that could not be used, with why. */
  public List<Rejection> rejected() {
    return rejected;
  }

  /** The lists that hold {@code value} (canonical form of {@code type}); empty if none. */
  public List<Warninglist> matching(ObservableType type, String value) {
    List<Warninglist> out = new ArrayList<>();
    for (Warninglist w : lists) {
      if (w.contains(type, value)) {
        out.add(w);
      }
    }
    return out;
  }

  /** True if any list holds the value. */
  public boolean isKnownBenign(ObservableType type, String value) {
    for (Warninglist w : lists) {
      if (w.contains(type, value)) {
        return true;
      }
    }
    return false;
  }
}
