package org.signalbox.cli;

import org.signalbox.cli.cluster.ChaosCommand;
import org.signalbox.cli.cluster.ClusterCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code signalbox} command line. Every subcommand is a class of its own in this package and is
 * listed here; {@code --help} works on each.
 */
@Command(
    name = "signalbox",
    mixinStandardHelpOptions = true,
    versionProvider = SignalboxCommand.Version.class,
    description = "Correlation engine for a transport-sector ISAC.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DemoCommand.class,
      MatchCommand.class,
      CorrelateCommand.class,
      CampaignsCommand.class,
      PseudonymsCommand.class,
      AclsCommand.class,
      TopicsCommand.class,
      StrimziCommand.class,
      BrokerCommand.class,
      ClusterCommand.class,
      ChaosCommand.class,
      StixCommand.class,
      SightingsCommand.class,
      IndicatorsCommand.class,
      CryptoPanCommand.class,
      SanitizeCommand.class,
      GatewayCommand.class,
      TrendsCommand.class,
      ReportCommand.class
    })
public final class SignalboxCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  public static CommandLine newCommandLine() {
    return new CommandLine(new SignalboxCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SignalboxCommand.class.getPackage().getImplementationVersion();
      return new String[] {"signalbox " + (v == null ? "development build" : v)};
    }
  }
}
