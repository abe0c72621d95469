package org.signalbox.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signalbox stix}: tools for STIX 2.1 content. */
@Command(
    name = "stix",
    mixinStandardHelpOptions = true,
    description = "Tools for STIX 2.1 content.",
    subcommands = {StixCheckPatternCommand.class, StixExportSightingsCommand.class})
public final class StixCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
