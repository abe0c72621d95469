package org.signalbox.jobs.sharing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.support.AvroCodec;

/**
 * Sends each campaign alert to every feed its marking allows ({@link SharingRules}), and to no
 * other. The contributing members are the alert's origins. In each copy:
 *
 * <ul>
 *   <li>members are replaced by pseudonyms of that feed; only a member's own feed shows its own id
 *       (never the others'), and members that opted in to attribution (member directory) appear by
 *       their id everywhere the alert goes;
 *   <li>a member count below {@code minPublishedCount} is withheld outside the members' own feeds,
 *       together with the sectors and the member list that would give it away.
 * </ul>
 *
 * Alerts whose marking allows no feed (AMBER+STRICT or RED from several members) stay on the
 * secretariat's campaigns topic and are counted in {@code sharingWithheldRecords}.
 */
public final class SharingRouter extends ProcessFunction<CampaignAlert, RoutedRecord> {
  private static final long serialVersionUID = 1L;

  private final String keyId;
  private final byte[] key;
  private final int minPublishedCount;
  private final MemberDirectory directory;

  private transient Pseudonyms pseudonyms;
  private transient AvroCodec<CampaignAlert> codec;
  private transient Counter routed;
  private transient Counter withheld;
  private transient Counter countsWithheld;

  /** A router for which no member opted in to attribution: everyone is pseudonymised. */
  public SharingRouter(String keyId, byte[] key, int minPublishedCount) {
    this(keyId, key, minPublishedCount, NOBODY);
  }

  public SharingRouter(String keyId, byte[] key, int minPublishedCount, MemberDirectory directory) {
    // Fail when the job is built, not when the first alert arrives.
    new Pseudonyms(keyId, key);
    this.keyId = keyId;
    this.key = key.clone();
    this.minPublishedCount = minPublishedCount;
    this.directory = directory;
  }

  /** A directory in which nobody opted in to be named. */
  private static final MemberDirectory NOBODY =
      new MemberDirectory("secretariat", Set.of(), List.of());

  @Override
  public void open(OpenContext openContext) {
    pseudonyms = new Pseudonyms(keyId, key);
    codec = AvroCodec.campaignAlert();
    var metrics = getRuntimeContext().getMetricGroup().addGroup("signalbox");
    routed = metrics.counter("sharingRoutedRecords");
    withheld = metrics.counter("sharingWithheldRecords");
    countsWithheld = metrics.counter("sharingCountsWithheld");
  }

  @Override
  public void processElement(CampaignAlert alert, Context ctx, Collector<RoutedRecord> out) {
    List<RoutedRecord> records = route(alert, pseudonyms, codec, minPublishedCount, directory);
    if (records.isEmpty()) {
      withheld.inc();
    }
    for (RoutedRecord r : records) {
      out.collect(r);
      routed.inc();
      if (alert.getMemberCount() < minPublishedCount && !r.audience.startsWith("member:")) {
        countsWithheld.inc();
      }
    }
  }

  /** {@link #route(CampaignAlert, Pseudonyms, AvroCodec, int, MemberDirectory)}, nobody named. */
  public static List<RoutedRecord> route(
      CampaignAlert alert, Pseudonyms pseudonyms, AvroCodec<CampaignAlert> codec, int k) {
    return route(alert, pseudonyms, codec, k, NOBODY);
  }

  /**
   * The routing itself, free of Flink so that property tests can drive it directly.
   *
   * @param directory who opted in to be named (unknown members never are)
   */
  public static List<RoutedRecord> route(
      CampaignAlert alert,
      Pseudonyms pseudonyms,
      AvroCodec<CampaignAlert> codec,
      int k,
      MemberDirectory directory) {
    Set<String> origins = new TreeSet<>(alert.getMembers());
    Set<Audience> audiences =
        SharingRules.audiencesFor(alert.getTlp(), origins, Set.of(), Set.of());
    List<RoutedRecord> out = new ArrayList<>(audiences.size());
    byte[] recordKey = alert.getAlertId().getBytes(StandardCharsets.UTF_8);
    for (Audience audience : audiences) {
      out.add(
          new RoutedRecord(
              audience.topic(),
              audience.toString(),
              recordKey,
              codec.encode(copyFor(alert, audience, pseudonyms, k, directory))));
    }
    return out;
  }

  static CampaignAlert copyFor(
      CampaignAlert alert,
      Audience audience,
      Pseudonyms pseudonyms,
      int k,
      MemberDirectory directory) {
    CampaignAlert copy = CampaignAlert.newBuilder(alert).build();
    String own = audience.ownMember();
    boolean ownFeed = own != null && alert.getMembers().contains(own);
    if (!ownFeed && alert.getMemberCount() < k) {
      copy.setCountsWithheld(true);
      copy.setMemberCount(0);
      copy.setSectorCount(0);
      copy.setSectors(List.of());
      copy.setMembers(List.of());
    } else {
      List<String> named = new ArrayList<>(alert.getMembers().size());
      for (String m : alert.getMembers()) {
        // An opted-in member is named; the small-count rule above still applies to it.
        named.add(m.equals(own) || directory.attributed(m) ? m : pseudonyms.of(audience, m));
      }
      // Sorted, so the position of a pseudonym in the list does not hint at the raw id's order.
      named.sort(null);
      copy.setMembers(named);
    }
    copy.setPseudonymKeyId(pseudonyms.keyId());
    return copy;
  }
}
