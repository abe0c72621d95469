package org.signalbox.jobs.sharing;

import java.util.Comparator;
import java.util.regex.Pattern;

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

  /** The member whose own feed this is, or null. */
  public String ownMember() {
    return kind == Kind.MEMBER ? name : null;
  }

  public String topic() {
    return switch (kind) {
      case MEMBER -> "feed.member." + name;
      case GROUP -> "feed.group." + name;
      case COMMUNITY -> "feed.community";
      case PUBLIC -> "feed.public";
    };
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
