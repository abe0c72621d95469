package org.signalbox.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps the job's own metrics readable from the process that runs an
 * embedded MiniCluster, so the demo can report what the job counted (not what the demo thinks it
 * sent), and tests read real metric values. Values are summed over parallel subtasks, optionally
 * only those of a job or a label value ({@link #sum(String, Map)}). Only meaningful in the same JVM
 * as the job.
 */
public final class InProcessMetrics implements MetricReporter {

  private static final Map<String, List<Registered>> METRICS = new ConcurrentHashMap<>();

  /** A metric and its scope's variables, without Flink's angle brackets ("job_name", "reason"). */
  private record Registered(Metric metric, Map<String, String> labels) {
    boolean has(Map<String, String> wanted) {
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Adds this reporter to an embedded cluster's configuration. */
  public static void register(Configuration conf) {
    conf.setString("metrics.reporter.inprocess.factory.class", Factory.class.getName());
  }

  /** Sum over subtasks of the counter or numeric gauge with this name; 0 if none is registered. */
  public static long sum(String name) {
    return sum(name, Map.of());
  }

  /**
   * Sum over the subtasks whose scope carries all of {@code labels}, e.g. {@code Map.of("job_name",
   * "correlate", "reason", "undecodable-avro")} for a metric in a {@code reason} subgroup; 0 if
   * none is registered.
   */
  public static long sum(String name, Map<String, String> labels) {
    long total = 0;
    for (Registered r : METRICS.getOrDefault(name, List.of())) {
      if (!r.has(labels)) {
        continue;
      }
      Metric m = r.metric();
      if (m instanceof Counter) {
        total += ((Counter) m).getCount();
      } else if (m instanceof Gauge) {
        Object v = ((Gauge<?>) m).getValue();
        if (v instanceof Number) {
          total += ((Number) v).longValue();
        }
      }
    }
    return total;
  }

  /** The histograms of this name whose scope carries all of {@code labels}, one per subtask. */
  public static List<Histogram> histograms(String name, Map<String, String> labels) {
    List<Histogram> out = new ArrayList<>();
    for (Registered r : METRICS.getOrDefault(name, List.of())) {
      if (r.metric() instanceof Histogram h && r.has(labels)) {
        out.add(h);
      }
    }
    return out;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
    Map<String, String> labels = new HashMap<>();
    group.getAllVariables().forEach((k, v) -> labels.put(k.replace("<", "").replace(">", ""), v));
    METRICS
        .computeIfAbsent(metricName, k -> new CopyOnWriteArrayList<>())
        .add(new Registered(metric, Map.copyOf(labels)));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
    // Kept on purpose: the demo reads the final values after the job has been stopped.
  }

  /** Flink creates reporters through factories named in the configuration. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(java.util.Properties properties) {
      return new InProcessMetrics();
    }
  }
}
