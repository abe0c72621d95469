package org.signalbox.jobs.correlate;

import static org.signalbox.jobs.correlate.Fixtures.indicator;
import static org.signalbox.jobs.correlate.Fixtures.upsert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

/**
 * Not a test (no assertion; surefire does not run it): how long a retro-hunt takes on one subtask
 * with RocksDB state, for one new exact indicator (a point read of the history) and for a /16 CIDR
 * (a scan of the subtask's whole range history). {@code RetroHuntTiming [values]}: that many
 * distinct IPv4 values, one event each, one member each, a sixteenth of them inside 10.1.0.0/16.
 */
public final class RetroHuntTiming {
  private RetroHuntTiming() {}

  public static void main(String[] args) throws Exception {
    int values = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long now = Instant.parse("2026-12-04T00:00:00Z").toEpochMilli();
    RetroHunt retro = new RetroHunt(Duration.ofDays(30), 64, true);

    var range =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new RangeIndicatorMatcher(false, retro), List.of(RangeIndicatorMatcher.RANGES)),
            (ObservableProbe p) -> p.key,
            Types.STRING,
            128,
            1,
            0);
    range.setStateBackend(new EmbeddedRocksDBStateBackend());
    range.open();
    range.setProcessingTime(now);
    var exact =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new ExactIndicatorMatcher(false, retro)),
            (ObservableProbe p) -> p.key,
            (IndicatorChange c) -> c.key,
            Types.STRING);
    exact.setStateBackend(new EmbeddedRocksDBStateBackend());
    exact.open();
    exact.setProcessingTime(now);

    SplittableRandom r = new SplittableRandom(5);
    String[] sample = new String[1000];
    long started = System.nanoTime();
    for (int i = 0; i < values; i++) {
      // 10.<i / 65536 % 16>.x.y: one value in sixteen in 10.1.0.0/16.
      String ip = "10." + ((i >>> 16) & 15) + "." + ((i >>> 8) & 255) + "." + (i & 255);
      ObservableProbe p = new ObservableProbe();
      p.type = ObservableType.IPV4;
      p.value = ip;
      p.key = ObservableProbe.keyOf(p.type, ip);
      p.role = ObservableRole.DESTINATION;
      p.member = "member-" + (i % 60);
      p.sector = Sector.RAIL;
      p.sourceType = "zeek.conn";
      p.tlp = Tlp.GREEN;
      p.eventId = "e" + i;
      p.eventTime = now - r.nextLong(Duration.ofDays(29).toMillis());
      range.processElement(p, p.eventTime);
      exact.processElement1(new StreamRecord<>(p, p.eventTime));
      if (i < sample.length) {
        sample[i] = ip;
      }
    }
    double loadS = (System.nanoTime() - started) / 1e9;

    long t0 = System.nanoTime();
    for (int i = 0; i < sample.length; i++) {
      exact.processElement2(
          new StreamRecord<>(
              upsert(
                  indicator(
                          String.format(Locale.ROOT, "indicator--7b000000-0000-4000-8000-%012d", i),
                          ObservableType.IPV4,
                          sample[i])
                      .setValidFrom(Instant.ofEpochMilli(now - Duration.ofDays(40).toMillis()))
                      .setVersion(Instant.ofEpochMilli(now))
                      .build())));
    }
    double exactMs = (System.nanoTime() - t0) / 1e6 / sample.length;
    int exactOut = exact.extractOutputValues().size();

    long t1 = System.nanoTime();
    range.processBroadcastElement(
        upsert(
            indicator(
                    "indicator--7b100000-0000-4000-8000-000000000000",
                    ObservableType.IPV4,
                    "10.1.0.0/16")
                .setMatchKind(MatchKind.CIDR)
                .setValidFrom(Instant.ofEpochMilli(now - Duration.ofDays(40).toMillis()))
                .setVersion(Instant.ofEpochMilli(now))
                .build()),
        0);
    double cidrS = (System.nanoTime() - t1) / 1e9;
    int cidrOut = range.extractOutputValues().size();
    System.out.printf(
        Locale.ROOT,
        "retro-hunt timing, RocksDB, one subtask, %,d distinct values (%.1f s to record them in"
            + " both histories):%n  exact: %.3f ms per new indicator (%d indicators, %d retro"
            + " sightings)%n  /16 CIDR: %.2f s for the scan, %,d retro sightings (capped at %,d)%n",
        values,
        loadS,
        exactMs,
        sample.length,
        exactOut,
        cidrS,
        cidrOut,
        RangeIndicatorMatcher.MAX_RANGE_SIGHTINGS);
    range.close();
    exact.close();
  }
}
