package org.signalbox.testkit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of a short-lived Kafka tool JVM (the StorageTool) whose arguments may hold secrets:
 * {@code ToolChildMain <main class> <args...>} reads further arguments from stdin, one per line,
 * until end-of-file, and runs the main class with both. An argument on the command line is visible
 * to every user of the machine in the process list; one on stdin is not. The StorageTool's {@code
 * --add-scram 'SCRAM-SHA-512=[name=admin,password=...]'} (KIP-900) is such an argument.
 *
 * <p>This class must only use the JDK: the child's class path is Kafka's plus this one class's code
 * source.
 */
public final class ToolChildMain {

  private ToolChildMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ToolChildMain <main class> [args...]");
    }
    List<String> all = new ArrayList<>(List.of(args).subList(1, args.length));
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        all.add(line);
      }
    }
    try {
      Class.forName(args[0])
          .getMethod("main", String[].class)
          .invoke(null, (Object) all.toArray(new String[0]));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
