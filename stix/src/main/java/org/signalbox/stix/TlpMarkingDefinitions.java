package org.signalbox.stix;

import java.util.Map;
import java.util.Optional;
import org.signalbox.schema.Tlp;

/**
 * The standard TLP marking-definition ids. TLP 1.0 ids are fixed by STIX 2.1 section 7.2.1.4; the
 * TLP 2.0 ids are those of the OASIS TLP 2.0 marking definitions (STIX common objects). A bundle
 * may reference them without including the marking-definition objects.
 */
public final class TlpMarkingDefinitions {
  private TlpMarkingDefinitions() {}

  public static final String TLP1_WHITE =
      "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
  public static final String TLP1_GREEN =
      "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
  public static final String TLP1_AMBER =
      "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
  public static final String TLP1_RED = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

  public static final String TLP2_CLEAR =
      "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
  public static final String TLP2_GREEN =
      "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
  public static final String TLP2_AMBER =
      "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
  public static final String TLP2_AMBER_STRICT =
      "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
  public static final String TLP2_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

  private static final Map<String, Tlp> BY_ID =
      Map.of(
          TLP1_WHITE, Tlp.CLEAR,
          TLP1_GREEN, Tlp.GREEN,
          TLP1_AMBER, Tlp.AMBER,
          TLP1_RED, Tlp.RED,
          TLP2_CLEAR, Tlp.CLEAR,
          TLP2_GREEN, Tlp.GREEN,
          TLP2_AMBER, Tlp.AMBER,
          TLP2_AMBER_STRICT, Tlp.AMBER_STRICT,
          TLP2_RED, Tlp.RED);

  /** The TLP of a standard marking-definition id, TLP 1.0 or 2.0. */
  public static Optional<Tlp> tlpOf(String markingDefinitionId) {
    return Optional.ofNullable(BY_ID.get(markingDefinitionId));
  }

  /** The TLP 2.0 marking-definition id for {@code tlp}, for output. */
  public static String tlp2Id(Tlp tlp) {
    switch (tlp) {
      case CLEAR:
        return TLP2_CLEAR;
      case GREEN:
        return TLP2_GREEN;
      case AMBER:
        return TLP2_AMBER;
      case AMBER_STRICT:
        return TLP2_AMBER_STRICT;
      default:
        return TLP2_RED;
    }
  }
}
