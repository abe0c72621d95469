package org.signalbox.jobs.correlate;

import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.signalbox.jobs.common.JobArguments;

/**
 * Entry point for a Flink cluster ({@code flink run signalbox-jobs-*-job.jar --key value ...}, the
 * jar's manifest main; {@code signalbox cluster submit correlate}). Only parses configuration and
 * plugs in Kafka; the pipeline is {@link CorrelatePipeline}.
 */
public final class CorrelateJob {
  private CorrelateJob() {}

  /** The options {@link #main} accepts besides Flink's own: those of the correlate command. */
  public static final List<ConfigOption<?>> OPTIONS = CorrelateOptions.ALL;

  public static void main(String[] args) throws Exception {
    Configuration conf = JobArguments.parse("correlate", args, OPTIONS);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    configure(env, conf);
    reuseObjects(env, conf);
    CorrelateKafka.attach(env, conf, false);
    env.execute("signalbox correlate");
  }

  /** Checkpointing and RocksDB, unless the configuration already chose otherwise. */
  public static void configure(StreamExecutionEnvironment env, Configuration conf) {
    Configuration c = new Configuration();
    if (!conf.contains(StateBackendOptions.STATE_BACKEND)) {
      c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    }
    if (!conf.contains(RocksDBConfigurableOptions.USE_BLOOM_FILTER)) {
      // Most reads of the index miss: a new indicator's id in the lifecycle, its value in the
      // exact index, and the observables of nineteen events in twenty. Without a filter each miss
      // reads an index and a data block of every level; with one (10 bits per key, about 1% false
      // positives) it is answered from memory.
      c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
    }
    c.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        conf.get(CorrelateOptions.CHECKPOINT_INTERVAL));
    env.configure(c);
  }

  /**
   * Turns on Flink's object reuse (unless the configuration sets {@code pipeline.object-reuse}):
   * records passed between chained operators are then handed over as they are instead of being
   * deep-copied through their serializer, which cost a sixth of the correlate job's CPU (a whole
   * {@code TelemetryEvent} copied between decoder and probe extractor, every probe copied into the
   * range filter, every raw record copied out of the source).
   *
   * <p>Object reuse is safe when no function changes a record after emitting it, changes a record
   * it received, or keeps a received record beyond the call while the sender may reuse it. Every
   * operator of {@link CorrelatePipeline} creates the records it emits, none changes its input, and
   * what they keep in state (probes and events behind the bootstrap gate, index entries holding the
   * indicator) arrives over a keyed or broadcast network edge, which always hands over a fresh
   * copy. One sharing to keep in mind: a sighting holds the matched indicator's labels and context
   * by reference, and with the heap state backend those are the index's own objects, so nothing
   * downstream may change a sighting in place. The campaign, feedback and sharing operators wired
   * by {@code CampaignKafka} were checked against the same rules (the demo runs them in the same
   * environment); the trends job was not, and does not call this.
   */
  public static void reuseObjects(StreamExecutionEnvironment env, ReadableConfig conf) {
    if (!conf.getOptional(PipelineOptions.OBJECT_REUSE).isPresent()) {
      Configuration c = new Configuration();
      c.set(PipelineOptions.OBJECT_REUSE, true);
      env.configure(c);
    }
  }

  /**
   * {@code --key value} pairs, the form {@code flink run} passes program arguments in, checked
   * against {@link #OPTIONS} ({@link JobArguments#parse}).
   *
   * @throws IllegalArgumentException naming a malformed argument or an unknown key
   */
  public static Map<String, String> parseArgs(String[] args) {
    return JobArguments.parse("correlate", args, OPTIONS).toMap();
  }
}
