package org.signalbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.schema.MatchKind;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.stix.match.PatternMatcher;
import org.signalbox.stix.match.StixPatternCompiler;
import org.signalbox.stix.pattern.InvalidPatternException;
import org.signalbox.stix.pattern.StixPattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code signalbox stix check-pattern}: validates STIX 2.1 patterns, one a line. */
@Command(
    name = "check-pattern",
    mixinStandardHelpOptions = true,
    description = {
      "Reads STIX 2.1 patterns from standard input, one a line, and prints for each line, in"
          + " order, OK or ERROR: <message> (the message names the column and what was expected).",
      "Checked as the importers and the correlate job check them: the syntax; values (a network,"
          + " a domain); a MATCHES or LIKE the job cannot run (back-references, look-around,"
          + " \\p{..} classes) or that never or always holds ('.*', '%'); networks and suffixes"
          + " broader than the limits below (0.0.0.0/1, *.com). Patterns of several observations"
          + " are checked for syntax only: the job stores them but does not match them yet.",
      "Exit status: 0 if every line is a valid pattern, 1 if any is not."
    })
public final class StixCheckPatternCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin BreadthOptions breadth = new BreadthOptions();

  @Override
  public Integer call() throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    BreadthLimits limits;
    try {
      limits = breadth.limits();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    return check(in, spec.commandLine().getOut(), limits);
  }

  /** Checks every line of {@code in} with the default limits; returns the exit status. */
  static int check(BufferedReader in, PrintWriter out) throws IOException {
    return check(in, out, BreadthLimits.DEFAULT);
  }

  /** Checks every line of {@code in}; returns the exit status. */
  static int check(BufferedReader in, PrintWriter out, BreadthLimits limits) throws IOException {
    int status = 0;
    String line;
    while ((line = in.readLine()) != null) {
      String problem = problem(line, limits);
      if (problem == null) {
        out.println("OK");
      } else {
        out.println("ERROR: " + problem);
        status = 1;
      }
    }
    out.flush();
    return status;
  }

  /** Why {@code line} would be refused at import, or null. */
  static String problem(String line, BreadthLimits limits) {
    StixPattern pattern;
    try {
      pattern = StixPattern.parse(line);
    } catch (InvalidPatternException e) {
      return e.getMessage();
    }
    try {
      if (StixPatternCompiler.compile(pattern, limits).kind() != MatchKind.PATTERN) {
        return null;
      }
    } catch (InvalidObservableException e) {
      return "invalid value: " + e.getMessage();
    }
    return PatternMatcher.unmatchable(pattern, limits)
        .map(m -> "cannot be matched: " + m)
        .orElse(null);
  }
}
