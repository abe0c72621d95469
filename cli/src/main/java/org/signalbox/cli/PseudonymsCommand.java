package org.signalbox.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signalbox pseudonyms}: the secretariat's tools for member pseudonyms in shared feeds. */
@Command(
    name = "pseudonyms",
    mixinStandardHelpOptions = true,
    description = "The secretariat's tools for the member pseudonyms of the shared feeds.",
    subcommands = {PseudonymsResolveCommand.class})
public final class PseudonymsCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
