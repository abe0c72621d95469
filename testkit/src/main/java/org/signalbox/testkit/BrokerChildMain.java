package org.signalbox.testkit;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

/**
 * Entry point of the broker's child JVM: runs {@code kafka.Kafka} and exits when the parent goes.
 *
 * <p>A shutdown hook in the parent covers a normal exit, SIGTERM and Ctrl-C, but not SIGKILL, an
 * out-of-memory kill, or a test runner that kills its forked JVM on timeout. The parent therefore
 * keeps the write end of this process's stdin open and never writes to it; the operating system
 * closes it when the parent dies for any reason, this process then reads end-of-file and exits,
 * which runs Kafka's own shutdown hook (a controlled shutdown). So no broker outlives its parent.
 * (Process.destroy() in the parent also closes the pipe; the SIGTERM it sends and this exit lead to
 * the same shutdown.)
 *
 * <p>This class must only use the JDK: the child's class path is Kafka's plus this one class's code
 * source.
 */
public final class BrokerChildMain {

  private BrokerChildMain() {}

  public static void main(String[] args) throws Throwable {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() != -1) {
                  // The parent never writes; anything read is ignored.
                }
              } catch (IOException e) {
                // A broken pipe means the same as end-of-file: the parent is gone.
              }
              System.err.println(
                  "signalbox: stdin closed (parent stopping or gone), shutting the broker down");
              System.exit(0);
            },
            "signalbox-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
