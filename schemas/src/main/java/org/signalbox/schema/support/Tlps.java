package org.signalbox.schema.support;

import java.util.Locale;
import org.signalbox.schema.Tlp;

/** Reading and combining TLP markings. */
public final class Tlps {
  private Tlps() {}

  /**
   * Reads a TLP marking as people and feeds write it: {@code TLP:AMBER+STRICT}, {@code amber},
   * {@code tlp:white} (TLP 1.0 WHITE is TLP 2.0 CLEAR), {@code AMBER_STRICT}.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Tlp parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("TLP marking is missing");
    }
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.startsWith("TLP:")) {
      t = t.substring(4);
    } else if (t.startsWith("TLP-") || t.startsWith("TLP_")) {
      t = t.substring(4);
    }
    switch (t) {
      case "CLEAR":
      case "WHITE":
        return Tlp.CLEAR;
      case "GREEN":
        return Tlp.GREEN;
      case "AMBER":
        return Tlp.AMBER;
      case "AMBER+STRICT":
      case "AMBER_STRICT":
      case "AMBER-STRICT":
        return Tlp.AMBER_STRICT;
      case "RED":
        return Tlp.RED;
      default:
        throw new IllegalArgumentException(
            "unknown TLP marking '"
                + text
                + "'; use CLEAR, WHITE, GREEN, AMBER, AMBER+STRICT or RED (optionally prefixed TLP:)");
    }
  }

  /** The marking a derived record takes: the most restrictive of its inputs. */
  public static Tlp mostRestrictive(Tlp a, Tlp b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /** The TLP 2.0 label, e.g. {@code TLP:AMBER+STRICT}. */
  public static String label(Tlp tlp) {
    return "TLP:" + (tlp == Tlp.AMBER_STRICT ? "AMBER+STRICT" : tlp.name());
  }
}
