package org.signalbox.jobs.trends;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * An input that ends at once without records. Flink's fromData rejects an empty collection, and an
 * absent input must still be a stream so the two-input operators keep one shape.
 */
final class NoRecords<T> implements FlatMapFunction<Long, T> {

  static <T> DataStream<T> of(StreamExecutionEnvironment env, Class<T> type, String name) {
    return env.fromSequence(0, 0)
        .name(name)
        .flatMap(new NoRecords<T>(), TypeInformation.of(type))
        .name(name);
  }

  @Override
  public void flatMap(Long ignored, Collector<T> out) {}
}
