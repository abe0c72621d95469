package org.signalbox.cli.secure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** Random passwords and files only their owner may read. */
final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private Secrets() {}

  /**
   * 32 letters and digits (about 190 bits): nothing a JAAS line, a properties file or the
   * StorageTool's {@code --add-scram} syntax would need to escape.
   */
  static String password() {
    StringBuilder b = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /** Creates the file if missing and makes it readable and writable by its owner only. */
  static void ownerOnly(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
      if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict the permissions of " + file, e);
    }
  }

  /** Writes text to a file that is owner-only before the text is in it. */
  static void writeOwnerOnly(Path file, String text) {
    ownerOnly(file);
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
