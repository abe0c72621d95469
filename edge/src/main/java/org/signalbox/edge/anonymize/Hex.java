package org.signalbox.edge.anonymize;

import java.util.HexFormat;

/** Hex keys as they appear in policy files and on the command line. */
public final class Hex {
  private Hex() {}

  public static byte[] decode(String hex) {
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if ((h.length() & 1) != 0) {
      throw new IllegalArgumentException(
          "hex key has an odd number of digits (" + h.length() + ")");
    }
    try {
      return HexFormat.of().parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hex key contains a character that is not a hex digit");
    }
  }

  public static String encode(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
