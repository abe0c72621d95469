package org.signalbox.jobs.sharing;

import java.util.Comparator;
import java.util.regex.Pattern;
import org.signalbox.topics.SignalboxTopics;

/**
 * Who may read a feed: one member organisation, a sharing group (a working group such as rail, or a
 * named partner circle), the whole community (all members and the partners the ISAC names), or the
 * public. Each audience has one Kafka topic, {@code feed.<kind>.<name>}.
 */
public record Audience(Kind kind, String name) implements Comparable<Audience> {

  public enum Kind {
    MEMBER,
    GROUP,
    COMMUNITY,
    PUBLIC
  }

  public static final Audience COMMUNITY = new Audience(Kind.COMMUNITY, "");
  public static final Audience PUBLIC = new Audience(Kind.PUBLIC, "");

  /** Kafka's legal topic characters; a name outside them could not become a feed topic. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  public Audience {
    boolean named = kind == Kind.MEMBER || kind == Kind.GROUP;
    if (named && (name == null || !NAME.matcher(name).matches())) {
      throw new IllegalArgumentException(
          "audience name must be 1 to 200 of [A-Za-z0-9._-]: " + kind + " '" + name + "'");
    }
    if (!named && !"".equals(name)) {
      throw new IllegalArgumentException(kind + " audience takes no name: '" + name + "'");
    }
  }

  public static Audience member(String id) {
    return new Audience(Kind.MEMBER, id);
  }

  public static Audience group(String id) {
    return new Audience(Kind.GROUP, id);
  }

  /**
   * The audience a text names: its {@link #toString()} form ({@code member:rail-a}, {@code
   * group:rail}, {@code community}, {@code public}) or its feed topic ({@code feed.member.rail-a},
   * {@code feed.group.rail}, {@code feed.community}, {@code feed.public}).
   *
   * @throws IllegalArgumentException for anything else, saying what is expected
   */
  public static Audience parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.equals("community") || t.equals(SignalboxTopics.COMMUNITY_FEED)) {
      return COMMUNITY;
    }
    if (t.equals("public") || t.equals(SignalboxTopics.PUBLIC_FEED)) {
      return PUBLIC;
    }
    if (t.startsWith("member:")) {
      return member(t.substring("member:".length()));
    }
    if (t.startsWith("group:")) {
      return group(t.substring("group:".length()));
    }
    if (t.startsWith(SignalboxTopics.MEMBER_FEED_PREFIX)) {
      return member(t.substring(SignalboxTopics.MEMBER_FEED_PREFIX.length()));
    }
    if (t.startsWith(SignalboxTopics.GROUP_FEED_PREFIX)) {
      return group(t.substring(SignalboxTopics.GROUP_FEED_PREFIX.length()));
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not an audience: expected member:<id>, group:<name>, community or public (or"
            + " its feed topic, e.g. feed.group.rail)");
  }

  /** The member whose own feed this is, or null. */
  public String ownMember() {
    return kind == Kind.MEMBER ? name : null;
  }

  /** The audience's feed topic; the naming rule lives in deploy, shared with the gateway. */
  public String topic() {
    return SignalboxTopics.feedTopic(toString());
  }

  /** "member:m-rail-01", "group:rail", "community", "public": the input of pseudonyms. */
  @Override
  public String toString() {
    return switch (kind) {
      case MEMBER -> "member:" + name;
      case GROUP -> "group:" + name;
      case COMMUNITY -> "community";
      case PUBLIC -> "public";
    };
  }

  private static final Comparator<Audience> ORDER =
      Comparator.comparing(Audience::kind).thenComparing(Audience::name);

  @Override
  public int compareTo(Audience o) {
    return ORDER.compare(this, o);
  }
}
