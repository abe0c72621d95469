package org.signalbox.jobs.correlate;

import static org.signalbox.jobs.correlate.serde.CompactEncoding.readEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readVarInt;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.readVarLong;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeEnum;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeString;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeVarInt;
import static org.signalbox.jobs.correlate.serde.CompactEncoding.writeVarLong;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.correlate.serde.CompactSerializer;
import org.signalbox.jobs.correlate.serde.CompactTypeInfo;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Tlp;

/**
 * The retro-hunt's history of one canonical value ({@code TYPE|value}, the exact index's key):
 * which members saw it during the retention ({@code correlate.retro-window}), and when. Kept next
 * to the exact index, in the same operator and under the same key, so that a probe and an indicator
 * change of one value are seen in one order: a probe that arrived before the indicator is in the
 * history when the indicator is hunted, one that arrived after it is matched live; none is both or
 * neither.
 *
 * <p>Per member: the strictest TLP of its events, the sector, source type and role of its latest
 * event, and one bucket per UTC day with events (their count and the first and last event time of
 * that day). No event ids, no other field of the telemetry: the history says what a member saw, it
 * is the most sensitive state of the job, and it leaves only as sightings to that member.
 *
 * <p>Day buckets, not a first/last/count per member: a retro sighting counts only the events inside
 * the indicator's validity (and, for a new version, only the part its predecessor did not cover),
 * so the history must be divisible by time. A day is the finest unit that keeps a value seen all
 * month bounded ({@code window / 1 day + 2} buckets per member). Counting is exact unless a
 * validity bound falls between the first and last event of a member's day; then only the events
 * known to be inside (that day's first or last) are counted: a lower bound, never an invented
 * event.
 *
 * <p>Bounded: at most {@code maxMembers} members per value. An event of a further member is not
 * recorded (counted, and {@link #lastOmitted} remembers it so the retro sightings of the value say
 * {@code historyTruncated}).
 */
@TypeInfo(RetroHistory.TypeFactory.class)
public final class RetroHistory {
  public static final long DAY_MS = 86_400_000L;

  /** Sorted by member id. */
  final List<Member> members;

  /** Event time of the latest event not recorded because of the member bound; 0 when none. */
  long lastOmitted;

  public RetroHistory() {
    this(new ArrayList<>(1), 0);
  }

  private RetroHistory(List<Member> members, long lastOmitted) {
    this.members = members;
    this.lastOmitted = lastOmitted;
  }

  /** What one member saw of the value. */
  static final class Member {
    String member;
    Sector sector;
    String sourceType;
    ObservableRole role;

    /** Strictest marking of the member's events of this value. */
    Tlp tlp;

    /** Number of day buckets in use; the arrays may be longer. */
    int days;

    /** UTC day (epoch ms / {@link #DAY_MS}), ascending. */
    int[] day;

    int[] count;

    /** First and last event time of the day, ms since the start of the day. */
    int[] first;

    int[] last;

    long firstSeen() {
      return day[0] * DAY_MS + first[0];
    }

    long lastSeen() {
      return day[days - 1] * DAY_MS + last[days - 1];
    }

    long lastSeenOrMin() {
      return days == 0 ? Long.MIN_VALUE : lastSeen();
    }

    long total() {
      long n = 0;
      for (int i = 0; i < days; i++) {
        n += count[i];
      }
      return n;
    }

    void add(long eventTime) {
      int d = (int) Math.floorDiv(eventTime, DAY_MS);
      int ms = (int) Math.floorMod(eventTime, DAY_MS);
      int i = Arrays.binarySearch(day, 0, days, d);
      if (i >= 0) {
        count[i] = count[i] == Integer.MAX_VALUE ? count[i] : count[i] + 1;
        first[i] = Math.min(first[i], ms);
        last[i] = Math.max(last[i], ms);
        return;
      }
      int at = -i - 1;
      if (days == day.length) {
        int size = Math.max(2, days * 2);
        day = Arrays.copyOf(day, size);
        count = Arrays.copyOf(count, size);
        first = Arrays.copyOf(first, size);
        last = Arrays.copyOf(last, size);
      }
      System.arraycopy(day, at, day, at + 1, days - at);
      System.arraycopy(count, at, count, at + 1, days - at);
      System.arraycopy(first, at, first, at + 1, days - at);
      System.arraycopy(last, at, last, at + 1, days - at);
      day[at] = d;
      count[at] = 1;
      first[at] = ms;
      last[at] = ms;
      days++;
    }

    /** Drops the days before {@code firstKeptDay}; true when none is left. */
    boolean pruneBefore(int firstKeptDay) {
      int drop = 0;
      while (drop < days && day[drop] < firstKeptDay) {
        drop++;
      }
      if (drop > 0) {
        int keep = days - drop;
        System.arraycopy(day, drop, day, 0, keep);
        System.arraycopy(count, drop, count, 0, keep);
        System.arraycopy(first, drop, first, 0, keep);
        System.arraycopy(last, drop, last, 0, keep);
        days = keep;
      }
      return days == 0;
    }

    /**
     * Adds to {@code into} this member's events with {@code from <= time < until} on days from
     * {@code firstDay}. A day whose events straddle a bound contributes only its first and/or last
     * event, whichever is inside (a lower bound; see the class comment).
     */
    void over(long from, long until, int firstDay, Seen into) {
      for (int i = 0; i < days; i++) {
        if (day[i] < firstDay) {
          continue;
        }
        long base = day[i] * DAY_MS;
        long f = base + first[i];
        long l = base + last[i];
        if (l < from || f >= until) {
          continue;
        }
        if (f >= from && l < until) {
          into.add(f, l, count[i]);
          continue;
        }
        if (f >= from) {
          into.add(f, f, 1);
        }
        if (l < until) {
          into.add(l, l, 1);
        }
      }
    }
  }

  /** A member's events inside some intervals: how many, the first and the last. */
  static final class Seen {
    long count;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;

    void add(long f, long l, long n) {
      count += n;
      first = Math.min(first, f);
      last = Math.max(last, l);
    }
  }

  /** How {@link #record} went. */
  public enum Recorded {
    /** A member already in the history, or a new one within the bound. */
    RECORDED,
    /** A new member past the bound: not recorded. */
    OMITTED
  }

  /**
   * Records one event of the value.
   *
   * @param maxMembers the bound on members per value
   */
  public Recorded record(ObservableProbe p, int maxMembers) {
    int i = find(p.member);
    Member m;
    if (i >= 0) {
      m = members.get(i);
      m.tlp = Tlps.mostRestrictive(m.tlp, p.tlp);
    } else {
      if (members.size() >= maxMembers) {
        lastOmitted = Math.max(lastOmitted, p.eventTime);
        return Recorded.OMITTED;
      }
      m = new Member();
      m.member = p.member;
      m.tlp = p.tlp;
      m.day = new int[1];
      m.count = new int[1];
      m.first = new int[1];
      m.last = new int[1];
      members.add(-i - 1, m);
    }
    if (p.eventTime >= m.lastSeenOrMin()) {
      m.sector = p.sector;
      m.sourceType = p.sourceType;
      m.role = p.role;
    }
    m.add(p.eventTime);
    return Recorded.RECORDED;
  }

  /** Drops every day before {@code firstKeptDay}, and members left without one. */
  void pruneBefore(int firstKeptDay) {
    members.removeIf(m -> m.pruneBefore(firstKeptDay));
    if (lastOmitted != 0 && Math.floorDiv(lastOmitted, DAY_MS) < firstKeptDay) {
      lastOmitted = 0;
    }
  }

  boolean isEmpty() {
    return members.isEmpty();
  }

  /** Members held. */
  public int memberCount() {
    return members.size();
  }

  /** Oldest day held; only when not empty. */
  int oldestDay() {
    int oldest = Integer.MAX_VALUE;
    for (Member m : members) {
      oldest = Math.min(oldest, m.day[0]);
    }
    return oldest;
  }

  private int find(String member) {
    int lo = 0;
    int hi = members.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = members.get(mid).member.compareTo(member);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  public static final class TypeFactory extends TypeInfoFactory<RetroHistory> {
    @Override
    public TypeInformation<RetroHistory> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(RetroHistory.class, Serializer::new);
    }
  }

  /**
   * {@link #lastOmitted} (variable length), the number of members, then per member: id, sector,
   * source type, role, TLP, the number of days, and per day the day (the first absolute, then the
   * distance to the previous), the count, the first event's ms of the day and the distance from it
   * to the last. A member that saw the value once takes about its id plus 14 bytes.
   */
  public static final class Serializer extends CompactSerializer<RetroHistory> {
    private static final long serialVersionUID = 1L;
    private static final Sector[] SECTORS = Sector.values();
    private static final ObservableRole[] ROLES = ObservableRole.values();
    private static final Tlp[] TLPS = Tlp.values();

    @Override
    protected CompactSerializer<RetroHistory> fresh() {
      return new Serializer();
    }

    @Override
    public RetroHistory createInstance() {
      return new RetroHistory();
    }

    @Override
    public RetroHistory copy(RetroHistory from) {
      List<Member> members = new ArrayList<>(from.members.size());
      for (Member m : from.members) {
        Member c = new Member();
        c.member = m.member;
        c.sector = m.sector;
        c.sourceType = m.sourceType;
        c.role = m.role;
        c.tlp = m.tlp;
        c.days = m.days;
        c.day = Arrays.copyOf(m.day, Math.max(1, m.days));
        c.count = Arrays.copyOf(m.count, Math.max(1, m.days));
        c.first = Arrays.copyOf(m.first, Math.max(1, m.days));
        c.last = Arrays.copyOf(m.last, Math.max(1, m.days));
        members.add(c);
      }
      return new RetroHistory(members, from.lastOmitted);
    }

    @Override
    public void serialize(RetroHistory h, DataOutputView out) throws IOException {
      writeVarLong(out, h.lastOmitted);
      writeVarInt(out, h.members.size());
      for (Member m : h.members) {
        writeString(out, m.member);
        writeEnum(out, m.sector);
        writeString(out, m.sourceType);
        writeEnum(out, m.role);
        writeEnum(out, m.tlp);
        writeVarInt(out, m.days);
        int previous = 0;
        for (int i = 0; i < m.days; i++) {
          writeVarInt(out, i == 0 ? m.day[0] : m.day[i] - previous);
          previous = m.day[i];
          writeVarInt(out, m.count[i]);
          writeVarInt(out, m.first[i]);
          writeVarInt(out, m.last[i] - m.first[i]);
        }
      }
    }

    @Override
    public RetroHistory deserialize(DataInputView in) throws IOException {
      long lastOmitted = readVarLong(in);
      int n = readVarInt(in);
      List<Member> members = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        Member m = new Member();
        m.member = readString(in, scratch());
        m.sector = readEnum(in, SECTORS);
        m.sourceType = readString(in, scratch());
        m.role = readEnum(in, ROLES);
        m.tlp = readEnum(in, TLPS);
        m.days = readVarInt(in);
        int size = Math.max(1, m.days);
        m.day = new int[size];
        m.count = new int[size];
        m.first = new int[size];
        m.last = new int[size];
        int previous = 0;
        for (int i = 0; i < m.days; i++) {
          m.day[i] = i == 0 ? readVarInt(in) : previous + readVarInt(in);
          previous = m.day[i];
          m.count[i] = readVarInt(in);
          m.first[i] = readVarInt(in);
          m.last[i] = m.first[i] + readVarInt(in);
        }
        members.add(m);
      }
      return new RetroHistory(members, lastOmitted);
    }

    @Override
    public TypeSerializerSnapshot<RetroHistory> snapshotConfiguration() {
      return new SerializerSnapshot();
    }
  }

  /** Version 1: the layout above. */
  public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<RetroHistory> {
    public SerializerSnapshot() {
      super(Serializer::new);
    }
  }
}
