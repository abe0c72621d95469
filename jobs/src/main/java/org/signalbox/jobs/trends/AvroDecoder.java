package org.signalbox.jobs.trends;

import java.io.IOException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.schema.support.AvroCodec;

/** Decodes topic records; what does not decode becomes a dead letter with its origin. */
public final class AvroDecoder<T extends SpecificRecordBase> extends ProcessFunction<RawRecord, T>
    implements ResultTypeQueryable<T> {

  private final AvroCodec.Factory<T> codecFactory;
  private final Class<T> type;
  private final String stage;
  private transient AvroCodec<T> codec;

  public AvroDecoder(AvroCodec.Factory<T> codecFactory, Class<T> type, String stage) {
    this.codecFactory = codecFactory;
    this.type = type;
    this.stage = stage;
  }

  @Override
  public void open(OpenContext ctx) {
    codec = codecFactory.get();
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
    try {
      out.collect(codec.decode(raw.value));
    } catch (IOException e) {
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(raw, stage, "undecodable " + type.getSimpleName(), e.getMessage()));
    }
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }
}
