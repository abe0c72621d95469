package org.signalbox.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signalbox sightings}: tools for the sightings the correlate job produces. */
@Command(
    name = "sightings",
    mixinStandardHelpOptions = true,
    description = "Tools for sightings (the matches the correlate job produces).",
    subcommands = {SightingsExportCommand.class})
public final class SightingsCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
