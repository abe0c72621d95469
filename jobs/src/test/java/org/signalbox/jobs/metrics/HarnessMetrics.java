package org.signalbox.jobs.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * The metrics an operator registers in a test harness, as Flink's registry hands them to a
 * reporter: give the harness {@link #environment()} and read counters, gauges and histograms back
 * by name and labels (subgroup key-value pairs, e.g. {@code "reason", "undecodable-avro"}). The
 * harnesses' default environment registers nothing readable.
 */
public final class HarnessMetrics {

  private record Registered(String name, Map<String, String> labels, Metric metric) {}

  private final List<Registered> registered = new CopyOnWriteArrayList<>();

  /** A fresh mock environment whose task metric group reports to this object. */
  public MockEnvironment environment() {
    TestingMetricRegistry registry =
        TestingMetricRegistry.builder()
            .setRegisterConsumer(
                (metric, name, group) -> {
                  Map<String, String> labels = new HashMap<>();
                  group
                      .getAllVariables()
                      .forEach((k, v) -> labels.put(k.replace("<", "").replace(">", ""), v));
                  registered.add(new Registered(name, labels, metric));
                })
            .build();
    TaskMetricGroup task =
        TaskManagerMetricGroup.createTaskManagerMetricGroup(
                registry, "localhost", ResourceID.generate())
            .addJob(new JobID(), "harness")
            .addTask(ExecutionAttemptID.randomId(), "task");
    return new MockEnvironmentBuilder().setMetricGroup(task).build();
  }

  /** The newest metric registered under {@code name} with these label pairs. */
  public Metric get(String name, String... labelPairs) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      wanted.put(labelPairs[i], labelPairs[i + 1]);
    }
    for (int i = registered.size() - 1; i >= 0; i--) {
      Registered r = registered.get(i);
      if (r.name().equals(name) && r.labels().entrySet().containsAll(wanted.entrySet())) {
        return r.metric();
      }
    }
    throw new AssertionError("no metric " + name + " " + wanted + " was registered");
  }

  /** Whether a metric of this name and labels was registered at all. */
  public boolean has(String name, String... labelPairs) {
    try {
      get(name, labelPairs);
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  public long counter(String name, String... labelPairs) {
    return ((Counter) get(name, labelPairs)).getCount();
  }

  public long gauge(String name, String... labelPairs) {
    return ((Number) ((Gauge<?>) get(name, labelPairs)).getValue()).longValue();
  }

  public Histogram histogram(String name, String... labelPairs) {
    return (Histogram) get(name, labelPairs);
  }
}
