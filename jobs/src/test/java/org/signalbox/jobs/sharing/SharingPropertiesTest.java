package org.signalbox.jobs.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.signalbox.core.IndicatorIds;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.campaign.CampaignDetector;
import org.signalbox.jobs.campaign.CampaignObservation;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.CampaignKeyKind;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/**
 * Properties of sharing over large random mixes of markings, origins, sharing groups, recipients
 * and members, checked against {@link Tlp20}, an oracle written from the TLP 2.0 definitions and
 * jobs/ROUTING.md rather than from the code under test: no feed reaches anyone its marking
 * excludes, a derived marking is the strictest of its inputs and never lets an audience grow, and
 * no shared copy names a member other than the reader itself or publishes a count below k.
 *
 * <p>The example-based routing table stays in {@link SharingRulesTest} and {@link
 * SharingRouterTest}; these properties replace the seeded random loops that were there.
 */
class SharingPropertiesTest {

  // ---------------------------------------------------------------------------------------------
  // The world: an ISAC with members, partners and sharing groups.

  /** Sector code in a member id, and the sector it stands for. */
  static final Map<String, Sector> SECTOR_CODES =
      Map.of(
          "rail",
          Sector.RAIL,
          "air",
          Sector.AVIATION,
          "port",
          Sector.AIRPORT,
          "log",
          Sector.LOGISTICS);

  /**
   * Member ids of one shape and width ({@code m-<sector>-NN}), so that no id is a substring of
   * another, of a pseudonym ({@code p-} and hex) or of any other field: a byte search for one raw
   * id in an encoded record cannot be set off by a different one.
   */
  static final List<String> MEMBERS =
      Stream.of("rail", "air", "port", "log")
          .flatMap(s -> Stream.of("01", "02", "03", "04").map(n -> "m-" + s + "-" + n))
          .toList();

  /** Organisations the ISAC names as community partners: they read the community feed only. */
  static final List<String> PARTNERS = List.of("x-cert-01", "x-cert-02", "x-gov-01");

  static final List<String> GROUPS =
      List.of("rail", "aviation", "airports", "logistics", "circle-north");

  static final Pattern PSEUDONYM = Pattern.compile("p-[0-9a-f]{16}");

  static final AvroCodec<CampaignAlert> CODEC = AvroCodec.campaignAlert();

  static Sector sectorOf(String member) {
    return SECTOR_CODES.get(member.split("-")[1]);
  }

  static <T extends Comparable<T>> TreeSet<T> sorted(Collection<T> items) {
    return new TreeSet<>(items);
  }

  /** One ISAC: members, the partners it names, and who is in which sharing group. */
  record Isac(
      TreeSet<String> members, TreeSet<String> partners, TreeMap<String, TreeSet<String>> groups) {

    Set<String> organisations() {
      Set<String> out = new TreeSet<>(members);
      out.addAll(partners);
      return out;
    }

    /** Everyone who can read at least one of the feeds; {@link Tlp20#ANYONE} for the public. */
    Set<String> readers(Collection<Audience> feeds) {
      Set<String> out = new TreeSet<>();
      for (Audience a : feeds) {
        switch (a.kind()) {
          case PUBLIC -> {
            out.add(Tlp20.ANYONE);
            out.addAll(organisations());
          }
          case COMMUNITY -> out.addAll(organisations());
          case GROUP -> out.addAll(groups.getOrDefault(a.name(), new TreeSet<>()));
          case MEMBER -> out.add(a.name());
        }
      }
      return out;
    }

    @Override
    public String toString() {
      return "ISAC members=" + members + " partners=" + partners + " groups=" + groups;
    }
  }

  /** A record to share: its marking (null: unmarked), origins, named groups and recipients. */
  record Shared(
      Isac isac,
      Tlp tlp,
      TreeSet<String> origins,
      TreeSet<String> groups,
      TreeSet<String> recipients) {

    Set<Audience> route() {
      return SharingRules.audiencesFor(tlp, origins, groups, recipients);
    }

    Set<Audience> routeAs(Tlp other) {
      return SharingRules.audiencesFor(other, origins, groups, recipients);
    }

    @Override
    public String toString() {
      return Tlp20.label(tlp)
          + " origins="
          + origins
          + " groups="
          + groups
          + " recipients="
          + recipients
          + " in "
          + isac;
    }
  }

  /** One contribution to a derived record: a member's data and its marking. */
  record Input(String member, Tlp tlp) {
    @Override
    public String toString() {
      return member + ":" + Tlp20.label(tlp);
    }
  }

  /** A record derived from some inputs, and one more input that joins it. */
  record Derivation(
      Isac isac,
      List<Input> inputs,
      Input added,
      TreeSet<String> groups,
      TreeSet<String> recipients) {
    @Override
    public String toString() {
      return inputs
          + " + "
          + added
          + " groups="
          + groups
          + " recipients="
          + recipients
          + " in "
          + isac;
    }
  }

  /** A campaign alert as the detector emits it (raw member ids), and the router's k and key. */
  record AlertCase(CampaignAlert alert, int k, String keyId, String key) {
    @Override
    public String toString() {
      return Tlp20.label(alert.getTlp())
          + " members="
          + alert.getMembers()
          + " k="
          + k
          + " revision="
          + alert.getRevision()
          + " "
          + alert.getKeyKind()
          + "|"
          + alert.getKeyValue()
          + " key "
          + keyId
          + "="
          + key;
    }
  }

  /** One sighting as the campaign detector sees it, minutes after the start of the run. */
  record Seen(String member, Tlp tlp, int minute) {
    @Override
    public String toString() {
      return member + ":" + Tlp20.label(tlp) + "@+" + minute + "min";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The oracle.

  /**
   * TLP 2.0 (FIRST) as the ISAC applies it, written from the definitions and from the table in
   * jobs/ROUTING.md, never by calling the code under test.
   *
   * <ul>
   *   <li>TLP:CLEAR: disclosure is not limited.
   *   <li>TLP:GREEN: the community (all members and the partners the ISAC names), not the public.
   *   <li>TLP:AMBER: need to know: the members of the sharing groups the record is addressed to,
   *       the organisations it names, and the members whose own data it carries.
   *   <li>TLP:AMBER+STRICT: the recipient organisation only; TLP:RED: the named individual
   *       recipients only. Either way also the one member whose data it is; with data from several
   *       members, nobody outside the secretariat, since a derived record cannot tell whose input
   *       carried the strict marking.
   *   <li>No marking is handled as TLP:RED.
   * </ul>
   */
  static final class Tlp20 {
    /** Stands for the public: anyone at all, inside the ISAC or not. */
    static final String ANYONE = "*anyone*";

    private Tlp20() {}

    /** 0 (CLEAR) to 4 (RED), from the definitions rather than from the enum's order. */
    static int restrictiveness(Tlp tlp) {
      if (tlp == null) {
        return 4;
      }
      return switch (tlp) {
        case CLEAR -> 0;
        case GREEN -> 1;
        case AMBER -> 2;
        case AMBER_STRICT -> 3;
        case RED -> 4;
      };
    }

    static Tlp strictest(Collection<Tlp> markings) {
      Tlp out = null;
      for (Tlp t : markings) {
        if (out == null || restrictiveness(t) > restrictiveness(out)) {
          out = t;
        }
      }
      return out;
    }

    static String label(Tlp tlp) {
      return tlp == null ? "unmarked" : "TLP:" + tlp.name().replace("_", "+");
    }

    /** Everyone who may learn of the record; contains {@link #ANYONE} when anyone may. */
    static Set<String> mayKnow(
        Isac isac, Tlp tlp, Set<String> origins, Set<String> groups, Set<String> recipients) {
      Set<String> out = new TreeSet<>();
      switch (restrictiveness(tlp)) {
        case 0 -> {
          out.add(ANYONE);
          out.addAll(isac.organisations());
        }
        case 1 -> out.addAll(isac.organisations());
        case 2 -> {
          for (String g : groups) {
            out.addAll(isac.groups().getOrDefault(g, new TreeSet<>()));
          }
          out.addAll(recipients);
          out.addAll(origins);
        }
        default -> {
          if (origins.size() <= 1) {
            out.addAll(recipients);
            out.addAll(origins);
          }
        }
      }
      return out;
    }

    /** Whether the routing table sends such a record to this feed, asked one feed at a time. */
    static boolean promises(
        Audience feed, Tlp tlp, Set<String> origins, Set<String> groups, Set<String> recipients) {
      int r = restrictiveness(tlp);
      return switch (feed.kind()) {
        case PUBLIC -> r == 0;
        case COMMUNITY -> r == 1;
        case GROUP -> r == 2 && groups.contains(feed.name());
        case MEMBER -> {
          if (r >= 3 && origins.size() > 1) {
            yield false;
          }
          // Every member gets back what its own data contributed to; named recipients are served
          // only where the marking limits the audience (CLEAR and GREEN reach them anyway).
          yield origins.contains(feed.name()) || (r >= 2 && recipients.contains(feed.name()));
        }
      };
    }

    /** Every feed that could exist for this record, for the promise to be asked of. */
    static Set<Audience> candidates(Isac isac, Set<String> origins, Set<String> recipients) {
      Set<Audience> out = new TreeSet<>();
      out.add(Audience.PUBLIC);
      out.add(Audience.COMMUNITY);
      GROUPS.forEach(g -> out.add(Audience.group(g)));
      Stream.of(isac.organisations(), origins, recipients)
          .flatMap(Set::stream)
          .forEach(m -> out.add(Audience.member(m)));
      return out;
    }
  }

  /** Who reads more: anyone covers everybody; otherwise plain inclusion. */
  static boolean covers(Set<String> wider, Set<String> narrower) {
    return wider.contains(Tlp20.ANYONE) || wider.containsAll(narrower);
  }

  // ---------------------------------------------------------------------------------------------
  // Arbitraries.

  @Provide
  Arbitrary<Isac> isacs() {
    return Combinators.combine(
            Arbitraries.subsetOf(MEMBERS).ofMinSize(1), Arbitraries.subsetOf(PARTNERS))
        .flatAs(
            (members, partners) -> {
              List<Arbitrary<Set<String>>> groups =
                  GROUPS.stream()
                      .<Arbitrary<Set<String>>>map(g -> Arbitraries.subsetOf(members))
                      .toList();
              return Combinators.combine(groups)
                  .as(
                      in -> {
                        TreeMap<String, TreeSet<String>> byName = new TreeMap<>();
                        for (int i = 0; i < GROUPS.size(); i++) {
                          byName.put(GROUPS.get(i), sorted(in.get(i)));
                        }
                        return new Isac(sorted(members), sorted(partners), byName);
                      });
            });
  }

  @Provide
  Arbitrary<Tlp> markings() {
    return Arbitraries.of(Tlp.class).injectNull(0.15);
  }

  @Provide
  Arbitrary<Shared> shared() {
    return isacs()
        .flatMap(
            isac ->
                Combinators.combine(
                        markings(),
                        Arbitraries.subsetOf(isac.members()).ofMaxSize(4),
                        Arbitraries.subsetOf(GROUPS).ofMaxSize(3),
                        Arbitraries.subsetOf(isac.organisations()).ofMaxSize(3))
                    .as(
                        (tlp, origins, groups, recipients) ->
                            new Shared(
                                isac, tlp, sorted(origins), sorted(groups), sorted(recipients))));
  }

  static Arbitrary<Input> inputs(Isac isac) {
    return Combinators.combine(Arbitraries.of(isac.members()), Arbitraries.of(Tlp.class))
        .as(Input::new);
  }

  @Provide
  Arbitrary<Derivation> derivations() {
    return isacs()
        .flatMap(
            isac ->
                Combinators.combine(
                        inputs(isac).list().ofMinSize(1).ofMaxSize(6),
                        inputs(isac),
                        Arbitraries.subsetOf(GROUPS).ofMaxSize(2),
                        Arbitraries.subsetOf(isac.organisations()).ofMaxSize(2))
                    .as(
                        (in, added, groups, recipients) ->
                            new Derivation(isac, in, added, sorted(groups), sorted(recipients))));
  }

  @Provide
  Arbitrary<AlertCase> alerts() {
    Arbitrary<Set<String>> members = Arbitraries.subsetOf(MEMBERS).ofMinSize(1).ofMaxSize(8);
    Arbitrary<CampaignAlert> alert =
        Combinators.combine(
                members,
                Arbitraries.of(Tlp.class),
                Arbitraries.integers().between(1, 5),
                Arbitraries.of(CampaignKeyKind.class),
                Arbitraries.of(
                    "railfox",
                    "T1071.004",
                    "indicator--39653163-0000-4000-8000-000000000000",
                    "operation night train"),
                Arbitraries.integers().between(0, 100),
                Arbitraries.integers().between(0, 3))
            .as(SharingPropertiesTest::alert);
    return Combinators.combine(
            alert,
            Arbitraries.integers().between(1, 6),
            Arbitraries.of("k1", "k2", "2026-11"),
            Arbitraries.strings().alpha().numeric().ofMinLength(16).ofMaxLength(24))
        .as(AlertCase::new);
  }

  static CampaignAlert alert(
      Set<String> members,
      Tlp tlp,
      int revision,
      CampaignKeyKind kind,
      String keyValue,
      int confidence,
      int late) {
    Instant t0 = Instant.parse("2026-11-01T06:00:00Z");
    EnumSet<Sector> sectors = EnumSet.noneOf(Sector.class);
    members.forEach(m -> sectors.add(sectorOf(m)));
    return CampaignAlert.newBuilder()
        .setAlertId("campaign-alert--" + Integer.toHexString(keyValue.hashCode() ^ revision))
        .setRevision(revision)
        .setKeyKind(kind)
        .setKeyValue(keyValue)
        .setEpisodeStart(t0)
        .setFirstSeen(t0)
        .setLastSeen(t0.plus(Duration.ofHours(3)))
        .setMemberCount(members.size())
        .setSectorCount(sectors.size())
        .setSectors(new ArrayList<>(sectors))
        .setMembers(new ArrayList<>(sorted(members)))
        .setIndicatorIds(
            List.of(
                "indicator--30303031-0000-4000-8000-000000000000",
                "indicator--30303032-0000-4000-8000-000000000000"))
        .setMaxConfidence(confidence)
        .setSeverity(50)
        .setTlp(tlp)
        .setLateSightings(late)
        .build();
  }

  /** A few members across sectors: small enough that runs often repeat and escalate. */
  static final List<String> DETECTOR_MEMBERS =
      List.of("m-rail-01", "m-rail-02", "m-air-01", "m-air-02", "m-port-01", "m-log-01");

  @Provide
  Arbitrary<List<Seen>> sightingRuns() {
    // All within 23 hours: one window, so one episode, and every sighting still counts.
    return Combinators.combine(
            Arbitraries.of(DETECTOR_MEMBERS),
            Arbitraries.of(Tlp.class),
            Arbitraries.integers().between(0, 23 * 60))
        .as(Seen::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(20);
  }

  // ---------------------------------------------------------------------------------------------
  // SharingRules.audiencesFor

  /**
   * Whoever can read any feed a record is routed to is someone its marking lets learn of it:
   * partners only from CLEAR or GREEN, a group's members only when an AMBER record names the group,
   * and for AMBER+STRICT, RED and unmarked records nobody but the named recipients and the single
   * originating member.
   */
  @Property(tries = 1500)
  void noFeedReachesAnyoneTheMarkingExcludes(@ForAll("shared") Shared s) {
    Set<Audience> feeds = s.route();
    Set<String> readers = s.isac().readers(feeds);
    Set<String> allowed = Tlp20.mayKnow(s.isac(), s.tlp(), s.origins(), s.groups(), s.recipients());

    assertThat(covers(allowed, readers))
        .as("%s reach %s, beyond %s", feeds, readers, allowed)
        .isTrue();
    if (Tlp20.restrictiveness(s.tlp()) > 0) {
      assertThat(feeds).doesNotContain(Audience.PUBLIC);
    }

    Statistics.label("marking").collect(Tlp20.label(s.tlp()));
    int origins = s.origins().size();
    Statistics.label("origins").collect(origins >= 2 ? "2+" : String.valueOf(origins));
    Statistics.label("marking")
        .coverage(
            c -> {
              for (Tlp t : Tlp.values()) {
                c.check(Tlp20.label(t)).percentage(p -> p >= 3);
              }
              c.check("unmarked").percentage(p -> p >= 3);
            });
    Statistics.label("origins")
        .coverage(
            c -> {
              c.check("0").percentage(p -> p >= 5);
              c.check("1").percentage(p -> p >= 5);
              c.check("2+").percentage(p -> p >= 20);
            });
  }

  /**
   * The feeds are exactly those the routing table promises: nothing outside the promise (no leak),
   * and nothing promised missing (members must get back what their data contributed to).
   */
  @Property(tries = 1500)
  void theFeedsAreExactlyThoseTheRoutingTablePromises(@ForAll("shared") Shared s) {
    Set<Audience> expected = new TreeSet<>();
    for (Audience a : Tlp20.candidates(s.isac(), s.origins(), s.recipients())) {
      if (Tlp20.promises(a, s.tlp(), s.origins(), s.groups(), s.recipients())) {
        expected.add(a);
      }
    }
    assertThat(sorted(s.route())).isEqualTo(expected);
    Statistics.collect(expected.isEmpty() ? "secretariat only" : "shared");
  }

  /** The same record under a stricter marking never reaches anyone the looser one does not. */
  @Property(tries = 1500)
  void aStricterMarkingNeverReachesMore(@ForAll("shared") Shared s, @ForAll("markings") Tlp other) {
    boolean otherIsStricter = Tlp20.restrictiveness(other) >= Tlp20.restrictiveness(s.tlp());
    Tlp looser = otherIsStricter ? s.tlp() : other;
    Tlp stricter = otherIsStricter ? other : s.tlp();
    Set<String> looserReach = s.isac().readers(s.routeAs(looser));
    Set<String> stricterReach = s.isac().readers(s.routeAs(stricter));

    assertThat(covers(looserReach, stricterReach))
        .as(
            "%s reaches %s, %s only %s",
            Tlp20.label(stricter), stricterReach, Tlp20.label(looser), looserReach)
        .isTrue();
    if (Tlp20.restrictiveness(looser) == Tlp20.restrictiveness(stricter)) {
      // RED and unmarked are one marking to the router.
      assertThat(s.routeAs(looser)).isEqualTo(s.routeAs(stricter));
    }
  }

  /** A derived record's marking is one of its inputs', and no input's is stricter, in any order. */
  @Property(tries = 2000)
  void aDerivedMarkingIsTheStrictestOfItsInputs(@ForAll @Size(min = 1, max = 12) List<Tlp> inputs) {
    Tlp derived = inputs.stream().reduce(Tlps::mostRestrictive).orElseThrow();
    List<Tlp> reversed = new ArrayList<>(inputs);
    Collections.reverse(reversed);
    Tlp backwards = reversed.stream().reduce(Tlps::mostRestrictive).orElseThrow();

    assertThat(inputs).contains(derived);
    for (Tlp t : inputs) {
      assertThat(Tlp20.restrictiveness(derived)).isGreaterThanOrEqualTo(Tlp20.restrictiveness(t));
    }
    assertThat(backwards).isEqualTo(derived);
    assertThat(derived).isEqualTo(Tlp20.strictest(inputs));
  }

  /**
   * When one more input joins a derived record (its marking folds in, its member becomes an
   * origin), the record reaches nobody new except that member, who gets back what its own data
   * contributed to; when the member was already an origin, nobody new at all.
   */
  @Property(tries = 1500)
  void addingAnInputNeverWidensTheAudience(@ForAll("derivations") Derivation d) {
    Set<String> readersBefore = readers(d, d.inputs());
    List<Input> after = new ArrayList<>(d.inputs());
    after.add(d.added());
    Set<String> readersAfter = readers(d, after);

    Set<String> allowed = new TreeSet<>(readersBefore);
    allowed.add(d.added().member());
    assertThat(covers(allowed, readersAfter))
        .as("before %s, after %s", readersBefore, readersAfter)
        .isTrue();
    boolean alreadyOrigin =
        d.inputs().stream().anyMatch(i -> i.member().equals(d.added().member()));
    if (alreadyOrigin) {
      assertThat(covers(readersBefore, readersAfter))
          .as("before %s, after %s", readersBefore, readersAfter)
          .isTrue();
    }
    Statistics.collect(alreadyOrigin ? "known member" : "new member");
  }

  static Set<String> readers(Derivation d, List<Input> inputs) {
    Tlp marking = inputs.stream().map(Input::tlp).reduce(Tlps::mostRestrictive).orElseThrow();
    Set<String> origins =
        inputs.stream().map(Input::member).collect(Collectors.toCollection(TreeSet::new));
    return d.isac()
        .readers(SharingRules.audiencesFor(marking, origins, d.groups(), d.recipients()));
  }

  // ---------------------------------------------------------------------------------------------
  // SharingRouter.route

  /**
   * Every copy of a random alert goes to a feed the routing table promises, and all promised feeds
   * get one; no copy carries a raw member id anywhere in its encoded bytes or decoded fields except
   * a member's own id in its own feed; a member count below k is withheld outside the members' own
   * feeds; and one member's pseudonyms in two feeds differ, so feeds cannot be joined.
   */
  @Property(tries = 1000)
  void noSharedCopyLeavesItsAudienceNamesAnotherMemberOrPublishesASmallCount(
      @ForAll("alerts") AlertCase c) {
    CampaignAlert alert = c.alert();
    Pseudonyms pseudonyms = new Pseudonyms(c.keyId(), c.key().getBytes(StandardCharsets.UTF_8));
    Set<String> origins = sorted(alert.getMembers());
    int n = origins.size();

    List<RoutedRecord> routed = SharingRouter.route(alert, pseudonyms, CODEC, c.k());

    Set<Audience> expected = new TreeSet<>();
    for (String m : origins) {
      Audience own = Audience.member(m);
      if (Tlp20.promises(own, alert.getTlp(), origins, Set.of(), Set.of())) {
        expected.add(own);
      }
    }
    for (Audience shared : List.of(Audience.PUBLIC, Audience.COMMUNITY)) {
      if (Tlp20.promises(shared, alert.getTlp(), origins, Set.of(), Set.of())) {
        expected.add(shared);
      }
    }
    Set<Audience> delivered = new TreeSet<>();
    Map<String, String> feedOfPseudonym = new HashMap<>();

    for (RoutedRecord r : routed) {
      Audience audience = parse(r.audience);
      assertThat(delivered.add(audience)).as("one copy per feed: %s", audience).isTrue();
      assertThat(r.topic).isEqualTo(audience.topic());
      assertThat(new String(r.key, StandardCharsets.UTF_8)).isEqualTo(alert.getAlertId());

      String own = audience.ownMember();
      boolean ownFeed = own != null && origins.contains(own);
      for (String raw : MEMBERS) {
        if (ownFeed && raw.equals(own)) {
          continue;
        }
        byte[] needle = raw.getBytes(StandardCharsets.UTF_8);
        assertThat(containsBytes(r.value, needle))
            .as("%s in the bytes for %s", raw, audience)
            .isFalse();
        assertThat(containsBytes(r.key, needle))
            .as("%s in the key for %s", raw, audience)
            .isFalse();
      }

      CampaignAlert copy = decode(r.value);
      for (String field : strings(copy)) {
        for (String raw : MEMBERS) {
          if (!(ownFeed && raw.equals(own))) {
            assertThat(field).as("field of the copy for %s", audience).doesNotContain(raw);
          }
        }
      }
      assertThat(copy.getTlp()).isEqualTo(alert.getTlp());
      assertThat(copy.getAlertId()).isEqualTo(alert.getAlertId());
      assertThat(copy.getRevision()).isEqualTo(alert.getRevision());
      assertThat(copy.getPseudonymKeyId()).isEqualTo(c.keyId());

      if (!ownFeed && n < c.k()) {
        assertThat(copy.getCountsWithheld())
            .as("a count of %d below k=%d withheld in %s", n, c.k(), audience)
            .isTrue();
        assertThat(copy.getMemberCount()).isZero();
        assertThat(copy.getSectorCount()).isZero();
        assertThat(copy.getSectors()).isEmpty();
        assertThat(copy.getMembers()).isEmpty();
        Statistics.label("copy").collect("count withheld");
      } else {
        assertThat(copy.getCountsWithheld())
            .as("a count of %d (k=%d) published in %s", n, c.k(), audience)
            .isFalse();
        assertThat(copy.getMemberCount()).isEqualTo(n);
        assertThat(copy.getSectorCount()).isEqualTo(alert.getSectorCount());
        assertThat(copy.getMembers()).hasSize(n);
        for (String m : copy.getMembers()) {
          if (ownFeed && m.equals(own)) {
            continue;
          }
          assertThat(m).matches(PSEUDONYM);
          String before = feedOfPseudonym.put(m, audience.toString());
          assertThat(before).as("pseudonym %s in %s and %s", m, before, audience).isNull();
        }
        if (ownFeed) {
          assertThat(copy.getMembers()).containsOnlyOnce(own);
        }
        Statistics.label("copy").collect(ownFeed ? "own feed" : "published");
      }
    }
    assertThat(delivered).isEqualTo(expected);

    Statistics.label("marking").collect(Tlp20.label(alert.getTlp()));
    Statistics.label("copy")
        .coverage(
            cov -> {
              cov.check("own feed").percentage(p -> p >= 20);
              cov.check("published").percentage(p -> p >= 3);
              cov.check("count withheld").percentage(p -> p >= 3);
            });
  }

  /** The schema gives an alert no way to be unmarked, so the router never sees one. */
  @Example
  void anAlertCannotBeUnmarked() {
    assertThatThrownBy(
            () ->
                CampaignAlert.newBuilder(
                        alert(Set.of("m-rail-01"), Tlp.GREEN, 1, CampaignKeyKind.ACTOR, "x", 1, 0))
                    .setTlp(null)
                    .build())
        .hasMessageContaining("tlp");
  }

  // ---------------------------------------------------------------------------------------------
  // From sightings to feeds: CampaignDetector, then SharingRouter.

  /**
   * Random sightings of one actor within one window, through the real detector and then the router:
   * every revision carries the strictest marking of all sightings so far (never relaxing), names
   * exactly the members seen so far, and goes only to feeds that marking allows for those origins;
   * revisions count up without duplicates; no state or timer outlives the window.
   */
  @Property(tries = 200)
  void alertsFromSightingsCarryTheirStrictestMarkingAndGoNowhereElse(
      @ForAll("sightingRuns") List<Seen> run,
      @ForAll @IntRange(min = 2, max = 3) int minMembers,
      @ForAll @IntRange(min = 1, max = 5) int k)
      throws Exception {
    Pseudonyms pseudonyms =
        new Pseudonyms("k1", "a-property-test-key".getBytes(StandardCharsets.UTF_8));
    long t0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    try (var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new CampaignDetector(minMembers, Duration.ofHours(24), Duration.ofHours(1), 4)),
            CampaignObservation::key,
            Types.STRING)) {
      harness.open();
      List<Tlp> markingsSoFar = new ArrayList<>();
      Set<String> membersSoFar = new TreeSet<>();
      Set<Sector> sectorsSoFar = new HashSet<>();
      CampaignAlert previous = null;
      int alerts = 0;
      for (Seen s : run) {
        CampaignObservation o = new CampaignObservation();
        o.kind = CampaignKeyKind.ACTOR;
        o.value = "railfox";
        o.member = s.member();
        o.sector = sectorOf(s.member());
        o.eventTime = t0 + s.minute() * 60_000L;
        o.tlp = s.tlp();
        o.confidence = 60;
        o.indicatorId = IndicatorIds.spelled(String.valueOf(s.minute() % 7));
        o.sightingId = "sighting--" + s;
        harness.processElement(new StreamRecord<>(o, o.eventTime));
        markingsSoFar.add(s.tlp());
        membersSoFar.add(s.member());
        sectorsSoFar.add(o.sector);

        List<CampaignAlert> out =
            harness.extractOutputValues().stream()
                .filter(CampaignAlert.class::isInstance)
                .map(CampaignAlert.class::cast)
                .toList();
        harness.getOutput().clear();
        assertThat(out.size()).as("alerts for one sighting").isLessThanOrEqualTo(1);
        if (out.isEmpty()) {
          continue;
        }
        CampaignAlert a = out.get(0);
        alerts++;
        Tlp strictest = Tlp20.strictest(markingsSoFar);
        assertThat(a.getTlp()).as("marking after %s", markingsSoFar).isEqualTo(strictest);
        assertThat(a.getMembers()).containsExactlyElementsOf(membersSoFar);
        assertThat(a.getMemberCount()).isGreaterThanOrEqualTo(minMembers);
        if (previous == null) {
          assertThat(a.getRevision()).isEqualTo(1);
        } else {
          assertThat(a.getAlertId()).isEqualTo(previous.getAlertId());
          assertThat(a.getRevision()).isEqualTo(previous.getRevision() + 1);
          assertThat(
                  a.getMemberCount() > previous.getMemberCount()
                      || a.getSectorCount() > previous.getSectorCount())
              .as("%s repeats %s", a, previous)
              .isTrue();
        }
        previous = a;

        Set<String> origins = sorted(membersSoFar);
        for (RoutedRecord r : SharingRouter.route(a, pseudonyms, CODEC, k)) {
          Audience feed = parse(r.audience);
          assertThat(Tlp20.promises(feed, strictest, origins, Set.of(), Set.of()))
              .as("%s for %s from %s", feed, Tlp20.label(strictest), origins)
              .isTrue();
        }
      }
      if (previous != null) {
        // Growth since the last revision that did not add members or sectors raises nothing.
        assertThat(previous.getMemberCount()).isEqualTo(membersSoFar.size());
        assertThat(previous.getSectorCount()).isEqualTo(sectorsSoFar.size());
      } else {
        assertThat(membersSoFar.size()).isLessThan(minMembers);
      }

      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
      Statistics.label("alerts")
          .collect(alerts == 0 ? "none" : alerts == 1 ? "raised" : "escalated");
      Statistics.label("alerts")
          .coverage(
              cov -> {
                // Runs must mostly alert, and often escalate, or the checks above prove little.
                cov.check("none").percentage(p -> p <= 60);
                cov.check("escalated").percentage(p -> p >= 25);
              });
    }
  }

  // ---------------------------------------------------------------------------------------------

  static Audience parse(String audience) {
    return switch (audience) {
      case "community" -> Audience.COMMUNITY;
      case "public" -> Audience.PUBLIC;
      default -> {
        String[] parts = audience.split(":", 2);
        yield switch (parts[0]) {
          case "member" -> Audience.member(parts[1]);
          case "group" -> Audience.group(parts[1]);
          default -> throw new AssertionError("not an audience: " + audience);
        };
      }
    };
  }

  static CampaignAlert decode(byte[] value) {
    try {
      return CODEC.decode(value);
    } catch (java.io.IOException e) {
      throw new AssertionError("a routed record does not decode", e);
    }
  }

  static boolean containsBytes(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Every string anywhere in a record, so that a field added later is searched too. */
  static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    collectStrings(value, out);
    return out;
  }

  private static void collectStrings(Object value, List<String> out) {
    if (value instanceof CharSequence s) {
      out.add(s.toString());
    } else if (value instanceof IndexedRecord r) {
      for (int i = 0; i < r.getSchema().getFields().size(); i++) {
        collectStrings(r.get(i), out);
      }
    } else if (value instanceof Collection<?> c) {
      c.forEach(v -> collectStrings(v, out));
    } else if (value instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            collectStrings(k, out);
            collectStrings(v, out);
          });
    }
  }
}
