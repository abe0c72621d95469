package org.signalbox.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.signalbox.edge.anonymize.CryptoPan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "cryptopan",
    mixinStandardHelpOptions = true,
    description = {
      "Anonymizes IP addresses (IPv4 or IPv6), one a line on standard input, with prefix-preserving"
          + " Crypto-PAn; writes one anonymized address a line on standard output.",
      "Byte-compatible with the reference implementation for IPv4. A line that is not an address"
          + " is reported on standard error with its line number and written as an empty line, so"
          + " output lines stay aligned with input lines."
    })
final class CryptoPanCommand implements Callable<Integer> {
  @Option(
      names = "--key",
      required = true,
      paramLabel = "HEX",
      description = "32-byte key as 64 hex digits (AES key, then pad secret).")
  String key;

  @Override
  public Integer call() throws Exception {
    CryptoPan pan;
    try {
      pan = CryptoPan.fromHex(key);
    } catch (IllegalArgumentException e) {
      System.err.println("error: --key: " + e.getMessage());
      return 2;
    }
    int bad = 0;
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        String a = line.trim();
        if (a.isEmpty()) {
          out.println();
          continue;
        }
        try {
          out.println(pan.anonymize(a));
        } catch (IllegalArgumentException e) {
          bad++;
          out.println();
          System.err.println("stdin:" + n + ": not an IP address");
        }
      }
    }
    out.flush();
    return bad == 0 ? 0 : 1;
  }
}
