package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.gateway.GatewayFixtures.T0;
import static org.signalbox.gateway.GatewayFixtures.indicator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.core.IndicatorOwnership;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.stix.export.StixTime;

/**
 * The gateway applies the job's ownership rule ({@link IndicatorOwnership}): a revocation of an
 * indicator written by another source than its original one is not served as its latest version.
 */
class IndicatorOwnershipGatewayTest {

  static final String ID = "indicator--6f1c2b0e-3a47-4d7e-9b1a-2c5e8f0a1d33";

  final AvroCodec<Indicator> codec = AvroCodec.indicator();
  final GatewayConfig config = GatewayFixtures.config(new String[][] {{"sec", "isac"}}, "isac");
  final CollectionStore store = new CollectionStore(Clock.systemUTC());
  final FeedRecordConverter converter =
      new FeedRecordConverter(
          new StixObjects("isac", new AudiencePseudonyms(new byte[16])),
          Tlp.AMBER,
          IndicatorOwnership.DEFAULT_SECRETARIAT_SOURCE);
  final TaxiiServer server =
      new TaxiiServer(
          config,
          List.of(new TaxiiServer.ServedCollection("c-isac", "isac", "ISAC", null, store)),
          new MemberAuthenticator(config.members),
          new GatewayMetrics());

  FeedRecordConverter.Outcome feed(Indicator i) {
    FeedRecordConverter.Result r = converter.convert(codec.encode(i));
    r.objects().forEach(store::add);
    return r.outcome();
  }

  JsonNode latest() throws TaxiiException {
    return server
        .answer(
            "GET",
            "/isac/collections/c-isac/objects/" + ID + "/",
            Map.of(),
            List.of(TaxiiServer.TAXII_MEDIA_TYPE),
            new MemberAuthenticator.Member("sec", Set.of("isac")))
        .body()
        .get("objects")
        .get(0);
  }

  Indicator.Builder version(int minutes, String source) {
    return indicator(ID, ObservableType.DOMAIN, "c2.evil.example")
        .setVersion(T0.plusSeconds(60L * minutes))
        .setSource(source);
  }

  @Test
  void aRevocationByAnotherSourceIsNotServedAndTheSecretariatsAndTheOwnersChangesAre()
      throws Exception {
    assertThat(feed(version(0, "isac").build())).isEqualTo(FeedRecordConverter.Outcome.CONVERTED);

    FeedRecordConverter.Result refused =
        converter.convert(codec.encode(version(5, "rail-op").setRevoked(true).build()));
    assertThat(refused.outcome()).isEqualTo(FeedRecordConverter.Outcome.NOT_ORIGINAL_SOURCE);
    assertThat(refused.objects()).isEmpty();
    // The job's own words (IndicatorLifecycle's dead letter starts with the same text).
    assertThat(refused.reason())
        .isEqualTo(
            IndicatorOwnership.refusal(
                ID, "rail-op", "isac", IndicatorOwnership.DEFAULT_SECRETARIAT_SOURCE));
    assertThat(latest().get("modified").asText()).isEqualTo(StixTime.format(T0));
    assertThat(latest().has("revoked")).isFalse();

    // The secretariat may change anyone's indicator; ownership stays with the original source.
    assertThat(feed(version(10, "secretariat").setConfidence(20).build()))
        .isEqualTo(FeedRecordConverter.Outcome.CONVERTED);
    assertThat(latest().get("confidence").asInt()).isEqualTo(20);
    assertThat(feed(version(15, "rail-op").setRevoked(true).build()))
        .isEqualTo(FeedRecordConverter.Outcome.NOT_ORIGINAL_SOURCE);
    assertThat(feed(version(20, "isac").setRevoked(true).build()))
        .isEqualTo(FeedRecordConverter.Outcome.CONVERTED);
    assertThat(latest().get("revoked").asBoolean()).isTrue();
    assertThat(latest().get("modified").asText()).isEqualTo(StixTime.format(T0.plusSeconds(1200)));
  }

  @Test
  void aWithheldFirstVersionStillMakesItsSourceTheOwner() {
    assertThat(feed(version(0, "isac").setTlp(Tlp.RED).build()))
        .isEqualTo(FeedRecordConverter.Outcome.WITHHELD_TLP);
    assertThat(feed(version(5, "rail-op").setTlp(Tlp.GREEN).setRevoked(true).build()))
        .isEqualTo(FeedRecordConverter.Outcome.NOT_ORIGINAL_SOURCE);
  }

  @Test
  void theRuleItself() {
    assertThat(IndicatorOwnership.judge(null, "a", "secretariat"))
        .isEqualTo(IndicatorOwnership.Verdict.OWNER);
    assertThat(IndicatorOwnership.judge("a", "a", "secretariat"))
        .isEqualTo(IndicatorOwnership.Verdict.OWNER);
    assertThat(IndicatorOwnership.judge("a", "secretariat", "secretariat"))
        .isEqualTo(IndicatorOwnership.Verdict.SECRETARIAT);
    assertThat(IndicatorOwnership.judge("a", "b", "secretariat"))
        .isEqualTo(IndicatorOwnership.Verdict.REFUSED);
    assertThat(IndicatorOwnership.ownerAfter(null, "b")).isEqualTo("b");
    assertThat(IndicatorOwnership.ownerAfter("a", "secretariat")).isEqualTo("a");
  }
}
