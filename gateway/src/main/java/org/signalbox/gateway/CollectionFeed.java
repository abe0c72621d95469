package org.signalbox.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * Where a collection's objects come from. The gateway asks one feed per collection to deliver STIX
 * objects (already converted, already limited to what the collection's audience may see) to its
 * store. Today's implementation reads Kafka topics ({@link KafkaCollectionFeed}); a test or another
 * transport can plug in its own.
 */
public interface CollectionFeed extends AutoCloseable {

  /** Starts delivering objects to {@code sink} (from any thread); returns at once. */
  void start(Consumer<ObjectNode> sink);

  @Override
  void close();
}
