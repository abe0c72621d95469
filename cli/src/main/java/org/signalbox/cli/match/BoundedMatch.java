package org.signalbox.cli.match;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.correlate.CorrelatePipeline;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.IndicatorAudit;
import org.signalbox.schema.Sighting;

/** The correlate pipeline over files, in batch mode on an embedded Flink. */
public final class BoundedMatch {
  private BoundedMatch() {}

  /**
   * What a bounded run found.
   *
   * @param audits changes to indicators applied although their source does not own the id
   */
  public record Result(
      int indicators,
      int events,
      int badLines,
      List<Sighting> sightings,
      List<DeadLetter> deadLetters,
      List<IndicatorAudit> audits) {}

  /**
   * Where a bounded run delivers what it finds, as it finds it: results are streamed, never all
   * held, so 40,000 sightings cost no more memory than 4. Calls come from one thread at a time.
   */
  public interface Listener {
    void sighting(Sighting s) throws IOException;

    void deadLetter(DeadLetter d) throws IOException;

    void audit(IndicatorAudit a) throws IOException;
  }

  /** What a streamed run counted. */
  public record Counts(
      int indicators, int events, int badLines, long sightings, long deadLetters, long audits) {}

  /** Runs and collects everything in lists; for tests and small inputs. */
  public static Result run(
      Path indicatorFile, Path telemetryFile, int parallelism, PrintStream errors)
      throws Exception {
    List<Sighting> found = new ArrayList<>();
    List<DeadLetter> dead = new ArrayList<>();
    List<IndicatorAudit> audited = new ArrayList<>();
    Counts c =
        run(
            indicatorFile,
            telemetryFile,
            parallelism,
            errors,
            new Listener() {
              @Override
              public void sighting(Sighting s) {
                found.add(s);
              }

              @Override
              public void deadLetter(DeadLetter d) {
                dead.add(d);
              }

              @Override
              public void audit(IndicatorAudit a) {
                audited.add(a);
              }
            });
    return new Result(c.indicators(), c.events(), c.badLines(), found, dead, audited);
  }

  /** Runs and hands every output to {@code listener} while the job runs. */
  public static Counts run(
      Path indicatorFile,
      Path telemetryFile,
      int parallelism,
      PrintStream errors,
      Listener listener)
      throws Exception {
    FileInputs inputs = new FileInputs(errors);
    List<RawRecord> indicators = inputs.indicators(indicatorFile);
    List<RawRecord> telemetry = inputs.telemetry(telemetryFile);

    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // The origin of a file record is a file name, not a member's topic: nothing proves the sender.
    conf.set(CorrelateOptions.MEMBER_TOPIC_PREFIX, "");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(parallelism);

    // Batch mode sorts each keyed input by key, then by timestamp. Stamping indicator records with
    // their line number keeps the versions of one id in file order, which ownership depends on
    // (the first version's source owns the id). Nothing else reads these timestamps: the
    // lifecycle works on versions and processing time, the indexes on telemetry event times.
    DataStream<RawRecord> indicatorRecords =
        source(env, indicators, "indicator file")
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<RawRecord>noWatermarks()
                    .withTimestampAssigner((r, ts) -> r.offset))
            .name("indicators in file order");
    CorrelatePipeline.Outputs out =
        CorrelatePipeline.build(
            source(env, telemetry, "telemetry file"), indicatorRecords, conf, true);
    CloseableIterator<Sighting> sightings = out.sightings().collectAsync();
    CloseableIterator<DeadLetter> deadLetters = out.deadLetters().collectAsync();
    CloseableIterator<IndicatorAudit> audits = out.audits().collectAsync();
    // executeAsync, and all three results drained at once while the job runs. A collect sink holds
    // only a small buffer and waits for its client to fetch: with execute() (which returns only
    // when the job has finished) or with one result drained after another, a large result stalls
    // its sink, the operator that feeds it, and so the job for ever.
    JobClient job = env.executeAsync("signalbox match");
    long[] counts = new long[3];
    List<Drain<?>> drains =
        List.of(
            new Drain<>("sightings", sightings, listener::sighting, counts, 0, listener),
            new Drain<>("dead letters", deadLetters, listener::deadLetter, counts, 1, listener),
            new Drain<>("audits", audits, listener::audit, counts, 2, listener));
    drains.forEach(Thread::start);
    Exception failure = null;
    for (Drain<?> d : drains) {
      d.join();
      if (d.failure != null && failure == null) {
        failure = d.failure;
      }
    }
    if (failure != null) {
      job.cancel();
      throw failure;
    }
    job.getJobExecutionResult().get();
    return new Counts(
        indicators.size(), telemetry.size(), inputs.badLines, counts[0], counts[1], counts[2]);
  }

  private interface Sink<T> {
    void accept(T t) throws IOException;
  }

  /** Drains one collect result; the listener is called under one lock for all three. */
  private static final class Drain<T> extends Thread {
    private final CloseableIterator<T> results;
    private final Sink<T> sink;
    private final long[] counts;
    private final int slot;
    private final Object lock;
    volatile Exception failure;

    Drain(
        String what,
        CloseableIterator<T> results,
        Sink<T> sink,
        long[] counts,
        int slot,
        Object lock) {
      super("signalbox match: " + what);
      setDaemon(true);
      this.results = results;
      this.sink = sink;
      this.counts = counts;
      this.slot = slot;
      this.lock = lock;
    }

    @Override
    public void run() {
      try (results) {
        while (results.hasNext()) {
          T t = results.next();
          synchronized (lock) {
            sink.accept(t);
            counts[slot]++;
          }
        }
      } catch (Exception e) {
        failure = e;
      }
    }
  }

  private static DataStream<RawRecord> source(
      StreamExecutionEnvironment env, List<RawRecord> records, String name) {
    if (records.isEmpty()) {
      // fromData needs at least one element; an empty input is still a valid run, so one
      // placeholder goes in and is dropped before anything reads it.
      return env.fromData(List.of(PLACEHOLDER), TypeInformation.of(RawRecord.class))
          .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
          .filter(new DropAll())
          .name(name);
    }
    return env.fromData(records, TypeInformation.of(RawRecord.class))
        .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
        .name(name);
  }

  private static final RawRecord PLACEHOLDER = new RawRecord("", 0, 0, 0L, null, new byte[0]);

  /** Drops the placeholder of an empty input. */
  private static final class DropAll implements FilterFunction<RawRecord> {
    @Override
    public boolean filter(RawRecord r) {
      return false;
    }
  }
}
