package org.signalbox.cli;

import java.io.PrintStream;
import java.util.Collection;
import org.apache.flink.configuration.ConfigOption;
import org.signalbox.jobs.correlate.CorrelateOptions;

/**
 * {@code --list-options} of the job commands: key, default, description, from the ConfigOptions.
 */
final class JobOptionsListing {
  private JobOptionsListing() {}

  static int print(Collection<? extends ConfigOption<?>> options, PrintStream out) {
    for (ConfigOption<?> o : options) {
      out.printf(
          "%-40s %s%n    %s%n",
          o.key(), o.hasDefaultValue() ? o.defaultValue() : "(none)", CorrelateOptions.describe(o));
    }
    return 0;
  }
}
