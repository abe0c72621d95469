package org.signalbox.jobs.correlate.serde;

import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.signalbox.schema.Indicator;

/**
 * An {@link Indicator} between operators as a length-prefixed Avro binary body (no schema, no
 * fingerprint: both ends run the same job). Flink's own Avro serializer reads through an unbuffered
 * decoder byte by byte from the network view; this one copies the body into a buffer once and
 * decodes from the array, and reuses its encoder, decoder and buffers, which made the indicator
 * hops (decoder to lifecycle, lifecycle to the indexes) a large part of the CPU per indicator
 * loaded.
 *
 * <p>One instance per serializer instance (Flink duplicates serializers per thread); not for state,
 * whose bytes must outlive a change of schema.
 */
public final class IndicatorBinary {
  private final SpecificDatumWriter<Indicator> writer = new SpecificDatumWriter<>(Indicator.class);
  private final SpecificDatumReader<Indicator> reader = new SpecificDatumReader<>(Indicator.class);
  private final Buffer out = new Buffer();
  private BinaryEncoder encoder;
  private BinaryDecoder decoder;
  private byte[] in = new byte[512];

  public void write(Indicator indicator, DataOutputView target) throws IOException {
    out.reset();
    encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
    writer.write(indicator, encoder);
    encoder.flush();
    CompactEncoding.writeVarInt(target, out.size());
    target.write(out.bytes(), 0, out.size());
  }

  public Indicator read(DataInputView source) throws IOException {
    int length = CompactEncoding.readVarInt(source);
    if (length < 0) {
      throw new IOException("negative indicator length " + length);
    }
    if (in.length < length) {
      in = new byte[Math.max(length, in.length * 2)];
    }
    source.readFully(in, 0, length);
    decoder = DecoderFactory.get().binaryDecoder(in, 0, length, decoder);
    return reader.read(null, decoder);
  }

  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = CompactEncoding.readVarInt(source);
    if (in.length < length) {
      in = new byte[Math.max(length, in.length * 2)];
    }
    source.readFully(in, 0, length);
    CompactEncoding.writeVarInt(target, length);
    target.write(in, 0, length);
  }

  /** A ByteArrayOutputStream whose array can be read without a copy. */
  private static final class Buffer extends java.io.ByteArrayOutputStream {
    Buffer() {
      super(512);
    }

    byte[] bytes() {
      return buf;
    }
  }
}
