package org.signalbox.cli.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.signalbox.core.IndicatorIds;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.IndicatorContext;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Provenance;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.Tlp;

/**
 * Generated indicators and Zeek-like telemetry (DNS, TLS, connections) for four members in four
 * sectors, with a known share of planted indicator hits. The value spaces of indicators and of
 * benign traffic never overlap, so the generator knows exactly how many sightings are due.
 */
public final class DemoData {

  /** Three members per sector: enough that per-sector figures clear the k = 3 publication rule. */
  public static final List<DemoMember> MEMBERS =
      List.of(
          new DemoMember("rail-operator-a", Sector.RAIL),
          new DemoMember("rail-operator-b", Sector.RAIL),
          new DemoMember("rail-infra-c", Sector.RAIL),
          new DemoMember("airline-a", Sector.AVIATION),
          new DemoMember("airline-b", Sector.AVIATION),
          new DemoMember("cargo-airline-c", Sector.AVIATION),
          new DemoMember("airport-a", Sector.AIRPORT),
          new DemoMember("airport-b", Sector.AIRPORT),
          new DemoMember("airport-c", Sector.AIRPORT),
          new DemoMember("logistics-a", Sector.LOGISTICS),
          new DemoMember("logistics-b", Sector.LOGISTICS),
          new DemoMember("port-logistics-c", Sector.LOGISTICS));

  /**
   * Members in the directory that send nothing (no telemetry, indicators or feedback): they only
   * read their feeds, and the trends count them as consumers.
   */
  public static final List<DemoMember> READERS =
      List.of(
          new DemoMember("regional-airport-d", Sector.AIRPORT),
          new DemoMember("freight-forwarder-d", Sector.LOGISTICS));

  /** Members that share a few indicators of their own, under their member id, during the demo. */
  static final List<String> SHARING = List.of("rail-operator-a", "airline-b", "airport-c");

  /**
   * The demo's member directory: each member in its sector's working group and the whole ISAC, one
   * airline that opted in to be named, and a daily capacity per member for the trends (rail teams
   * are small: a one-minute demo puts them near or over theirs).
   */
  public static MemberDirectory directory() {
    List<MemberDirectory.Member> members = new ArrayList<>();
    List<DemoMember> all = new ArrayList<>(MEMBERS);
    all.addAll(READERS);
    for (DemoMember m : all) {
      members.add(
          new MemberDirectory.Member(
              m.id(),
              m.sector(),
              Set.of(m.sector().name().toLowerCase(Locale.ROOT), "isac"),
              m.id().equals("airline-a"),
              m.id().startsWith("rail") ? 15 : 500));
    }
    return new MemberDirectory("isac-secretariat", Set.of("national-cert"), members);
  }

  private static final String[] ACTORS = {"RAILFOX", "SKYHOOK", "CARGO SPIDER", "TARMAC PANDA"};
  private static final String[] CAMPAIGNS = {
    "Operation Junction",
    "Operation Holding Pattern",
    "Operation Bill of Lading",
    "Operation Gate Change"
  };
  private static final String[] TECHNIQUES = {
    "T1071.004", "T1566.001", "T1190", "T1078", "T0855", "T1486", "T1572"
  };
  private static final String[] CVES = {
    "CVE-2024-3400", "CVE-2023-4966", "CVE-2024-21887", "CVE-2023-20198"
  };
  private static final String[] BAD_WORDS = {
    "update", "cdn", "sync", "login", "track", "parcel", "fare", "crew", "gate"
  };
  private static final String[] BAD_TLDS = {"xyz", "top", "click", "info", "biz"};
  private static final String[] GOOD_SITES = {
    "timetable.example-rail.eu", "www.example-airline.com", "ops.example-airport.org",
    "api.example-freight.net", "fonts.example-cdn.com", "ocsp.example-ca.net",
    "teams.example-office.com", "updates.example-os.com", "weather.example-met.int",
    "tracking.example-post.eu"
  };

  /** Value a planted hit uses, and the indicator ids that must match it. */
  private record Plant(ObservableType type, String value, int matches) {}

  private final SplittableRandom random;
  private final Instant now;
  private final List<Indicator> indicators = new ArrayList<>();
  private final List<Plant> live = new ArrayList<>();
  private final List<Plant> dead = new ArrayList<>();
  private final List<String> cidrPrefixes = new ArrayList<>();
  private final List<String> suffixes = new ArrayList<>();
  private long sequence;
  private long expectedSightings;
  private final Map<Sector, Long> expectedBySector = new HashMap<>();

  public DemoData(long seed, int exactIndicators, Instant now) {
    this.random = new SplittableRandom(seed);
    this.now = now;
    generateIndicators(exactIndicators);
  }

  public List<Indicator> indicators() {
    return indicators;
  }

  /** Sightings the telemetry generated so far must produce. */
  public long expectedSightings() {
    return expectedSightings;
  }

  public Map<Sector, Long> expectedBySector() {
    return expectedBySector;
  }

  /** Ids whose newest version is valid now and not revoked: what the job should hold. */
  public long liveIndicatorCount() {
    Map<String, Indicator> newest = new HashMap<>();
    for (Indicator i : indicators) {
      newest.merge(i.getId(), i, (a, b) -> a.getVersion().isAfter(b.getVersion()) ? a : b);
    }
    return newest.values().stream()
        .filter(i -> !i.getRevoked())
        .filter(i -> i.getValidUntil() == null || i.getValidUntil().isAfter(now))
        .count();
  }

  private void generateIndicators(int exact) {
    // Values are unique, so that each planted hit is due exactly one sighting.
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int i = 0; i < exact; i++) {
      int kind = random.nextInt(100);
      ObservableType type;
      String value;
      if (kind < 40) {
        type = ObservableType.IPV4;
        value =
            (45 + random.nextInt(3) * 46)
                + "."
                + random.nextInt(256)
                + "."
                + random.nextInt(256)
                + "."
                + (1 + random.nextInt(254));
      } else if (kind < 75) {
        type = ObservableType.DOMAIN;
        value = badDomain();
      } else if (kind < 90) {
        type = ObservableType.SHA256;
        value = hex(64);
      } else {
        type = ObservableType.URL;
        value =
            "http://"
                + badDomain()
                + "/"
                + BAD_WORDS[random.nextInt(BAD_WORDS.length)]
                + "/"
                + hex(8)
                + ".php";
      }
      if (!used.add(type + "|" + value) || value.startsWith("91.203.")) {
        i--; // taken, or inside the block reserved for withdrawn indicators
        continue;
      }
      Indicator ind = base(type, value, MatchKind.EXACT).build();
      indicators.add(ind);
      live.add(new Plant(type, value, 1));
    }
    for (int i = 0; i < 20; i++) {
      String net = "185.220." + (100 + i) + ".0/24";
      indicators.add(base(ObservableType.IPV4, net, MatchKind.CIDR).build());
      cidrPrefixes.add("185.220." + (100 + i) + ".");
    }
    for (int i = 0; i < 20; i++) {
      String parent = BAD_WORDS[i % BAD_WORDS.length] + "-relay" + i + ".net";
      indicators.add(base(ObservableType.DOMAIN, "*." + parent, MatchKind.DOMAIN_SUFFIX).build());
      suffixes.add(parent);
    }
    // Withdrawn and expired indicators: planted in traffic too, and must never match.
    for (int i = 0; i < 10; i++) {
      String value = "91.203." + i + "." + (10 + i);
      Indicator v1 = base(ObservableType.IPV4, value, MatchKind.EXACT).build();
      indicators.add(v1);
      if (i < 5) {
        indicators.add(
            Indicator.newBuilder(v1)
                .setVersion(v1.getVersion().plusSeconds(3600))
                .setRevoked(true)
                .build());
      } else {
        // Replace the live version with one whose validity ended yesterday.
        indicators.add(
            Indicator.newBuilder(v1)
                .setVersion(v1.getVersion().plusSeconds(3600))
                .setValidFrom(now.minus(Duration.ofDays(30)))
                .setValidUntil(now.minus(Duration.ofDays(1)))
                .build());
      }
      dead.add(new Plant(ObservableType.IPV4, value, 0));
    }
    // Shared by members today, under their member id: their contribution of indicators. Values in
    // a reserved test domain that no traffic uses, so they add no sightings.
    for (String member : SHARING) {
      for (int i = 1; i <= 2; i++) {
        indicators.add(
            base(
                    ObservableType.DOMAIN,
                    "lure-" + i + "." + member + ".example.net",
                    MatchKind.EXACT)
                .setVersion(now)
                .setSource(member)
                .build());
      }
    }
  }

  private Indicator.Builder base(ObservableType type, String value, MatchKind kind) {
    int a = random.nextInt(ACTORS.length);
    Tlp tlp = random.nextInt(10) < 7 ? Tlp.GREEN : random.nextInt(3) == 0 ? Tlp.CLEAR : Tlp.AMBER;
    return Indicator.newBuilder()
        .setId(IndicatorIds.random(random.nextLong(), random.nextLong()))
        .setVersion(now.minus(Duration.ofDays(2)))
        .setObservableType(type)
        .setValue(value)
        .setMatchKind(kind)
        .setValidFrom(now.minus(Duration.ofDays(7)))
        .setValidUntil(now.plus(Duration.ofDays(30)))
        .setConfidence(50 + random.nextInt(50))
        .setTlp(tlp)
        .setSource(
            random.nextBoolean() ? "isac-secretariat" : "member-feed-" + (1 + random.nextInt(3)))
        .setLabels(List.of("malicious-activity"))
        .setContext(
            IndicatorContext.newBuilder()
                .setThreatActors(List.of(ACTORS[a]))
                .setCampaigns(List.of(CAMPAIGNS[a]))
                .setAttackPatterns(List.of(TECHNIQUES[random.nextInt(TECHNIQUES.length)]))
                .setVulnerabilities(
                    random.nextInt(4) == 0 ? List.of(CVES[random.nextInt(CVES.length)]) : List.of())
                .build());
  }

  /** The next telemetry event; {@code hitPercent} of them carry a planted indicator value. */
  public TelemetryEvent nextEvent(int hitPercent) {
    DemoMember m = MEMBERS.get(random.nextInt(MEMBERS.size()));
    int kind = random.nextInt(10);
    String sourceType = kind < 5 ? "zeek.dns" : kind < 8 ? "zeek.ssl" : "zeek.conn";
    List<Observable> obs = new ArrayList<>();
    Map<String, String> attrs = new HashMap<>();
    String client =
        "10." + random.nextInt(4) + "." + random.nextInt(256) + "." + (2 + random.nextInt(250));
    obs.add(new Observable(ObservableType.IPV4, client, ObservableRole.SOURCE));
    boolean hit = random.nextInt(100) < hitPercent;
    switch (sourceType) {
      case "zeek.dns":
        {
          String q = GOOD_SITES[random.nextInt(GOOD_SITES.length)];
          String a = benignIp();
          if (hit) {
            Plant p = plantFor(m, ObservableType.DOMAIN, ObservableType.IPV4);
            if (p.type == ObservableType.DOMAIN) {
              q = p.value;
            } else {
              a = p.value;
            }
          }
          obs.add(new Observable(ObservableType.DOMAIN, q, ObservableRole.QUERY));
          obs.add(new Observable(ObservableType.IPV4, a, ObservableRole.ANSWER));
          attrs.put("dns.qtype", "A");
          attrs.put("dns.rcode", "NOERROR");
          break;
        }
      case "zeek.ssl":
        {
          String sni = GOOD_SITES[random.nextInt(GOOD_SITES.length)];
          String dst = benignIp();
          if (hit) {
            Plant p = plantFor(m, ObservableType.DOMAIN, ObservableType.IPV4);
            if (p.type == ObservableType.DOMAIN) {
              sni = p.value;
            } else {
              dst = p.value;
            }
          }
          obs.add(new Observable(ObservableType.DOMAIN, sni, ObservableRole.SERVER_NAME));
          obs.add(new Observable(ObservableType.IPV4, dst, ObservableRole.DESTINATION));
          attrs.put("tls.version", random.nextBoolean() ? "TLSv13" : "TLSv12");
          break;
        }
      default:
        {
          String dst = benignIp();
          if (hit) {
            Plant p = plantFor(m, ObservableType.IPV4, ObservableType.SHA256);
            if (p.type == ObservableType.IPV4) {
              dst = p.value;
            } else {
              obs.add(
                  new Observable(
                      p.type,
                      p.value,
                      p.type == ObservableType.URL
                          ? ObservableRole.URL
                          : ObservableRole.FILE_HASH));
            }
          }
          obs.add(new Observable(ObservableType.IPV4, dst, ObservableRole.DESTINATION));
          attrs.put("conn.proto", "tcp");
          attrs.put("conn.service", random.nextBoolean() ? "http" : "ssl");
        }
    }
    return TelemetryEvent.newBuilder()
        .setEventId(m.id() + "-" + (++sequence))
        .setMember(m.id())
        .setSector(m.sector())
        .setSourceType(sourceType)
        .setEventTime(Instant.now().minusMillis(random.nextInt(2000)))
        .setObservables(obs)
        .setAttributes(attrs)
        .setTlp(random.nextInt(4) == 0 ? Tlp.GREEN : Tlp.AMBER)
        .setProvenance(
            Provenance.newBuilder()
                .setParser("demo-generator")
                .setOrigin(sourceType + ".log")
                .build())
        .build();
  }

  /**
   * Picks a planted value and counts the sightings it must produce. Most plants are live exact
   * values; some hit a CIDR range or a domain suffix; some hit a withdrawn or expired indicator.
   */
  private Plant plantFor(DemoMember m, ObservableType preferred, ObservableType alternative) {
    int r = random.nextInt(100);
    Plant p;
    if (r < 10) {
      p = dead.get(random.nextInt(dead.size()));
    } else if (r < 25) {
      p =
          new Plant(
              ObservableType.IPV4,
              cidrPrefixes.get(random.nextInt(cidrPrefixes.size())) + (1 + random.nextInt(254)),
              1);
    } else if (r < 40) {
      p =
          new Plant(
              ObservableType.DOMAIN,
              BAD_WORDS[random.nextInt(BAD_WORDS.length)]
                  + "."
                  + suffixes.get(random.nextInt(suffixes.size())),
              1);
    } else {
      p = live.get(random.nextInt(live.size()));
    }
    // Events have one slot for each kind of value; keep the plant where it fits.
    if (p.type != preferred
        && p.type != alternative
        && !(p.type == ObservableType.URL && alternative == ObservableType.SHA256)) {
      return plantFor(m, preferred, alternative);
    }
    expectedSightings += p.matches;
    expectedBySector.merge(m.sector(), (long) p.matches, Long::sum);
    return p;
  }

  private String badDomain() {
    return BAD_WORDS[random.nextInt(BAD_WORDS.length)]
        + "-"
        + hex(6)
        + "."
        + BAD_TLDS[random.nextInt(BAD_TLDS.length)];
  }

  /** Public addresses outside every indicator block (45/91/137 exact, 185.220 ranges). */
  private String benignIp() {
    int[] firsts = {23, 104, 151, 172};
    int first = firsts[random.nextInt(firsts.length)];
    int second = first == 172 ? 64 + random.nextInt(32) : random.nextInt(256);
    return first + "." + second + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
  }

  private String hex(int chars) {
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; i < chars; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
