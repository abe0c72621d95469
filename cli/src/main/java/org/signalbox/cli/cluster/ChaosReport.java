package org.signalbox.cli.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.SignalboxTopics;

/**
 * What a chaos run delivered, counted from the start of each output topic, read_committed (what a
 * member or an analyst can read).
 *
 * <p>Sightings have an oracle: the generator knows how many it planted, and a sighting's id is
 * deterministic (event, indicator, member), so a repeat is a duplicate and a shortfall is a loss.
 * Campaign alerts have no count known in advance (which sightings make a campaign depends on the
 * windows), but each alert's revisions are numbered 1, 2, ... as it escalates: a revision seen
 * twice is a duplicate, a missing revision below the highest is a loss. (A lost last revision would
 * not show; the sightings' count covers the input the alerts are made from.)
 */
final class ChaosReport {

  record Fault(String kind, long atEvent) {}

  record Recovery(Fault fault, String what, double runningAfter, double outputAfter) {
    String describe() {
      return String.format(
          "recovered: jobs running with all tasks after %.1f s, sightings flowing again after %s",
          runningAfter,
          Double.isNaN(outputAfter)
              ? "(none within 3 minutes)"
              : String.format("%.1f s", outputAfter));
    }
  }

  record Tally(
      String output, String expected, long delivered, long distinct, long lost, long duplicated) {}

  final List<Tally> tallies;
  final List<Recovery> recoveries;

  ChaosReport(List<Tally> tallies, List<Recovery> recoveries) {
    this.tallies = tallies;
    this.recoveries = recoveries;
  }

  static ChaosReport count(String bootstrap, long expectedSightings, List<Recovery> recoveries)
      throws IOException {
    AvroCodec<Sighting> sightingCodec = AvroCodec.sighting();
    List<Sighting> sightings = new ArrayList<>();
    for (byte[] v : readAll(bootstrap, SignalboxTopics.SIGHTINGS)) {
      sightings.add(sightingCodec.decode(v));
    }
    AvroCodec<CampaignAlert> alertCodec = AvroCodec.campaignAlert();
    List<CampaignAlert> alerts = new ArrayList<>();
    for (byte[] v : readAll(bootstrap, SignalboxTopics.CAMPAIGN_ALERTS)) {
      alerts.add(alertCodec.decode(v));
    }
    return new ChaosReport(
        List.of(sightings(sightings, expectedSightings), alerts(alerts)), recoveries);
  }

  /** Sightings against the generator's count, a repeated (id, indicator, member) a duplicate. */
  static Tally sightings(List<Sighting> delivered, long expected) {
    Set<String> distinct = new HashSet<>();
    for (Sighting s : delivered) {
      distinct.add(s.getSightingId() + " " + s.getIndicatorId() + " " + s.getMember());
    }
    return new Tally(
        "sightings",
        String.format("%,d", expected),
        delivered.size(),
        distinct.size(),
        Math.max(0, expected - distinct.size()),
        delivered.size() - distinct.size());
  }

  /** Alerts by their revisions: one seen twice is a duplicate, one missing below the top lost. */
  static Tally alerts(List<CampaignAlert> delivered) {
    Map<String, TreeSet<Integer>> revisions = new HashMap<>();
    long repeated = 0;
    for (CampaignAlert a : delivered) {
      if (!revisions.computeIfAbsent(a.getAlertId(), k -> new TreeSet<>()).add(a.getRevision())) {
        repeated++;
      }
    }
    long gaps = 0;
    long distinct = 0;
    for (TreeSet<Integer> r : revisions.values()) {
      gaps += r.last() - r.size();
      distinct += r.size();
    }
    return new Tally(
        "campaign alerts",
        "revisions 1..n of " + revisions.size() + " alerts",
        delivered.size(),
        distinct,
        gaps,
        repeated);
  }

  boolean clean() {
    return tallies.stream().allMatch(t -> t.lost() == 0 && t.duplicated() == 0);
  }

  void print(PrintStream out) {
    out.println();
    out.printf(
        "%-16s %-28s %10s %10s %8s %11s%n",
        "output", "expected", "delivered", "distinct", "lost", "duplicated");
    for (Tally t : tallies) {
      out.printf(
          "%-16s %-28s %,10d %,10d %,8d %,11d%n",
          t.output(), t.expected(), t.delivered(), t.distinct(), t.lost(), t.duplicated());
    }
    out.println();
    int n = 1;
    for (Recovery r : recoveries) {
      out.printf(
          "fault %d at event %,d: %s%n  %s%n", n++, r.fault().atEvent(), r.what(), r.describe());
    }
    out.println();
    out.println(
        clean()
            ? "chaos: no sighting or alert lost or duplicated."
            : "chaos: FAILED: records were lost or duplicated (see above).");
  }

  /** Every committed record value of the topic, all partitions, from the start. */
  static List<byte[]> readAll(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      // read_committed: the end is the last stable offset, so open transactions do not stall it
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new ClusterException("reading " + topic + " did not reach its end in 5 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
