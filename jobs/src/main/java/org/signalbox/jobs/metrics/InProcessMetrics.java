package org.signalbox.jobs.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps the job's own metrics readable from the process that runs an
 * embedded MiniCluster, so the demo can report what the job counted (not what the demo thinks it
 * sent). Values are summed over parallel subtasks. Only meaningful in the same JVM as the job.
 */
public final class InProcessMetrics implements MetricReporter {

  private static final Map<String, List<Metric>> METRICS = new ConcurrentHashMap<>();

  /** Adds this reporter to an embedded cluster's configuration. */
  public static void register(Configuration conf) {
    conf.setString("metrics.reporter.inprocess.factory.class", Factory.class.getName());
  }

  /** Sum over subtasks of the counter or numeric gauge with this name; 0 if none is registered. */
  public static long sum(String name) {
    long total = 0;
    for (Metric m : METRICS.getOrDefault(name, List.of())) {
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

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
    METRICS.computeIfAbsent(metricName, k -> new CopyOnWriteArrayList<>()).add(metric);
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
