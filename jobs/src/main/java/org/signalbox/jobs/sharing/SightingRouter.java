package org.signalbox.jobs.sharing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;

/**
 * Sends each accepted sighting to the feeds it may reach, through the same rules as alerts ({@link
 * SharingRules}), with the member who saw it as the one origin.
 *
 * <p>A sighting names exactly one member, its sector, its own event id and the time it saw the
 * value: a member count of one, which the small-count rule never publishes outside the member's own
 * feed, and which a pseudonym would not hide (sector, time and event id point at the member). So:
 *
 * <ul>
 *   <li>every sighting goes to its member's own feed ({@code feed.member.<id>}), enriched as the
 *       correlate job wrote it, the member in clear;
 *   <li>only when the member opted in to attribution (member directory) does it also go to every
 *       audience its marking allows, addressed to the member's sharing groups (which AMBER needs),
 *       naming the member;
 *   <li>otherwise it stays in the own feed, counted by {@code sharingSightingsKeptPrivate} when the
 *       marking would have allowed more.
 * </ul>
 *
 * In every copy the indicator's source, and each of the other sources it was also reported by, when
 * it is another member that did not opt in, is replaced by that member's pseudonym in the copy's
 * audience, as members are in alert copies.
 */
public final class SightingRouter extends ProcessFunction<Sighting, RoutedRecord> {
  private static final long serialVersionUID = 1L;

  private final String keyId;
  private final byte[] key;
  private final MemberDirectory directory;

  private transient Pseudonyms pseudonyms;
  private transient AvroCodec<Sighting> codec;
  private transient Counter routed;
  private transient Counter keptPrivate;
  private transient Counter unrouted;

  public SightingRouter(String keyId, byte[] key, MemberDirectory directory) {
    // Fail when the job is built, not when the first sighting arrives.
    new Pseudonyms(keyId, key);
    this.keyId = keyId;
    this.key = key.clone();
    this.directory = directory;
  }

  @Override
  public void open(OpenContext openContext) {
    pseudonyms = new Pseudonyms(keyId, key);
    codec = AvroCodec.sighting();
    var metrics = getRuntimeContext().getMetricGroup().addGroup("signalbox");
    routed = metrics.counter("sharingRoutedSightings");
    keptPrivate = metrics.counter("sharingSightingsKeptPrivate");
    unrouted = metrics.counter("sharingSightingsUnrouted");
  }

  @Override
  public void processElement(Sighting s, Context ctx, Collector<RoutedRecord> out) {
    List<RoutedRecord> records = route(s, directory, pseudonyms, codec);
    if (records.isEmpty()) {
      unrouted.inc();
      return;
    }
    if (keptPrivate(s, directory)) {
      keptPrivate.inc();
    }
    for (RoutedRecord r : records) {
      out.collect(r);
      routed.inc();
    }
  }

  /** The audiences a sighting goes to; empty for a member the directory does not know. */
  public static Set<Audience> audiences(Sighting s, MemberDirectory directory) {
    Optional<MemberDirectory.Member> member = directory.member(s.getMember());
    if (member.isEmpty()) {
      // The decoder dead-letters these; never create a feed for a name nobody vouches for.
      return Set.of();
    }
    Audience own = Audience.member(member.get().id());
    if (!member.get().attribution()) {
      return Set.of(own);
    }
    return SharingRules.audiencesFor(
        s.getTlp(), Set.of(member.get().id()), member.get().groups(), Set.of());
  }

  /** Whether the marking would have let the sighting go further had its member opted in. */
  static boolean keptPrivate(Sighting s, MemberDirectory directory) {
    Optional<MemberDirectory.Member> member = directory.member(s.getMember());
    return member.isPresent()
        && !member.get().attribution()
        && SharingRules.audiencesFor(
                    s.getTlp(), Set.of(member.get().id()), member.get().groups(), Set.of())
                .size()
            > 1;
  }

  /** The routing itself, free of Flink so that property tests can drive it directly. */
  public static List<RoutedRecord> route(
      Sighting s, MemberDirectory directory, Pseudonyms pseudonyms, AvroCodec<Sighting> codec) {
    Set<Audience> audiences = audiences(s, directory);
    List<RoutedRecord> out = new ArrayList<>(audiences.size());
    byte[] recordKey = s.getSightingId().getBytes(StandardCharsets.UTF_8);
    for (Audience audience : audiences) {
      out.add(
          new RoutedRecord(
              audience.topic(),
              audience.toString(),
              recordKey,
              codec.encode(copyFor(s, audience, directory, pseudonyms))));
    }
    return out;
  }

  static Sighting copyFor(
      Sighting s, Audience audience, MemberDirectory directory, Pseudonyms pseudonyms) {
    Sighting copy = Sighting.newBuilder(s).build();
    copy.setIndicatorSource(sourceFor(s.getIndicatorSource(), audience, directory, pseudonyms));
    List<String> others = new ArrayList<>(s.getAlsoReportedBy().size());
    for (String other : s.getAlsoReportedBy()) {
      others.add(sourceFor(other, audience, directory, pseudonyms));
    }
    // Sorted again, so the position of a pseudonym does not hint at the raw name's order.
    others.sort(null);
    copy.setAlsoReportedBy(others);
    copy.setPseudonymKeyId(pseudonyms.keyId());
    return copy;
  }

  /**
   * An indicator source as one audience may see it: a member that did not opt in, pseudonymised.
   */
  private static String sourceFor(
      String source, Audience audience, MemberDirectory directory, Pseudonyms pseudonyms) {
    if (directory.contains(source)
        && !source.equals(audience.ownMember())
        && !directory.attributed(source)) {
      return pseudonyms.of(audience, source);
    }
    return source;
  }
}
