package org.signalbox.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.signalbox.core.DeterministicIds;
import org.signalbox.core.IndicatorOwnership;
import org.signalbox.schema.Tlp;
import org.signalbox.topics.SignalboxTopics;

/**
 * The gateway's configuration file (YAML): its collections, one per audience, and its members with
 * the audiences each may read. See gateway/GATEWAY.md for an example.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class GatewayConfig {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /**
   * The router's audience forms ({@code org.signalbox.jobs.sharing.Audience#toString()}), whose
   * names follow Kafka's topic characters, or a plain {@link #NAME}.
   */
  private static final Pattern AUDIENCE =
      Pattern.compile("(?:member|group):[A-Za-z0-9._-]{1,200}|" + NAME.pattern());

  /** Title of the discovery resource and the API root. */
  @JsonProperty public String title = "Signalbox TAXII 2.1";

  /** Path segment of the single API root, e.g. {@code isac} for {@code /isac/}. */
  @JsonProperty public String apiRoot = "isac";

  /** Hex key (at least 32 hex digits) of the per-audience member pseudonyms. */
  @JsonProperty public String pseudonymKey;

  @JsonProperty public List<Collection> collections = new ArrayList<>();
  @JsonProperty public List<Member> members = new ArrayList<>();

  /**
   * Indicator source name of the secretariat, the one source that may change another source's
   * indicator (as the correlate job's {@code correlate.secretariat-source}); any other change from
   * a source other than the indicator's original one is not served. Null when the file does not set
   * it: then {@code signalbox gateway --members FILE} takes the directory's {@code secretariat},
   * and without a directory it is {@link IndicatorOwnership#DEFAULT_SECRETARIAT_SOURCE}.
   */
  @JsonProperty public String secretariatSource;

  /** {@link #secretariatSource}, or the default when none was set. */
  public String secretariatSource() {
    return secretariatSource != null
        ? secretariatSource
        : IndicatorOwnership.DEFAULT_SECRETARIAT_SOURCE;
  }

  /**
   * Topic the indicators that sightings and alerts refer to are read from, so that every collection
   * can serve them as far as each indicator's own marking allows its audience ({@code
   * IndicatorReach}); by default {@value SignalboxTopics#INDICATORS}. Empty: none are read, and
   * sightings refer to indicators their collection may not hold.
   */
  @JsonProperty public String indicatorsTopic = SignalboxTopics.INDICATORS;

  /** Bounds on what strangers can make the gateway spend; defaults when absent. */
  @JsonProperty public GatewayLimits limits;

  public GatewayLimits limits() {
    return limits != null ? limits : new GatewayLimits();
  }

  /**
   * Member ids (as sightings name them) that opted in to attribution: their sightings point at a
   * named {@code identity} in every collection instead of a per-audience pseudonym. {@code
   * signalbox gateway --members FILE} adds the members the directory marks {@code attribution:
   * true}.
   */
  @JsonProperty public List<String> attributedMembers = new ArrayList<>();

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static final class Collection {
    /**
     * The audience whose feed this collection serves, written as the sharing router writes it:
     * {@code member:<id>}, {@code group:<name>}, {@code community} or {@code public}; or a plain
     * name for a feed that something else writes.
     */
    @JsonProperty public String audience;

    @JsonProperty public String title;
    @JsonProperty public String description;

    /**
     * Topics it is read from; by default the router's topic of the audience ({@link
     * SignalboxTopics#feedTopic}): {@code feed.member.<id>}, {@code feed.group.<name>}, {@code
     * feed.community}, {@code feed.public}, or {@code feed.<name>} for a plain name.
     */
    @JsonProperty public List<String> topics;

    /**
     * The most restrictive TLP served; objects above it are withheld and counted. The router has
     * already routed the feed topics; this is the gateway's own check of the same table
     * (jobs/ROUTING.md), so by default it is the most the router may put in that audience's feed:
     * {@code member:} RED (a member's own feed), {@code group:} AMBER, {@code community} GREEN,
     * {@code public} CLEAR, and GREEN for a plain name (e.g. a collection backed by raw topics).
     */
    @JsonProperty public Tlp maxTlp;

    public Tlp maxTlp() {
      return maxTlp != null ? maxTlp : defaultMaxTlp(audience);
    }

    static Tlp defaultMaxTlp(String audience) {
      if (audience.startsWith("member:")) {
        return Tlp.RED;
      }
      if (audience.startsWith("group:")) {
        return Tlp.AMBER;
      }
      return "public".equals(audience) ? Tlp.CLEAR : Tlp.GREEN;
    }

    /** The collection's TAXII id; a stable name-based UUID of the audience when not given. */
    @JsonProperty public String id;

    public String id() {
      return id != null ? id : DeterministicIds.uuid("signalbox-audience:" + audience).toString();
    }

    public List<String> topics() {
      return topics != null && !topics.isEmpty()
          ? topics
          : List.of(SignalboxTopics.feedTopic(audience));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static final class Member {
    @JsonProperty public String name;

    /** {@link PasswordHash} text form. */
    @JsonProperty public String passwordHash;

    @JsonProperty public List<String> audiences = new ArrayList<>();

    /**
     * An account of the secretariat (the ISAC office), which may also read collections on raw job
     * topics ({@link #rawTopicOf}); members may not.
     */
    @JsonProperty public boolean secretariat;
  }

  /**
   * The first topic of a collection that a member may not read, or null if it serves only what a
   * member may see. Members are served what the sharing router routed to their audiences (the
   * {@code feed.*} topics), and the community's indicators up to TLP:GREEN ({@value
   * SignalboxTopics#INDICATORS} names no audience, so nothing above GREEN in it is meant for every
   * member). Every other topic ({@code sightings}, {@code campaign-alerts}, {@code deadletter},
   * {@code indicator-audit}, telemetry, feedback, ...) is a raw job topic: it holds members' own
   * records before routing (their ids, individual sightings that are not attributed), for the
   * secretariat's accounts only.
   */
  static String rawTopicOf(Collection c) {
    for (String t : c.topics()) {
      if (t.startsWith(SignalboxTopics.FEED_PREFIX)) {
        continue;
      }
      if (t.equals(SignalboxTopics.INDICATORS) && c.maxTlp().ordinal() <= Tlp.GREEN.ordinal()) {
        continue;
      }
      return t;
    }
    return null;
  }

  /**
   * The first feed topic of a collection that is routed to another audience than the collection's
   * own, or null. A collection for {@code member:a} that also reads {@code feed.member.b} would
   * serve b's sightings to a: the router routed them to b only. Allowed besides the audience's own
   * feed and its digests: {@value SignalboxTopics#COMMUNITY_FEED} and {@value
   * SignalboxTopics#PUBLIC_FEED}, which every member may read.
   */
  static String foreignFeedOf(Collection c) {
    List<String> allowed = new ArrayList<>();
    for (String feed :
        List.of(
            SignalboxTopics.feedTopic(c.audience),
            SignalboxTopics.COMMUNITY_FEED,
            SignalboxTopics.PUBLIC_FEED)) {
      allowed.add(feed);
      allowed.add(feed + ".digest-hourly");
      allowed.add(feed + ".digest-daily");
    }
    for (String t : c.topics()) {
      if (!t.startsWith(SignalboxTopics.FEED_PREFIX) || allowed.contains(t)) {
        continue;
      }
      if (t.equals(SignalboxTopics.INDICATORS) && c.maxTlp().ordinal() <= Tlp.GREEN.ordinal()) {
        continue;
      }
      return t;
    }
    return null;
  }

  public static GatewayConfig read(Path file) throws IOException {
    ObjectMapper yaml =
        JsonMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();
    GatewayConfig c;
    try {
      c = yaml.readValue(Files.readString(file), GatewayConfig.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": " + e.getOriginalMessage() + locationOf(e), e);
    }
    if (c == null) {
      throw new IllegalArgumentException(file + " is empty");
    }
    c.validate();
    return c;
  }

  private static String locationOf(com.fasterxml.jackson.core.JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  /** Checks the whole file and reports the first fault by its place in it. */
  public void validate() {
    require(apiRoot != null && NAME.matcher(apiRoot).matches(), "apiRoot must match " + NAME);
    require(!"taxii2".equals(apiRoot), "apiRoot may not be 'taxii2' (the discovery path)");
    if (pseudonymKey != null) {
      require(
          pseudonymKey.matches("[0-9a-fA-F]{32,}") && pseudonymKey.length() % 2 == 0,
          "pseudonymKey must be at least 32 hex digits");
    }
    limits().validate();
    if (indicatorsTopic != null && !indicatorsTopic.isEmpty()) {
      try {
        SignalboxTopics.validateTopicName(indicatorsTopic);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("indicatorsTopic: " + e.getMessage());
      }
    }
    require(!collections.isEmpty(), "no collections are configured");
    Set<String> audiences = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < collections.size(); i++) {
      Collection col = collections.get(i);
      String where = "collections[" + i + "]";
      require(
          col.audience != null && AUDIENCE.matcher(col.audience).matches(),
          where
              + ".audience must be member:<id>, group:<name>, community, public or match "
              + NAME);
      require(
          audiences.add(col.audience), where + ": audience " + col.audience + " is served twice");
      for (String t : col.topics()) {
        try {
          SignalboxTopics.validateTopicName(t);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ".topics: " + e.getMessage());
        }
      }
      try {
        UUID.fromString(col.id());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ".id must be a UUID");
      }
      require(ids.add(col.id()), where + ": id " + col.id() + " is used twice");
    }
    for (int i = 0; i < attributedMembers.size(); i++) {
      String a = attributedMembers.get(i);
      require(
          a != null && !a.isBlank(), "attributedMembers[" + i + "] must be a non-empty member id");
    }
    require(!members.isEmpty(), "no members are configured");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      String where = "members[" + i + "]";
      require(
          m.name != null && !m.name.isBlank() && !m.name.contains(":"),
          where + ".name must be non-empty and without ':'");
      require(names.add(m.name), where + ": member " + m.name + " is listed twice");
      require(m.passwordHash != null, where + ".passwordHash is missing");
      try {
        PasswordHash.checkFormat(m.passwordHash);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ".passwordHash: " + e.getMessage());
      }
      for (String a : m.audiences) {
        require(audiences.contains(a), where + ": audience " + a + " has no collection");
        if (m.secretariat) {
          continue;
        }
        Collection col = collections.stream().filter(x -> x.audience.equals(a)).findFirst().get();
        String raw = rawTopicOf(col);
        if (raw != null) {
          throw new IllegalArgumentException(
              where
                  + " ("
                  + m.name
                  + "): audience "
                  + a
                  + (raw.equals(SignalboxTopics.INDICATORS)
                      ? " reads the indicators topic with maxTlp "
                          + col.maxTlp().name().toLowerCase(java.util.Locale.ROOT)
                          + "; it names no audience, so members may read it only up to green"
                      : " reads the raw job topic '"
                          + raw
                          + "'; members are served only what the sharing router routed to their"
                          + " audiences (feed.* topics)")
                  + ". Raw topics are for the secretariat's own accounts (secretariat: true)");
        }
        String foreign = foreignFeedOf(col);
        if (foreign != null) {
          throw new IllegalArgumentException(
              where
                  + " ("
                  + m.name
                  + "): audience "
                  + a
                  + " reads '"
                  + foreign
                  + "', which the sharing router routes to another audience; a collection"
                  + " granted to members reads its own audience's feed ("
                  + SignalboxTopics.feedTopic(a)
                  + "), "
                  + SignalboxTopics.COMMUNITY_FEED
                  + ", "
                  + SignalboxTopics.PUBLIC_FEED
                  + " and their digests");
        }
      }
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
