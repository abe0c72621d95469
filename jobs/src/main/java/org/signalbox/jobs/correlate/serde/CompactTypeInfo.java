package org.signalbox.jobs.correlate.serde;

import java.io.Serializable;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information of a record with a hand-written {@link CompactSerializer}; a record class names
 * it through Flink's {@code @TypeInfo} annotation, so every operator and state descriptor that uses
 * the class gets the serializer without being told.
 */
public final class CompactTypeInfo<T> extends TypeInformation<T> {
  private static final long serialVersionUID = 1L;

  /** Makes the serializer; a method reference to its constructor. */
  @FunctionalInterface
  public interface Factory<T> extends Serializable {
    CompactSerializer<T> create();
  }

  private final Class<T> type;
  private final Factory<T> serializer;
  private final boolean keyType;

  public CompactTypeInfo(Class<T> type, Factory<T> serializer) {
    this(type, serializer, false);
  }

  /**
   * @param keyType true when the type may key a stream: its serializer writes equal values as equal
   *     bytes and the class has value equality and a hash code that is the same in every JVM
   */
  public CompactTypeInfo(Class<T> type, Factory<T> serializer, boolean keyType) {
    this.type = type;
    this.serializer = serializer;
    this.keyType = keyType;
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return type;
  }

  @Override
  public boolean isKeyType() {
    return keyType;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return serializer.create();
  }

  @Override
  public String toString() {
    return "CompactTypeInfo<" + type.getSimpleName() + ">";
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof CompactTypeInfo<?> other && other.type == type;
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public boolean canEqual(Object obj) {
    return obj instanceof CompactTypeInfo;
  }
}
