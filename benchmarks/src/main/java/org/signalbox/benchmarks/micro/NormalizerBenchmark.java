package org.signalbox.benchmarks.micro;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.NormalizedObservable;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.ObservableType;

/** Cost of normalizing one observable of each type, cycling through 1,024 realistic raw values. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NormalizerBenchmark {

  @Param({"IPV4", "IPV6", "DOMAIN", "URL", "SHA256"})
  public String type;

  private ObservableType observableType;
  private String[] values;
  private int next;

  @Setup
  public void setUp() {
    observableType = ObservableType.valueOf(type);
    values = MicroData.rawValues(observableType, 1024, 42L);
  }

  @Benchmark
  public NormalizedObservable normalize() throws InvalidObservableException {
    String raw = values[next++ & 1023];
    return ObservableNormalizer.normalize(observableType, raw);
  }
}
