package org.signalbox.core;

import java.util.Locale;
import org.signalbox.schema.Tlp;

/** Reading and combining TLP markings. */
public final class Tlps {
  private Tlps() {}

  /** Name of {@link #UNMARKED}, for annotations that need a constant (command-line defaults). */
  public static final String UNMARKED_NAME = "RED";

  /**
   * The marking of a record that carries none, everywhere in Signalbox: the most restrictive one.
   * Unmarked data is never shared by accident; whoever knows a feed may be shared says so (an
   * importer's {@code --default-tlp}, a policy's {@code tlp}). The JSON decoders, the importers'
   * defaults, the edge's policy default and the sharing router all use this one rule.
   */
  public static final Tlp UNMARKED = Tlp.valueOf(UNMARKED_NAME);

  /** {@code tlp}, or {@link #UNMARKED} when there is none. */
  public static Tlp orUnmarked(Tlp tlp) {
    return tlp == null ? UNMARKED : tlp;
  }

  /**
   * {@link #parse} of a marking that may be absent: {@code null} is {@link #UNMARKED}.
   *
   * @throws IllegalArgumentException for text that is not a marking (never read as unmarked)
   */
  public static Tlp parseOrUnmarked(String text) {
    return text == null ? UNMARKED : parse(text);
  }

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
