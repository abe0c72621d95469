package org.signalbox.benchmarks.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.signalbox.jobs.correlate.ObservableProbe;
import org.signalbox.jobs.correlate.RetroHistory;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

/**
 * Bytes per distinct value of the retro-hunt's history (issue 17): the {@link RetroHistory} the
 * exact index keeps per canonical value, with its cleanup timer, built from a synthetic month of
 * telemetry and written the way Flink's RocksDB backend writes a {@code ValueState} (key group
 * byte, the key through {@link StringSerializer}, the void namespace byte; the value through {@link
 * RetroHistory.Serializer}) and a processing-time timer (key group, 8-byte time, key, namespace)
 * into a RocksDB with Flink's defaults that matter here (Snappy, bloom filter), flushed and fully
 * compacted. Two figures: the serialized bytes (what the state's serializers write) and RocksDB's
 * SST bytes on disk (what a full checkpoint copies).
 *
 * <p>The workload is fixed by the seed, over {@value #MEMBERS} members, half IPv4 and half domain
 * values: 80% of the values seen once by one member; 15% by one member five times over three days;
 * 5% by 2 to 10 members, each 1 to 20 times anywhere in the 30 days.
 */
public final class RetroHistoryFootprint {
  static final int MEMBERS = 60;
  static final long WINDOW_MS = 30 * RetroHistory.DAY_MS;

  private RetroHistoryFootprint() {}

  /** What one run measured. */
  public record Result(
      long values,
      long memberEntries,
      long events,
      long serializedBytes,
      long sstBytes,
      double seconds) {
    double serializedPerValue() {
      return (double) serializedBytes / values;
    }

    double sstPerValue() {
      return (double) sstBytes / values;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "retro history: %,d distinct values, %,d member entries, %,d events;"
              + " serialized %.1f B/value (state + timer), RocksDB SST %.1f B/value"
              + " (%,d bytes), %.1f s",
          values,
          memberEntries,
          events,
          serializedPerValue(),
          sstPerValue(),
          sstBytes,
          seconds);
    }
  }

  public static Result measure(int values, Path dir) throws RocksDBException {
    RocksDB.loadLibrary();
    long started = System.nanoTime();
    SplittableRandom r = new SplittableRandom(17L);
    long now = 1_796_000_000_000L;
    String[] members = new String[MEMBERS];
    for (int i = 0; i < MEMBERS; i++) {
      members[i] = String.format(Locale.ROOT, "member-%02d", i);
    }
    long memberEntries = 0;
    long events = 0;
    long serialized = 0;
    RetroHistory.Serializer ser = new RetroHistory.Serializer();
    DataOutputSerializer key = new DataOutputSerializer(64);
    DataOutputSerializer timer = new DataOutputSerializer(64);
    DataOutputSerializer value = new DataOutputSerializer(256);
    ObservableProbe p = new ObservableProbe();
    p.role = ObservableRole.DESTINATION;
    p.sector = Sector.RAIL;
    p.tlp = Tlp.GREEN;
    BlockBasedTableConfig table = new BlockBasedTableConfig();
    try (BloomFilter bloom = new BloomFilter(10, false);
        Options options =
            new Options()
                .setCreateIfMissing(true)
                .setCompressionType(CompressionType.SNAPPY_COMPRESSION)
                .setTableFormatConfig(table.setFilterPolicy(bloom));
        RocksDB db = RocksDB.open(options, dir.toString());
        WriteOptions write = new WriteOptions().setDisableWAL(true)) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < values; i++) {
        boolean ip = i % 2 == 0;
        p.type = ip ? ObservableType.IPV4 : ObservableType.DOMAIN;
        p.value =
            ip
                ? (1 + r.nextInt(223))
                    + "."
                    + r.nextInt(256)
                    + "."
                    + r.nextInt(256)
                    + "."
                    + r.nextInt(256)
                : "h" + Long.toHexString(r.nextLong() & 0xffffffffffL) + ".example.net";
        p.key = p.type.name() + '|' + p.value;
        RetroHistory h = new RetroHistory();
        int kind = r.nextInt(100);
        if (kind < 80) {
          events += add(h, p, members[r.nextInt(MEMBERS)], 1, now - r.nextLong(WINDOW_MS), 0, r);
        } else if (kind < 95) {
          long start = now - r.nextLong(WINDOW_MS - 3 * RetroHistory.DAY_MS);
          events += add(h, p, members[r.nextInt(MEMBERS)], 5, start, 3 * RetroHistory.DAY_MS, r);
        } else {
          int k = 2 + r.nextInt(9);
          int first = r.nextInt(MEMBERS);
          for (int m = 0; m < k; m++) {
            events +=
                add(
                    h,
                    p,
                    members[(first + m) % MEMBERS],
                    1 + r.nextInt(20),
                    now - WINDOW_MS,
                    WINDOW_MS,
                    r);
          }
        }
        memberEntries += h.memberCount();
        key.clear();
        key.writeByte(i & 0x7f);
        StringSerializer.INSTANCE.serialize(p.key, key);
        key.writeByte(0);
        value.clear();
        try {
          ser.serialize(h, value);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        timer.clear();
        timer.writeByte(i & 0x7f);
        timer.writeLong(now + WINDOW_MS);
        timer.write(key.getSharedBuffer(), 1, key.length() - 1);
        serialized += key.length() + value.length() + timer.length();
        batch.put(key.getCopyOfBuffer(), value.getCopyOfBuffer());
        batch.put(timer.getCopyOfBuffer(), new byte[0]);
        if (batch.count() >= 20_000) {
          db.write(write, batch);
          batch.close();
          batch = new WriteBatch();
        }
      }
      db.write(write, batch);
      batch.close();
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush);
      }
      db.compactRange();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long sst = sstBytes(dir);
    return new Result(
        values, memberEntries, events, serialized, sst, (System.nanoTime() - started) / 1e9);
  }

  /** Adds {@code n} events of {@code member} between {@code from} and {@code from + span}. */
  private static int add(
      RetroHistory h,
      ObservableProbe p,
      String member,
      int n,
      long from,
      long span,
      SplittableRandom r) {
    p.member = member;
    p.sourceType = r.nextInt(3) == 0 ? "suricata.eve" : "zeek.conn";
    for (int e = 0; e < n; e++) {
      p.eventTime = span == 0 ? from : from + r.nextLong(span);
      h.record(p, 64);
    }
    return n;
  }

  private static long sstBytes(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".sst"))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code RetroHistoryFootprint [values]}: prints one line. */
  public static void main(String[] args) throws Exception {
    int values = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    Path dir = Files.createTempDirectory("retro-footprint");
    try {
      System.out.println(measure(values, dir));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
