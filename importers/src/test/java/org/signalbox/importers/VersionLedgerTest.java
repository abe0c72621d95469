package org.signalbox.importers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.signalbox.importers.VersionLedger.Verdict;

class VersionLedgerTest {

  @Test
  void newerVersionsPassAndOlderOrEqualOnesDoNot() {
    VersionLedger ledger = new VersionLedger();
    String id = "indicator--" + UUID.randomUUID();
    assertThat(ledger.offer(id, 10)).isEqualTo(Verdict.NEW);
    assertThat(ledger.offer(id, 10)).isEqualTo(Verdict.NOT_NEWER);
    assertThat(ledger.offer(id, 9)).isEqualTo(Verdict.NOT_NEWER);
    assertThat(ledger.offer(id, 11)).isEqualTo(Verdict.NEWER);
    assertThat(ledger.offer(id, 10)).isEqualTo(Verdict.NOT_NEWER);
    assertThat(ledger.size()).isEqualTo(1);
  }

  @Test
  void idsThatAreNotCanonicalUuidsAreKeptApartFromTheirUuid() {
    VersionLedger ledger = new VersionLedger();
    String uuid = UUID.randomUUID().toString();
    assertThat(ledger.offer("indicator--" + uuid, 1)).isEqualTo(Verdict.NEW);
    assertThat(ledger.offer("indicator--" + uuid.toUpperCase(), 1)).isEqualTo(Verdict.NEW);
    assertThat(ledger.offer("x", 1)).isEqualTo(Verdict.NEW);
    assertThat(ledger.offer("x", 0)).isEqualTo(Verdict.NOT_NEWER);
    assertThat(ledger.size()).isEqualTo(3);
  }

  /** Differential check against a map over many ids, through several resizes. */
  @Test
  void agreesWithAMapOverManyIds() {
    Random random = new Random(7);
    UUID[] ids = new UUID[50_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = new UUID(random.nextLong(), random.nextLong());
    }
    VersionLedger ledger = new VersionLedger();
    Map<String, Long> oracle = new HashMap<>();
    for (int n = 0; n < 200_000; n++) {
      String id = "indicator--" + ids[random.nextInt(ids.length)];
      long version = random.nextInt(1_000);
      Long previous = oracle.get(id);
      Verdict expected =
          previous == null ? Verdict.NEW : previous < version ? Verdict.NEWER : Verdict.NOT_NEWER;
      if (previous == null || previous < version) {
        oracle.put(id, version);
      }
      assertThat(ledger.offer(id, version)).as("offer %d of %s", n, id).isEqualTo(expected);
    }
    assertThat(ledger.size()).isEqualTo(oracle.size());
  }
}
