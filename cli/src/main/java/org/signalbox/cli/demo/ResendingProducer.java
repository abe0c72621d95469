package org.signalbox.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends generated records and keeps those the broker does not acknowledge (a busy machine, or a
 * broker that is away, makes the producer give a batch up), so that a run that counts what it sent
 * (the demo's "sightings N (due M)", the fault harness's losses) never loses a record silently:
 * {@link #flush} sends them again, a few rounds, or throws saying how many and why.
 */
public final class ResendingProducer {
  static final int ROUNDS = 5;

  private final Producer<byte[], byte[]> producer;
  private final Consumer<String> say;
  private final Queue<ProducerRecord<byte[], byte[]>> unacknowledged =
      new ConcurrentLinkedQueue<>();
  private volatile Exception lastError;

  /** {@code say} is told of each resend round. */
  public ResendingProducer(Producer<byte[], byte[]> producer, Consumer<String> say) {
    this.producer = producer;
    this.say = say;
  }

  public void send(ProducerRecord<byte[], byte[]> r) {
    producer.send(
        r,
        (meta, e) -> {
          if (e != null) {
            lastError = e;
            unacknowledged.add(r);
          }
        });
  }

  /**
   * Flushes, then sends again whatever was not acknowledged, up to {@link #ROUNDS} rounds.
   *
   * @throws IllegalStateException when records still cannot be delivered
   */
  public void flush() {
    producer.flush();
    for (int round = 1; !unacknowledged.isEmpty(); round++) {
      List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r; (r = unacknowledged.poll()) != null; ) {
        again.add(r);
      }
      if (round > ROUNDS) {
        throw new IllegalStateException(
            again.size()
                + " records could not be written to the broker ("
                + lastError
                + "); the machine may be overloaded: run it again");
      }
      say.accept(
          "the broker did not acknowledge "
              + again.size()
              + " records ("
              + lastError
              + "); sending them again");
      again.forEach(this::send);
      producer.flush();
    }
  }
}
