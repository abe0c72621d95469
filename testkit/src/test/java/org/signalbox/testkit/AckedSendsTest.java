package org.signalbox.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class AckedSendsTest {

  /** A producer whose first {@code failures} sends fail with {@code error}. */
  static final class Flaky extends MockProducer<String, String> {
    final List<String> taken = new ArrayList<>();
    int failures;
    final RuntimeException error;

    Flaky(int failures, RuntimeException error) {
      super(true, null, new StringSerializer(), new StringSerializer());
      this.failures = failures;
      this.error = error;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> r) {
      if (failures > 0) {
        failures--;
        return CompletableFuture.failedFuture(error);
      }
      taken.add(r.value());
      return super.send(r);
    }
  }

  static List<ProducerRecord<String, String>> records(int n) {
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ProducerRecord<>("t", "k" + i, "v" + i));
    }
    return out;
  }

  @Test
  void aRecordThatExpiredIsSentAgainAndNothingIsLost() throws Exception {
    Flaky p = new Flaky(2, new TimeoutException("batch expired"));
    AckedSends.sendAll(p, records(5));
    assertEquals(5, p.taken.size());
    assertTrue(p.taken.containsAll(List.of("v0", "v1", "v2", "v3", "v4")));
  }

  @Test
  void aFailureThatIsNotRetriableIsThrownWithItsTopic() {
    Flaky p = new Flaky(1, new RecordTooLargeException("too large"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> AckedSends.sendAll(p, records(3)));
    assertTrue(e.getMessage().contains("for t"), e.getMessage());
  }

  @Test
  void aBrokerThatNeverTakesTheRecordFailsAfterTheRounds() {
    Flaky p = new Flaky(Integer.MAX_VALUE, new TimeoutException("batch expired"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> AckedSends.sendAll(p, records(2)));
    assertTrue(e.getMessage().contains("round 3 of 3"), e.getMessage());
  }
}
