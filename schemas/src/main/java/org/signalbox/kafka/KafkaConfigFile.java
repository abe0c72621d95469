package org.signalbox.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kafka client properties file ({@code --kafka-config FILE}, {@code kafka.config-file}): the
 * settings Kafka's own tools take with {@code --command-config}, passed through untouched to every
 * client built from it.
 *
 * <p>The rule for secrets: a file that holds a password (a {@code sasl.jaas.config} with a {@code
 * password=} in it, any {@code *.password}, {@code *.secret} or an inline {@code ssl.keystore.key})
 * must be readable by its owner only; one that group or others may read or change is refused with
 * the {@code chmod} that fixes it. A file whose secrets are all references to a Kafka config
 * provider ({@code password="${env:KAFKA_PASSWORD}"} with {@code config.providers=env}) holds no
 * secret and may be shared: the reference is resolved by each client in its own process, from its
 * own environment. References to an {@code EnvVarConfigProvider} are checked when the file is read,
 * so a variable that is not set is named now instead of failing a login later.
 */
public final class KafkaConfigFile {
  private KafkaConfigFile() {}

  /** The Kafka class that resolves {@code ${<alias>:NAME}} from the environment. */
  static final String ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

  private static final Set<PosixFilePermission> NOT_OWNER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  /** {@code ${provider:key}} or {@code ${provider:path:key}}, Kafka's config-provider syntax. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}:]+):(?:([^}]*):)?([^}]*)}");

  /** A password or secret option inside a JAAS line, after references have been removed. */
  private static final Pattern JAAS_SECRET =
      Pattern.compile("(?i)\\b\\w*(password|secret)\\w*\\s*=\\s*(\"[^\"]+\"|[^\\s\";]+)");

  /**
   * Reads the file.
   *
   * @param option how the user named the file, for messages, e.g. {@code --kafka-config}
   * @return its properties, in file order
   * @throws IllegalArgumentException when the file is missing or unreadable, holds a secret and can
   *     be read by others (the message says {@code chmod 600 FILE}), or names an environment
   *     variable that is not set
   */
  public static Map<String, String> read(Path file, String option) {
    return read(file, option, System::getenv);
  }

  static Map<String, String> read(Path file, String option, Function<String, String> environment) {
    Properties loaded = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      loaded.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + ": no such file: " + file);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          option + ": may not read " + file + " (permission denied)");
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option + ": cannot read " + file + " as Kafka client properties: " + e.getMessage());
    }
    Map<String, String> settings = new TreeMap<>();
    loaded
        .stringPropertyNames()
        .forEach(k -> settings.put(k.strip(), loaded.getProperty(k).strip()));
    List<String> secrets = secretKeys(settings);
    Optional<String> exposed = exposure(file, secrets);
    if (exposed.isPresent()) {
      throw new IllegalArgumentException(option + ": " + exposed.get());
    }
    List<String> unset = unsetVariables(settings, environment);
    if (!unset.isEmpty()) {
      throw new IllegalArgumentException(
          option
              + ": "
              + file
              + " refers to "
              + (unset.size() == 1
                  ? "an environment variable that is"
                  : "environment variables that are")
              + " not set: "
              + String.join(", ", unset));
    }
    return new LinkedHashMap<>(settings);
  }

  /**
   * The keys whose values hold a secret written out (not a config-provider reference), in key
   * order.
   */
  public static List<String> secretKeys(Map<String, String> settings) {
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
      if (holdsSecret(e.getKey(), e.getValue())) {
        keys.add(e.getKey());
      }
    }
    return keys;
  }

  /** Whether {@code key=value} carries a secret in clear: what a file readable by others leaks. */
  static boolean holdsSecret(String key, String value) {
    if (value == null) {
      return false;
    }
    String literal = REFERENCE.matcher(value).replaceAll("").strip();
    String k = key.toLowerCase(java.util.Locale.ROOT);
    if (k.endsWith("sasl.jaas.config")) {
      return JAAS_SECRET.matcher(literal).find();
    }
    if (isSecretKey(k)) {
      return !literal.isEmpty();
    }
    return false;
  }

  /** Keys Kafka treats as passwords, and this project's rule adds {@code *.secret}. */
  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.endsWith("sasl.jaas.config")
        || k.endsWith(".password")
        || k.endsWith(".secret")
        || k.endsWith("ssl.keystore.key");
  }

  /**
   * Why {@code file} may not hold {@code secretKeys}: it can be read or changed by group or others.
   * Empty when it holds no secret, is the owner's only, or the file system has no POSIX permissions
   * (there an ACL decides, which this check cannot read).
   */
  static Optional<String> exposure(Path file, List<String> secretKeys) {
    if (secretKeys.isEmpty()) {
      return Optional.empty();
    }
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return Optional.empty();
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = view.readAttributes().permissions();
    } catch (IOException e) {
      return Optional.of("cannot read the permissions of " + file + ": " + e.getMessage());
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(permissions);
    open.retainAll(NOT_OWNER);
    if (open.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        file
            + " holds a password ("
            + String.join(", ", secretKeys)
            + ") and can be "
            + who(open)
            + " (mode "
            + PosixFilePermissions.toString(permissions)
            + "). Make it readable by its owner only: chmod 600 "
            + file
            + " (or put the password in an environment variable and refer to it, see the README:"
            + " Kafka client configuration).");
  }

  private static String who(Set<PosixFilePermission> open) {
    boolean read =
        open.contains(PosixFilePermission.GROUP_READ)
            || open.contains(PosixFilePermission.OTHERS_READ);
    boolean write =
        open.contains(PosixFilePermission.GROUP_WRITE)
            || open.contains(PosixFilePermission.OTHERS_WRITE);
    boolean group =
        open.contains(PosixFilePermission.GROUP_READ)
            || open.contains(PosixFilePermission.GROUP_WRITE);
    boolean others =
        open.contains(PosixFilePermission.OTHERS_READ)
            || open.contains(PosixFilePermission.OTHERS_WRITE);
    String verb = read && write ? "read and changed" : read ? "read" : "changed";
    String by = group && others ? "its group and others" : group ? "its group" : "others";
    return verb + " by " + by;
  }

  /**
   * Environment variables the settings refer to through an {@link #ENV_PROVIDER} alias of {@code
   * config.providers} that {@code environment} does not have.
   */
  static List<String> unsetVariables(
      Map<String, String> settings, Function<String, String> environment) {
    String providers = settings.get("config.providers");
    if (providers == null || providers.isBlank()) {
      return List.of();
    }
    List<String> envAliases = new ArrayList<>();
    for (String alias : providers.split(",")) {
      String a = alias.strip();
      if (ENV_PROVIDER.equals(settings.get("config.providers." + a + ".class"))) {
        envAliases.add(a);
      }
    }
    List<String> unset = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
      Matcher m = REFERENCE.matcher(e.getValue());
      while (m.find()) {
        String name = m.group(3);
        if (envAliases.contains(m.group(1))
            && environment.apply(name) == null
            && !unset.contains(name)) {
          unset.add(name);
        }
      }
    }
    return unset;
  }
}
