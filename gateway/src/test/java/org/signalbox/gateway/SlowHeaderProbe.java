package org.signalbox.gateway;

import java.time.Clock;
import java.util.List;

/**
 * A TAXII server in a JVM of its own, for {@link TaxiiServerLimitsTest}: the JDK server reads its
 * timeouts once per JVM, when the first server is made, so only a fresh JVM shows what {@link
 * TaxiiServer#start} sets. Prints the port, serves until standard input closes.
 */
public final class SlowHeaderProbe {
  public static void main(String[] args) throws Exception {
    GatewayConfig config = GatewayFixtures.config(new String[][] {{"good", "rail"}}, "rail");
    GatewayLimits limits = new GatewayLimits();
    limits.headerTimeoutSeconds = Integer.parseInt(args[0]);
    limits.httpThreads = Integer.parseInt(args[1]);
    limits.httpQueue = Integer.parseInt(args[2]);
    try (TaxiiServer server =
        new TaxiiServer(
            config,
            List.of(
                new TaxiiServer.ServedCollection(
                    "c-rail", "rail", "Rail", null, new CollectionStore(Clock.systemUTC()))),
            new MemberAuthenticator(config.members, limits, Clock.systemUTC()),
            new GatewayMetrics(),
            limits)) {
      server.start("127.0.0.1", 0);
      System.out.println("port " + server.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the test closes our stdin
      }
    }
  }
}
