package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers --help with a usage text and exit code 0. */
class CommandLineHelpTest {

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(SignalboxCommand.newCommandLine(), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(3);
    for (List<String> path : paths) {
      CommandLine cli = SignalboxCommand.newCommandLine();
      StringWriter out = new StringWriter();
      cli.setOut(new PrintWriter(out));
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      int code = cli.execute(args.toArray(String[]::new));
      assertThat(code).as("exit code of %s --help", path).isZero();
      assertThat(out.toString()).as("help of %s", path).contains("Usage:");
    }
  }

  private static void collect(CommandLine cli, List<String> prefix, List<List<String>> out) {
    out.add(prefix);
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                List<String> p = new ArrayList<>(prefix);
                p.add(name);
                collect(sub, p, out);
              }
            });
  }
}
