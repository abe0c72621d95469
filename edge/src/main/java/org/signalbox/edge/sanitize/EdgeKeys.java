package org.signalbox.edge.sanitize;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import org.signalbox.edge.anonymize.CryptoPan;
import org.signalbox.edge.anonymize.Hex;
import org.signalbox.edge.anonymize.Pseudonymizer;

/**
 * The member's secrets, kept apart from the policy so the policy can be reviewed and shared while
 * the keys never leave the member:
 *
 * <pre>
 * cryptopan: 64 hex digits (32 bytes)
 * pseudonym:
 *   current: k2
 *   keys:
 *     k1: 64 hex digits   # retired, kept to answer questions about old pseudonyms
 *     k2: 64 hex digits
 * </pre>
 */
public final class EdgeKeys {
  public String cryptopan;
  public Pseudonym pseudonym = new Pseudonym();

  public static final class Pseudonym {
    public String current;
    public Map<String, String> keys = new LinkedHashMap<>();
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static EdgeKeys load(Path file) throws IOException {
    EdgeKeys k;
    try {
      k = YAML.readValue(file.toFile(), EdgeKeys.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      // The message must not echo key material.
      throw new IllegalArgumentException(
          "key file "
              + file
              + " is not in the expected form: "
              + e.getOriginalMessage().split("\n")[0]);
    }
    if (k == null) {
      throw new IllegalArgumentException("key file " + file + " is empty");
    }
    k.validate(file.toString());
    return k;
  }

  /** Fresh random keys. */
  public static EdgeKeys generate() {
    SecureRandom random = new SecureRandom();
    byte[] pan = new byte[32];
    byte[] pn = new byte[32];
    random.nextBytes(pan);
    random.nextBytes(pn);
    EdgeKeys k = new EdgeKeys();
    k.cryptopan = Hex.encode(pan);
    k.pseudonym.current = "k1";
    k.pseudonym.keys.put("k1", Hex.encode(pn));
    return k;
  }

  /** Loads the key file, or creates it (owner-only permissions) with fresh keys if absent. */
  public static EdgeKeys loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    EdgeKeys k = generate();
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, YAML.writeValueAsString(k));
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system; the directory's permissions are all we have.
    }
    return k;
  }

  /** Adds a new pseudonym key and makes it current; the old ones stay for look-back. */
  public String rotatePseudonymKey() {
    int n = pseudonym.keys.size() + 1;
    String id = "k" + n;
    while (pseudonym.keys.containsKey(id)) {
      id = "k" + (++n);
    }
    byte[] pn = new byte[32];
    new SecureRandom().nextBytes(pn);
    pseudonym.keys.put(id, Hex.encode(pn));
    pseudonym.current = id;
    return id;
  }

  public void save(Path file) throws IOException {
    Files.writeString(file, YAML.writeValueAsString(this));
  }

  void validate(String name) {
    if (cryptopan == null) {
      throw new IllegalArgumentException("key file " + name + " has no 'cryptopan' key");
    }
    if (Hex.decode(cryptopan).length != 32) {
      throw new IllegalArgumentException(
          "key file " + name + ": 'cryptopan' must be 32 bytes (64 hex digits)");
    }
    if (pseudonym.current == null || !pseudonym.keys.containsKey(pseudonym.current)) {
      throw new IllegalArgumentException(
          "key file " + name + ": pseudonym.current must name one of pseudonym.keys");
    }
    for (Map.Entry<String, String> e : pseudonym.keys.entrySet()) {
      new Pseudonymizer(e.getKey(), Hex.decode(e.getValue()));
    }
  }

  public CryptoPan newCryptoPan() {
    return new CryptoPan(Hex.decode(cryptopan));
  }

  public Pseudonymizer newPseudonymizer() {
    return new Pseudonymizer(pseudonym.current, Hex.decode(pseudonym.keys.get(pseudonym.current)));
  }
}
