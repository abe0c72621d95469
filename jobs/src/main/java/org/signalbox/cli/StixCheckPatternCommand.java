package org.signalbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.signalbox.connectors.stix.pattern.InvalidPatternException;
import org.signalbox.connectors.stix.pattern.StixPattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signalbox stix check-pattern}: validates STIX 2.1 patterns, one a line. */
@Command(
    name = "check-pattern",
    mixinStandardHelpOptions = true,
    description = {
      "Reads STIX 2.1 patterns from standard input, one a line, and prints for each line, in"
          + " order, OK or ERROR: <message> (the message names the column and what was expected).",
      "Exit status: 0 if every line is a valid pattern, 1 if any is not."
    })
public final class StixCheckPatternCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    return check(in, spec.commandLine().getOut());
  }

  /** Checks every line of {@code in}; returns the exit status. */
  static int check(BufferedReader in, PrintWriter out) throws IOException {
    int status = 0;
    String line;
    while ((line = in.readLine()) != null) {
      try {
        StixPattern.parse(line);
        out.println("OK");
      } catch (InvalidPatternException e) {
        out.println("ERROR: " + e.getMessage());
        status = 1;
      }
    }
    out.flush();
    return status;
  }
}
