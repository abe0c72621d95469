package org.signalbox.jobs.correlate;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point for a Flink cluster ({@code flink run signalbox-jobs-*-job.jar --key value ...}).
 * Only parses configuration and plugs in Kafka; the pipeline is {@link CorrelatePipeline}.
 */
public final class CorrelateJob {
  private CorrelateJob() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = Configuration.fromMap(parseArgs(args));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    configure(env, conf);
    CorrelateKafka.attach(env, conf, false);
    env.execute("signalbox correlate");
  }

  /** Checkpointing and RocksDB, unless the configuration already chose otherwise. */
  public static void configure(StreamExecutionEnvironment env, Configuration conf) {
    Configuration c = new Configuration();
    if (!conf.contains(StateBackendOptions.STATE_BACKEND)) {
      c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    }
    c.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        conf.get(CorrelateOptions.CHECKPOINT_INTERVAL));
    env.configure(c);
  }

  /** {@code --key value} pairs, the form {@code flink run} passes program arguments in. */
  public static Map<String, String> parseArgs(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "expected '--<option> <value>' pairs, got '"
                + args[i]
                + "'; options: "
                + CorrelateOptions.ALL.stream().map(o -> o.key()).toList());
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
