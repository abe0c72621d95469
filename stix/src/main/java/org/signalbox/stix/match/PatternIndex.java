package org.signalbox.stix.match;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.monitor.CandidateMatcher;
import org.apache.lucene.monitor.Monitor;
import org.apache.lucene.monitor.MonitorConfiguration;
import org.apache.lucene.monitor.MonitorQuery;
import org.apache.lucene.monitor.QueryDecomposer;
import org.apache.lucene.monitor.QueryMatch;
import org.apache.lucene.monitor.TermFilteredPresearcher;
import org.apache.lucene.monitor.TermWeightor;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableType;
import org.signalbox.stix.pattern.StixPattern;

/**
 * The STIX patterns of many indicators, each event tested only against the patterns that can match
 * it. Gives exactly what testing every {@link PatternMatcher} against the event gives (the same
 * indicator ids, the same witnesses), at a cost that grows with the patterns an event could match
 * rather than with all of them.
 *
 * <p>How: each pattern's {@link PatternQuery}, an over-approximation, decides where it goes.
 *
 * <ul>
 *   <li>Patterns selective by value (every way to satisfy them names a value, a network or a parent
 *       domain) are registered in an in-memory Lucene {@link Monitor}. An event becomes an {@link
 *       EventDocument}; the Monitor's term presearcher returns the patterns whose terms it holds.
 *       The Lucene queries are never run: each candidate's own matcher decides and names the
 *       witnesses.
 *   <li>Patterns that can only be narrowed to "the event has an observable of type T" (MATCHES,
 *       most LIKE, {@code !=} and NOT on their own) are kept per type and tested on every event
 *       that has one. The Monitor would select exactly these events too, but its cost per candidate
 *       (two doc-value lookups in a compressed terms dictionary, about a microsecond) exceeds that
 *       of the matcher itself. A top-level OR is split: its selective branches go to the Monitor,
 *       the rest to the types they need.
 * </ul>
 *
 * <p>Exact, because each route over-approximates: a pattern with witnesses has a satisfied branch,
 * and that branch's terms or type are in the event. Changes reach the Monitor in one batch before
 * the next event after them (each Monitor update is an index commit, far too dear per pattern when
 * a million are loaded after a restore). Monitor ids are short numbers, not indicator ids, which
 * keeps the Monitor's per-candidate lookups cheap.
 *
 * <p>Below {@link #DEFAULT_BRUTE_FORCE_BELOW} patterns every pattern is simply tested: the
 * Monitor's fixed cost per event (an in-memory index of the event, a search of the query index)
 * exceeds that of that many matchers (measured by {@code PatternIndexBenchmark}), and the Monitor
 * is not built until the set first grows past the threshold.
 *
 * <p>Loading cost: after each commit (of 4,096 patterns) the Monitor rebuilds a filter of all its
 * terms, so a bulk load grows faster than linearly: about 8 s for 100k patterns and 400 s for 1M on
 * 2 cores. Heap: about 1.6 KB per pattern on top of its matcher.
 *
 * <p>Not thread-safe: one instance per task (in Flink, a transient structure rebuilt from broadcast
 * state after a restore). {@link #close()} must be called: the Monitor runs a cache-purge thread
 * that is not a daemon.
 */
public final class PatternIndex implements Closeable {

  /**
   * Pattern count from which the pre-filter is used. Measured with {@code PatternIndexBenchmark} (2
   * shared cores): at 300 patterns both ways ran about 21,500 events/s, at 150 brute force was 2.5
   * times faster, at 600 the index was 2 times faster. The Monitor's fixed cost per event (about 40
   * microseconds) equals about 300 matcher runs of that workload.
   */
  public static final int DEFAULT_BRUTE_FORCE_BELOW = 300;

  /** One indicator whose pattern the event satisfies, and the observables that satisfied it. */
  public record Match(String indicatorId, List<Observable> witnesses) {
    public Match {
      witnesses = List.copyOf(witnesses);
    }
  }

  // The presearcher builds every document of a batch before indexing it, each with a 32 KiB term
  // buffer per field: a batch of 100k patterns would take gigabytes at once.
  private static final int UPDATE_BATCH = 4096;

  /** Where one pattern is looked for: a Monitor slot, types whose events test it, or both. */
  private static final class Route {
    final String indicatorId;
    PatternMatcher matcher;
    int slot = -1;
    Set<ObservableType> types = Set.of();
    long seenAt = -1;

    Route(String indicatorId) {
      this.indicatorId = indicatorId;
    }
  }

  private final int bruteForceBelow;
  private final Map<String, PatternMatcher> matchers = new HashMap<>();
  // Ids whose route is out of date: put, replaced or removed since the last sync.
  private final Set<String> stale = new LinkedHashSet<>();
  private final Map<String, Route> routes = new HashMap<>();
  private final List<Route> slots = new ArrayList<>();
  private final List<Integer> freeSlots = new ArrayList<>();
  private final Map<ObservableType, Set<Route>> byType = new EnumMap<>(ObservableType.class);
  private final NetworkPrefixes networks = new NetworkPrefixes();
  private Monitor monitor;
  private long events;

  /** An index that uses the pre-filter from {@link #DEFAULT_BRUTE_FORCE_BELOW} patterns on. */
  public PatternIndex() {
    this(DEFAULT_BRUTE_FORCE_BELOW);
  }

  /**
   * @param bruteForceBelow test every pattern while there are fewer than this many; 0 always uses
   *     the pre-filter, {@link Integer#MAX_VALUE} never does
   */
  public PatternIndex(int bruteForceBelow) {
    if (bruteForceBelow < 0) {
      throw new IllegalArgumentException("bruteForceBelow must be >= 0, not " + bruteForceBelow);
    }
    this.bruteForceBelow = bruteForceBelow;
  }

  /**
   * Sets the pattern of {@code indicatorId}, replacing any earlier one.
   *
   * @throws UnsupportedPatternException if the matcher cannot run the pattern; the id then holds no
   *     pattern (an indicator whose new version cannot be matched must not go on matching with its
   *     old one)
   */
  public void put(String indicatorId, StixPattern pattern) throws UnsupportedPatternException {
    put(indicatorId, pattern, BreadthLimits.DEFAULT);
  }

  /** As {@link #put(String, StixPattern)}, compiled under {@code limits}. */
  public void put(String indicatorId, StixPattern pattern, BreadthLimits limits)
      throws UnsupportedPatternException {
    PatternMatcher m;
    try {
      m = PatternMatcher.compile(pattern, limits);
    } catch (UnsupportedPatternException e) {
      remove(indicatorId);
      throw e;
    }
    put(indicatorId, m);
  }

  /** Sets the compiled pattern of {@code indicatorId}, replacing any earlier one. */
  public void put(String indicatorId, PatternMatcher matcher) {
    if (indicatorId == null || matcher == null) {
      throw new NullPointerException("indicator id and matcher are required");
    }
    matchers.put(indicatorId, matcher);
    stale.add(indicatorId);
  }

  /** Removes the pattern of {@code indicatorId}; false if it had none. */
  public boolean remove(String indicatorId) {
    if (matchers.remove(indicatorId) == null) {
      return false;
    }
    stale.add(indicatorId);
    return true;
  }

  /** The compiled pattern of {@code indicatorId}, or null. */
  public PatternMatcher get(String indicatorId) {
    return matchers.get(indicatorId);
  }

  /** Number of patterns held. */
  public int size() {
    return matchers.size();
  }

  /**
   * Every pattern the event's observables satisfy, with its witnesses, in no particular order: the
   * same as {@link PatternMatcher#witnesses} of every pattern, keeping the non-empty ones.
   */
  public List<Match> witnesses(List<Observable> observables) {
    List<Match> out = new ArrayList<>();
    witnesses(observables, (id, w) -> out.add(new Match(id, w)));
    return out;
  }

  /**
   * Calls {@code sink} once for every pattern the event's observables satisfy, with the indicator
   * id and the witnesses; in no particular order. The sink must not change this index.
   */
  public void witnesses(List<Observable> observables, BiConsumer<String, List<Observable>> sink) {
    if (matchers.size() < bruteForceBelow) {
      for (Map.Entry<String, PatternMatcher> e : matchers.entrySet()) {
        List<Observable> w = e.getValue().witnesses(observables);
        if (!w.isEmpty()) {
          sink.accept(e.getKey(), w);
        }
      }
      return;
    }
    for (Route r : candidates(observables)) {
      List<Observable> w = r.matcher.witnesses(observables);
      if (!w.isEmpty()) {
        sink.accept(r.indicatorId, w);
      }
    }
  }

  /**
   * The patterns the pre-filter selects for the event: a superset of those that match, each once.
   */
  private List<Route> candidates(List<Observable> observables) {
    sync();
    long stamp = ++events;
    List<Route> out = new ArrayList<>();
    if (!byType.isEmpty()) {
      EnumSet<ObservableType> present = EnumSet.noneOf(ObservableType.class);
      for (Observable o : observables) {
        if (o.getType() != null && present.add(o.getType())) {
          for (Route r : byType.getOrDefault(o.getType(), Set.of())) {
            if (r.seenAt != stamp) {
              r.seenAt = stamp;
              out.add(r);
            }
          }
        }
      }
    }
    if (monitor == null) {
      return out;
    }
    Document doc = EventDocument.of(observables, networks);
    if (doc.getFields().isEmpty()) {
      return out;
    }
    try {
      monitor.match(doc, searcher -> new CandidateCollector(searcher, slots, stamp, out));
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory pattern index failed", e);
    }
    return out;
  }

  /** Ids of the candidates, for tests. */
  List<String> candidateIds(List<Observable> observables) {
    List<String> ids = new ArrayList<>();
    for (Route r : candidates(observables)) {
      ids.add(r.indicatorId);
    }
    return ids;
  }

  /** Brings the routes and the Monitor up to date with the patterns, in one batch. */
  private void sync() {
    if (stale.isEmpty()) {
      return;
    }
    List<String> deleted = new ArrayList<>();
    List<MonitorQuery> registered = new ArrayList<>();
    for (String id : stale) {
      Route r = routes.get(id);
      if (r != null) {
        for (ObservableType t : r.types) {
          byType.get(t).remove(r);
        }
        r.types = Set.of();
      }
      PatternMatcher m = matchers.get(id);
      Query q = m == null ? null : PatternQuery.of(m, networks);
      if (q == null || q instanceof MatchNoDocsQuery) {
        // Removed, or a pattern no event can satisfy: it is in neither route.
        if (r != null) {
          if (r.slot >= 0) {
            deleted.add(slotId(r.slot));
            slots.set(r.slot, null);
            freeSlots.add(r.slot);
          }
          routes.remove(id);
        }
        continue;
      }
      if (r == null) {
        r = new Route(id);
        routes.put(id, r);
      }
      r.matcher = m;
      List<Query> selective = new ArrayList<>();
      EnumSet<ObservableType> types = EnumSet.noneOf(ObservableType.class);
      route(q, selective, types);
      if (!types.isEmpty()) {
        r.types = types;
        for (ObservableType t : types) {
          byType.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(r);
        }
      }
      if (selective.isEmpty()) {
        if (r.slot >= 0) {
          deleted.add(slotId(r.slot));
          slots.set(r.slot, null);
          freeSlots.add(r.slot);
          r.slot = -1;
        }
      } else {
        if (r.slot < 0) {
          r.slot = freeSlots.isEmpty() ? slots.size() : freeSlots.remove(freeSlots.size() - 1);
          if (r.slot == slots.size()) {
            slots.add(r);
          } else {
            slots.set(r.slot, r);
          }
        }
        Query monitored = selective.size() == 1 ? selective.get(0) : any(selective);
        registered.add(new MonitorQuery(slotId(r.slot), monitored));
      }
    }
    stale.clear();
    try {
      if (monitor == null && registered.isEmpty()) {
        return;
      }
      if (monitor == null) {
        monitor = newMonitor();
      }
      if (!deleted.isEmpty()) {
        monitor.deleteById(deleted);
      }
      if (!registered.isEmpty()) {
        monitor.register(registered);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory pattern index failed", e);
    }
  }

  /**
   * Splits a pattern's query into the parts the Monitor should hold (selective by value) and the
   * observable types whose events must test it (for the rest). A top-level OR is split branch by
   * branch; anything else goes whole to one side.
   */
  private static void route(Query q, List<Query> selective, Set<ObservableType> types) {
    if (selective(q)) {
      selective.add(q);
      return;
    }
    if (q instanceof BooleanQuery b && b.clauses().get(0).getOccur() == Occur.SHOULD) {
      for (BooleanClause c : b.clauses()) {
        route(c.getQuery(), selective, types);
      }
      return;
    }
    types.addAll(triggers(q));
  }

  /**
   * True if the presearcher would index {@code q} under value terms only (never under a mere "type
   * present" term): a value term; a conjunction with a selective part (the presearcher picks the
   * heaviest part, and path terms weigh least, automata nothing); a disjunction of selective parts.
   */
  static boolean selective(Query q) {
    if (q instanceof TermQuery t) {
      return !t.getTerm().field().equals(EventDocument.PATH_FIELD);
    }
    if (q instanceof BooleanQuery b) {
      boolean disjunction = b.clauses().get(0).getOccur() == Occur.SHOULD;
      for (BooleanClause c : b.clauses()) {
        boolean s = selective(c.getQuery());
        if (disjunction && !s) {
          return false;
        }
        if (!disjunction && s) {
          return true;
        }
      }
      return disjunction;
    }
    return false;
  }

  /**
   * Observable types of which an event must have one for {@code q} to match: the type of a term;
   * for a conjunction, the smallest such set among its parts; for a disjunction, the union.
   */
  static Set<ObservableType> triggers(Query q) {
    if (q instanceof TermQuery t) {
      String field =
          t.getTerm().field().equals(EventDocument.PATH_FIELD)
              ? t.getTerm().text()
              : t.getTerm().field();
      ObservableType type = EventDocument.typeOfField(field);
      if (type == null) {
        throw new IllegalStateException("term of no observable type: " + t);
      }
      return EnumSet.of(type);
    }
    if (q instanceof BooleanQuery b) {
      boolean disjunction = b.clauses().get(0).getOccur() == Occur.SHOULD;
      EnumSet<ObservableType> out = EnumSet.noneOf(ObservableType.class);
      Set<ObservableType> best = null;
      for (BooleanClause c : b.clauses()) {
        if (!(c.getQuery() instanceof TermQuery) && !(c.getQuery() instanceof BooleanQuery)) {
          continue; // the automaton of a LIKE or MATCHES, always beside its path term
        }
        Set<ObservableType> part = triggers(c.getQuery());
        if (disjunction) {
          out.addAll(part);
        } else if (best == null || part.size() < best.size()) {
          best = part;
        }
      }
      if (!disjunction) {
        if (best == null) {
          throw new IllegalStateException("conjunction without a term: " + q);
        }
        out.addAll(best);
      }
      return out;
    }
    throw new IllegalStateException("unexpected pre-filter query " + q);
  }

  private static Query any(List<Query> parts) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Query p : parts) {
      b.add(p, Occur.SHOULD);
    }
    return b.build();
  }

  private static String slotId(int slot) {
    return Integer.toString(slot, Character.MAX_RADIX);
  }

  private static Monitor newMonitor() throws IOException {
    // Path-present terms are the weakest requirement of a conjunction; weigh them down so that the
    // presearcher indexes a conjunction under one of its value terms when it has one.
    TermWeightor weights =
        TermWeightor.combine(
            TermWeightor.DEFAULT, TermWeightor.fieldWeightor(0.1, EventDocument.PATH_FIELD));
    TermFilteredPresearcher presearcher = new TermFilteredPresearcher(weights, List.of(), Set.of());
    MonitorConfiguration config =
        new MonitorConfiguration()
            // One entry per pattern, so each candidate is reported once per event; splitting an OR
            // into its branches would only help if the Lucene queries were run.
            .setQueryDecomposer(
                new QueryDecomposer() {
                  @Override
                  public Set<Query> decompose(Query q) {
                    return Set.of(q);
                  }
                })
            .setQueryUpdateBufferSize(UPDATE_BATCH);
    // Every field is an untokenized keyword, so the analyzer is never asked for tokens.
    return new Monitor(new StandardAnalyzer(), presearcher, config);
  }

  /** Releases the Monitor and its thread; the index can still be used, and rebuilds it. */
  @Override
  public void close() {
    if (monitor == null) {
      return;
    }
    try {
      monitor.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      monitor = null;
      // Everything is routed again into a new Monitor on next use.
      stale.addAll(matchers.keySet());
      stale.addAll(routes.keySet());
      for (Route r : routes.values()) {
        r.slot = -1;
      }
      slots.clear();
      freeSlots.clear();
    }
  }

  /** Collects the presearcher's candidates; the Lucene queries themselves are not run. */
  private static final class CandidateCollector extends CandidateMatcher<QueryMatch> {
    private final List<Route> slots;
    private final long stamp;
    private final List<Route> out;

    CandidateCollector(IndexSearcher searcher, List<Route> slots, long stamp, List<Route> out) {
      super(searcher);
      this.slots = slots;
      this.stamp = stamp;
      this.out = out;
    }

    @Override
    protected void matchQuery(String queryId, Query matchQuery, Map<String, String> metadata) {
      Route r = slots.get(Integer.parseInt(queryId, Character.MAX_RADIX));
      if (r != null && r.seenAt != stamp) {
        r.seenAt = stamp;
        out.add(r);
      }
    }

    @Override
    public QueryMatch resolve(QueryMatch match1, QueryMatch match2) {
      return match1;
    }
  }
}
