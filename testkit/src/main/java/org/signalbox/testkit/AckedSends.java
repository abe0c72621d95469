package org.signalbox.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Sends a test's input and waits until the broker has acknowledged every record. A bare {@code
 * send} reports a failure only through its future: a test that ignores it loses input silently (on
 * a loaded machine a batch can expire before its partition accepts it) and then fails on a count
 * that says nothing of the cause. A record that failed with a retriable error is sent again, up to
 * {@code ROUNDS} times; any other failure, or one that outlasts the rounds, is thrown with its
 * record's topic and cause.
 */
public final class AckedSends {
  static final int ROUNDS = 3;

  private AckedSends() {}

  /** Sends {@code records}, in order, and returns once each is acknowledged. */
  public static <K, V> void sendAll(Producer<K, V> producer, List<ProducerRecord<K, V>> records)
      throws InterruptedException {
    List<ProducerRecord<K, V>> pending = records;
    for (int round = 1; !pending.isEmpty(); round++) {
      List<Future<RecordMetadata>> acks = new ArrayList<>(pending.size());
      for (ProducerRecord<K, V> r : pending) {
        acks.add(producer.send(r));
      }
      producer.flush();
      List<ProducerRecord<K, V>> failed = new ArrayList<>();
      Throwable cause = null;
      for (int i = 0; i < acks.size(); i++) {
        try {
          acks.get(i).get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof RetriableException) || round == ROUNDS) {
            throw new IllegalStateException(
                "the broker did not take a record for "
                    + pending.get(i).topic()
                    + " (round "
                    + round
                    + " of "
                    + ROUNDS
                    + "): "
                    + e.getCause(),
                e.getCause());
          }
          failed.add(pending.get(i));
          cause = e.getCause();
        }
      }
      if (!failed.isEmpty()) {
        System.err.printf(
            "AckedSends: %d of %d records failed in round %d (%s); sending them again%n",
            failed.size(), pending.size(), round, cause);
      }
      pending = failed;
    }
  }
}
