package org.signalbox.gateway;

import java.util.Optional;
import org.signalbox.core.Tlps;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Tlp;

/**
 * How far an indicator's own marking lets the gateway serve it beside the sightings and alerts that
 * refer to it: the routing table (jobs/ROUTING.md) read for an indicator, whose one origin is its
 * source and which names no group or recipient of its own.
 *
 * <ul>
 *   <li>its source's own collection ({@code member:<source>}) may always have it;
 *   <li>CLEAR goes anywhere, GREEN anywhere but {@code public};
 *   <li>AMBER goes to member and group collections whose sightings or alerts refer to it: that
 *       reference is the need to know (the router already sent them the sighting, whose marking is
 *       at least the indicator's), never to {@code community} or {@code public};
 *   <li>AMBER+STRICT and RED go to no other organisation: the indicator is withheld.
 * </ul>
 *
 * A collection never serves anything above its own {@code maxTlp}, whatever the above allows.
 */
final class IndicatorReach {
  private IndicatorReach() {}

  /** Why the indicator is not served in the audience's collection, or empty when it is. */
  static Optional<String> withheldReason(Indicator i, String audience, Tlp maxTlp) {
    Tlp tlp = i.getTlp();
    String label = Tlps.label(tlp);
    if (tlp.ordinal() > maxTlp.ordinal()) {
      return Optional.of(
          "the indicator is marked "
              + label
              + ", above this collection's maxTlp "
              + Tlps.label(maxTlp));
    }
    if (audience.equals("member:" + i.getSource())) {
      return Optional.empty();
    }
    if (audience.startsWith("member:") || audience.startsWith("group:")) {
      return tlp.ordinal() <= Tlp.AMBER.ordinal()
          ? Optional.empty()
          : Optional.of(
              "the indicator is marked "
                  + label
                  + ": only its source's own organisation may receive it");
    }
    if (audience.equals("community")) {
      return tlp.ordinal() <= Tlp.GREEN.ordinal()
          ? Optional.empty()
          : Optional.of(
              "the indicator is marked " + label + ": need to know, not for the whole community");
    }
    if (audience.equals("public")) {
      return tlp == Tlp.CLEAR
          ? Optional.empty()
          : Optional.of("the indicator is marked " + label + ": not for the public");
    }
    // A plain collection name (the secretariat's, or a feed something else writes): the operator's
    // maxTlp is the whole rule, as for the collection's own records.
    return Optional.empty();
  }
}
