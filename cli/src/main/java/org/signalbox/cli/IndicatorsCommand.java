package org.signalbox.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signalbox indicators}: bringing shared indicators into Signalbox. */
@Command(
    name = "indicators",
    mixinStandardHelpOptions = true,
    description = "Import indicators from STIX 2.1, MISP and CSV feeds and TAXII 2.1 collections.",
    subcommands = {IndicatorsImportCommand.class})
public final class IndicatorsCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
