package org.signalbox.jobs.common;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.util.ParameterTool;

/**
 * The program arguments of a job's {@code main}: {@code --key value} pairs, the form {@code flink
 * run} and the REST API's {@code programArgsList} pass them in, read with Flink's {@link
 * ParameterTool} and checked against the job's own {@link ConfigOption}s (the lists the command
 * line's {@code --list-options} prints) and the Flink options a job may set for itself (pipeline,
 * execution, checkpointing, state backend, recovery, restart strategy, RocksDB).
 *
 * <p>An unknown key is refused rather than ignored: a misspelt {@code campaign.min-member} would
 * otherwise run the job with the default and nobody would notice. Keys under {@link
 * #KAFKA_PROPERTIES_PREFIX} pass through untouched: they are Kafka client settings (security,
 * timeouts) that no option list can enumerate.
 */
public final class JobArguments {
  private JobArguments() {}

  /** Keys with this prefix are Kafka client properties, passed through without a check. */
  public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

  /** Flink's own option classes whose keys a job may set in its program arguments. */
  private static final List<Class<?>> FLINK_OPTION_CLASSES =
      List.of(
          PipelineOptions.class,
          ExecutionOptions.class,
          CheckpointingOptions.class,
          StateBackendOptions.class,
          StateRecoveryOptions.class,
          RestartStrategyOptions.class,
          RocksDBConfigurableOptions.class,
          RocksDBOptions.class);

  /**
   * Parses and checks the arguments.
   *
   * @param job the job's name, for messages ("correlate")
   * @param options the job's own options
   * @throws IllegalArgumentException naming the argument or key that is malformed, unknown or has a
   *     value its option cannot parse
   */
  public static Configuration parse(
      String job, String[] args, Collection<? extends ConfigOption<?>> options) {
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || args[i].length() == 2) {
        throw new IllegalArgumentException(
            job + ": expected '--<option> <value>' pairs, got '" + args[i] + "'");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(job + ": option " + args[i] + " has no value");
      }
    }
    Map<String, String> given;
    try {
      given = new LinkedHashMap<>(ParameterTool.fromArgs(args).toMap());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(job + ": " + e.getMessage(), e);
    }
    // ParameterTool reads a value that starts with '-' (and is no number) as the next key; pairs
    // are positional here, so such a value is refused instead of silently shifting the rest.
    for (int i = 0; i < args.length; i += 2) {
      String key = args[i].substring(2);
      if (!args[i + 1].equals(given.get(key))) {
        throw new IllegalArgumentException(
            job
                + ": option "
                + args[i]
                + (given.containsKey(key) && args[i + 1].startsWith("-")
                    ? ": a value may not start with '-' (" + args[i + 1] + ")"
                    : " is given more than once"));
      }
    }
    return check(job, given, options);
  }

  /**
   * Checks {@code key=value} settings (the command line's {@code --set}) the way {@link #parse}
   * checks program arguments.
   */
  public static Configuration check(
      String job, Map<String, String> given, Collection<? extends ConfigOption<?>> options) {
    Map<String, ConfigOption<?>> known = known(options);
    List<String> unknown = new ArrayList<>();
    for (String key : given.keySet()) {
      if (!key.startsWith(KAFKA_PROPERTIES_PREFIX) && !known.containsKey(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          job
              + ": unknown option"
              + (unknown.size() == 1 ? " '" : "s '")
              + String.join("', '", unknown)
              + "'"
              + suggestion(unknown.get(0), known.keySet())
              + "; the job's options: "
              + String.join(", ", new TreeSet<>(ownKeys(options)))
              + " (and Flink's pipeline.*, execution.*, state.*, restart-strategy.* options)");
    }
    Configuration conf = Configuration.fromMap(given);
    for (String key : given.keySet()) {
      ConfigOption<?> option = known.get(key);
      if (option != null) {
        try {
          conf.get(option);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              job + ": option " + key + ": cannot use '" + given.get(key) + "': " + e.getMessage(),
              e);
        }
      }
    }
    return conf;
  }

  /** Every key accepted for a job with these options, with the option it names. */
  static Map<String, ConfigOption<?>> known(Collection<? extends ConfigOption<?>> options) {
    Map<String, ConfigOption<?>> known = new LinkedHashMap<>();
    for (ConfigOption<?> o : options) {
      add(known, o);
    }
    for (Class<?> c : FLINK_OPTION_CLASSES) {
      for (Field f : c.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.equals(f.getType())) {
          try {
            add(known, (ConfigOption<?>) f.get(null));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    add(known, CoreOptions.DEFAULT_PARALLELISM);
    return known;
  }

  private static void add(Map<String, ConfigOption<?>> known, ConfigOption<?> o) {
    known.putIfAbsent(o.key(), o);
    for (FallbackKey k : o.fallbackKeys()) {
      known.putIfAbsent(k.getKey(), o);
    }
  }

  private static List<String> ownKeys(Collection<? extends ConfigOption<?>> options) {
    return options.stream().map(ConfigOption::key).toList();
  }

  /** "; did you mean 'x'?" for a key one or two edits away from a known one, else "". */
  private static String suggestion(String key, Collection<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best == null ? "" : "; did you mean '" + best + "'?";
  }

  private static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 2) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
