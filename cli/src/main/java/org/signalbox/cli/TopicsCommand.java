package org.signalbox.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signalbox topics}: the Kafka topics of the member directory. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "The Kafka topics the member directory implies (see 'topics apply --help').",
    subcommands = {TopicsApplyCommand.class})
public final class TopicsCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
