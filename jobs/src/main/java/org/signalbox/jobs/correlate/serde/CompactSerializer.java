package org.signalbox.jobs.correlate.serde;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of the correlate job's hand-written serializers for its mutable records. A subclass writes
 * and reads the fields in a fixed order with {@link CompactEncoding}: no reflection, no per-field
 * null flags, no class tags, enums as one byte.
 *
 * <p>Instances keep a read buffer, so {@link #duplicate} hands out a fresh one (Flink calls it for
 * every thread that needs a serializer).
 */
public abstract class CompactSerializer<T> extends TypeSerializer<T> {
  private static final long serialVersionUID = 1L;

  // Transient and lazy: serializers travel Java-serialized inside the job graph.
  private transient CompactEncoding.Scratch scratch;

  /** This instance's read buffer for {@link CompactEncoding#readString}. */
  protected final CompactEncoding.Scratch scratch() {
    if (scratch == null) {
      scratch = new CompactEncoding.Scratch();
    }
    return scratch;
  }

  /** A new serializer of the same kind (with its own read buffer). */
  protected abstract CompactSerializer<T> fresh();

  @Override
  public final TypeSerializer<T> duplicate() {
    return fresh();
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public boolean equals(Object obj) {
    return obj != null && obj.getClass() == getClass();
  }

  @Override
  public int hashCode() {
    return getClass().hashCode();
  }
}
