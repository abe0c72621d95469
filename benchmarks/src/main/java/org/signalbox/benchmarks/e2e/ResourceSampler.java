package org.signalbox.benchmarks.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples heap in use and the process's resident set every 100 ms while a system runs, and keeps
 * the peaks; also the CPU time the process used from start to close. Sampling misses short spikes
 * between samples; a full GC before each run makes one run's garbage not count against the next.
 */
final class ResourceSampler implements AutoCloseable {
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE = 4096;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peakHeap;
  private volatile long peakRss;
  private final long cpuAtStart;
  private long cpuAtClose = -1;

  ResourceSampler() {
    System.gc();
    cpuAtStart = processCpuNanos();
    thread = new Thread(this::loop, "bench-resource-sampler");
    thread.setDaemon(true);
    sample();
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    long heap = memory.getHeapMemoryUsage().getUsed();
    if (heap > peakHeap) {
      peakHeap = heap;
    }
    long rss = rss();
    if (rss > peakRss) {
      peakRss = rss;
    }
  }

  /** Resident set size in bytes, or -1 where /proc is not available. */
  static long rss() {
    try {
      String[] f = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(f[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time of this JVM (all threads: Flink tasks, Kafka clients, JIT, GC) in nanoseconds, or -1
   * where the platform does not report it.
   */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** CPU time used between construction and {@link #close}, ms; -1 when not available. */
  long cpuMillis() {
    return cpuAtStart < 0 || cpuAtClose < 0 ? -1 : (cpuAtClose - cpuAtStart) / 1_000_000;
  }

  long peakHeapBytes() {
    return peakHeap;
  }

  long peakRssBytes() {
    return peakRss;
  }

  @Override
  public void close() {
    cpuAtClose = processCpuNanos();
    running = false;
    thread.interrupt();
    sample();
  }
}
