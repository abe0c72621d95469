package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.signalbox.core.IndicatorIds;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/**
 * Properties of the sighting router over random member directories (sectors, sharing groups,
 * attribution opt-ins) and random sightings (marking, member, indicator source and the other
 * sources it was also reported by): whatever the mix, no copy reaches an audience the marking
 * excludes, a member that did not opt in is never found in the bytes of a copy outside its own
 * feed, and a member that opted in is found only where the marking allows.
 *
 * <p>The expected audiences come from an oracle written here from the TLP table of jobs/ROUTING.md,
 * not from SharingRules, so that a fault in the rules cannot hide in its own reflection. Member ids
 * are "mbr" and six letters, and no other field of a generated sighting contains "mbr", so a byte
 * search for an id finds only that member.
 */
class SightingRoutingPropertiesTest {

  static final byte[] KEY = "property-test-key-0123456789".getBytes(StandardCharsets.UTF_8);
  static final List<String> GROUPS = List.of("rail", "aviation", "ops-circle", "isac");
  static final List<String> OTHER_SOURCES = List.of("isac-office", "national-cert", "cert-eu");

  record Profile(Sector sector, Set<String> groups, boolean attribution) {}

  record Scenario(MemberDirectory directory, Sighting sighting) {
    String member() {
      return sighting.getMember();
    }
  }

  final AvroCodec<Sighting> codec = AvroCodec.sighting();
  final Pseudonyms pseudonyms = new Pseudonyms("k1", KEY);

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<List<String>> ids =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .ofLength(6)
            .map(s -> "mbr" + s)
            .list()
            .ofMinSize(1)
            .ofMaxSize(6)
            .uniqueElements();
    return ids.flatMap(
        list -> {
          Arbitrary<List<Profile>> profiles =
              Combinators.combine(
                      Arbitraries.of(Sector.class),
                      Arbitraries.subsetOf(GROUPS),
                      Arbitraries.of(true, false))
                  .as(Profile::new)
                  .list()
                  .ofSize(list.size());
          return Combinators.combine(
                  profiles,
                  Arbitraries.integers().between(0, list.size() - 1),
                  Arbitraries.of(Tlp.class),
                  Arbitraries.oneOf(Arbitraries.of(list), Arbitraries.of(OTHER_SOURCES)),
                  Arbitraries.subsetOf(concat(list, OTHER_SOURCES)),
                  Arbitraries.integers().between(0, 1_000_000))
              .as(
                  (ps, who, tlp, source, alsoBy, n) -> {
                    List<MemberDirectory.Member> members = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                      Profile p = ps.get(i);
                      members.add(
                          new MemberDirectory.Member(
                              list.get(i), p.sector(), p.groups(), p.attribution(), 0));
                    }
                    MemberDirectory d =
                        new MemberDirectory("isac-office", Set.of("national-cert"), members);
                    MemberDirectory.Member m = members.get(who);
                    Sighting s =
                        Sighting.newBuilder(sighting(m.id(), m.sector(), tlp, source, n))
                            .setAlsoReportedBy(
                                alsoBy.stream().filter(o -> !o.equals(source)).sorted().toList())
                            .build();
                    return new Scenario(d, s);
                  });
        });
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static Sighting sighting(String member, Sector sector, Tlp tlp, String source, int n) {
    Instant t = Instant.ofEpochSecond(1_790_000_000L + n);
    return Sighting.newBuilder()
        .setSightingId("sighting--" + n)
        .setIndicatorId(IndicatorIds.spelled(String.valueOf(n)))
        .setIndicatorVersion(t)
        .setMatchKind(MatchKind.EXACT)
        .setMember(member)
        .setSector(sector)
        .setSourceType("zeek.dns")
        .setEventId("event-" + n)
        .setEventTime(t)
        .setMatchedType(ObservableType.DOMAIN)
        .setMatchedValue("c2-" + n + ".example")
        .setRole(ObservableRole.QUERY)
        .setTlp(tlp)
        .setConfidence(n % 101)
        .setIndicatorSource(source)
        .setEnrichment(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of("RAILFOX"))
                .setAttackPatterns(List.of("T1071.004"))
                .build())
        .setDetectedAt(t)
        .build();
  }

  /** The TLP table of jobs/ROUTING.md for a record with one origin, addressed to its groups. */
  static Set<Audience> oracle(Tlp tlp, MemberDirectory.Member origin) {
    Set<Audience> out = new TreeSet<>();
    out.add(Audience.member(origin.id()));
    if (!origin.attribution()) {
      return out; // a count of one never leaves the member's own feed unnamed
    }
    switch (tlp) {
      case CLEAR -> out.add(Audience.PUBLIC);
      case GREEN -> out.add(Audience.COMMUNITY);
      case AMBER -> origin.groups().forEach(g -> out.add(Audience.group(g)));
      case AMBER_STRICT, RED -> {}
    }
    return out;
  }

  private List<RoutedRecord> route(Scenario sc) {
    return SightingRouter.route(sc.sighting(), sc.directory(), pseudonyms, codec);
  }

  private static String bytes(RoutedRecord r) {
    // ISO-8859-1 maps every byte to one char: an ASCII id is found exactly where its bytes are.
    return new String(r.value, StandardCharsets.ISO_8859_1);
  }

  @Property(tries = 500)
  void noCopyReachesAnAudienceTheMarkingExcludes(@ForAll("scenarios") Scenario sc)
      throws Exception {
    MemberDirectory.Member origin = sc.directory().member(sc.member()).orElseThrow();
    Tlp tlp = sc.sighting().getTlp();
    Set<Audience> routed = new TreeSet<>();
    for (RoutedRecord r : route(sc)) {
      Audience a = Audience.parse(r.audience);
      assertThat(r.topic).isEqualTo(a.topic());
      assertThat(routed.add(a)).as("one copy per audience").isTrue();
      if (a.equals(Audience.PUBLIC)) {
        assertThat(tlp).isEqualTo(Tlp.CLEAR);
      }
      if (a.equals(Audience.COMMUNITY)) {
        assertThat(tlp).isEqualTo(Tlp.GREEN);
      }
      if (a.kind() == Audience.Kind.GROUP) {
        assertThat(tlp).isEqualTo(Tlp.AMBER);
        assertThat(origin.groups()).contains(a.name());
      }
      if (a.kind() == Audience.Kind.MEMBER) {
        assertThat(a.name()).isEqualTo(origin.id());
      }
      Sighting copy = codec.decode(r.value);
      assertThat(copy.getTlp()).isEqualTo(tlp);
      assertThat(copy.getMember()).isEqualTo(origin.id());
    }
    assertThat(routed).isEqualTo(oracle(tlp, origin));
  }

  @Property(tries = 500)
  void aMemberThatDidNotOptInNeverAppearsOutsideItsOwnFeed(@ForAll("scenarios") Scenario sc) {
    for (RoutedRecord r : route(sc)) {
      String own = Audience.parse(r.audience).ownMember();
      for (MemberDirectory.Member m : sc.directory().members()) {
        if (!m.attribution() && !m.id().equals(own)) {
          assertThat(bytes(r)).as("%s in a copy for %s", m.id(), r.audience).doesNotContain(m.id());
        }
      }
    }
  }

  @Property(tries = 500)
  void aMemberThatOptedInAppearsOnlyWhereTheMarkingAllows(@ForAll("scenarios") Scenario sc) {
    MemberDirectory.Member origin = sc.directory().member(sc.member()).orElseThrow();
    Set<Audience> allowed = oracle(sc.sighting().getTlp(), origin);
    for (RoutedRecord r : route(sc)) {
      Audience a = Audience.parse(r.audience);
      for (MemberDirectory.Member m : sc.directory().members()) {
        if (m.attribution() && bytes(r).contains(m.id())) {
          assertThat(allowed).as("%s named in %s", m.id(), a).contains(a);
          // Named only as the sighting's member or as one of the indicator's sources.
          assertThat(
                  m.id().equals(origin.id())
                      || m.id().equals(sc.sighting().getIndicatorSource())
                      || sc.sighting().getAlsoReportedBy().contains(m.id()))
              .as("%s named in %s", m.id(), a)
              .isTrue();
        }
      }
    }
  }

  @Property(tries = 500)
  void everySightingOfAKnownMemberReachesItsOwnFeedOnce(@ForAll("scenarios") Scenario sc) {
    String own = Audience.member(sc.member()).toString();
    assertThat(route(sc)).filteredOn(r -> r.audience.equals(own)).hasSize(1);
  }

  @Property(tries = 500)
  void aMemberTheDirectoryDoesNotKnowGetsNothing(
      @ForAll("scenarios") Scenario sc, @ForAll("strangers") String stranger) {
    Sighting s = Sighting.newBuilder(sc.sighting()).setMember(stranger).build();
    assertThat(SightingRouter.route(s, sc.directory(), pseudonyms, codec)).isEmpty();
  }

  @Provide
  Arbitrary<String> strangers() {
    return Arbitraries.strings().withCharRange('a', 'z').ofLength(6).map(s -> "stranger-" + s);
  }
}
