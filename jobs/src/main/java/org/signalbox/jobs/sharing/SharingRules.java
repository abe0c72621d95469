package org.signalbox.jobs.sharing;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.signalbox.core.Tlps;
import org.signalbox.schema.Tlp;

/**
 * TLP 2.0 as routing: which feeds a record marked {@code tlp} may go to. The one place that
 * decides; every shared output goes through {@link #audiencesFor}. See jobs/ROUTING.md.
 *
 * <ul>
 *   <li>CLEAR: the public feed.
 *   <li>GREEN: the community feed (all members and named partners), not the public.
 *   <li>AMBER: need to know, which is the record's named sharing groups and named recipients.
 *   <li>AMBER+STRICT: the recipient organisation only: its named recipients, or else the one member
 *       it came from.
 *   <li>RED: its named recipients only, or else the one member it came from.
 * </ul>
 *
 * Every marking also goes back to each member it came from (its own feed), except the two strict
 * ones when more than one member contributed: a derived record cannot tell whose marking is the
 * strict one, and sending one member's AMBER+STRICT or RED data to another is exactly the leak the
 * marking forbids, so such a record stays with the secretariat (the empty set). A null marking is
 * {@link Tlps#UNMARKED} (RED): unmarked data is never shared by accident.
 */
public final class SharingRules {
  private SharingRules() {}

  /**
   * @param origins members whose data the record carries
   * @param groups sharing groups the record is addressed to (used by AMBER only)
   * @param recipients member organisations the record is addressed to by name
   */
  public static Set<Audience> audiencesFor(
      Tlp tlp, Set<String> origins, Set<String> groups, Set<String> recipients) {
    TreeSet<Audience> out = new TreeSet<>();
    Tlp marking = Tlps.orUnmarked(tlp);
    switch (marking) {
      case CLEAR -> {
        out.add(Audience.PUBLIC);
        origins.forEach(m -> out.add(Audience.member(m)));
      }
      case GREEN -> {
        out.add(Audience.COMMUNITY);
        origins.forEach(m -> out.add(Audience.member(m)));
      }
      case AMBER -> {
        groups.forEach(g -> out.add(Audience.group(g)));
        recipients.forEach(r -> out.add(Audience.member(r)));
        origins.forEach(m -> out.add(Audience.member(m)));
      }
      case AMBER_STRICT, RED -> {
        if (origins.size() > 1) {
          return Collections.emptySet();
        }
        recipients.forEach(r -> out.add(Audience.member(r)));
        origins.forEach(m -> out.add(Audience.member(m)));
      }
    }
    return Collections.unmodifiableSet(out);
  }
}
