package org.signalbox.importers.misp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.signalbox.importers.IndicatorBatch;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Tlp;

class MispEventReaderTest {

  static final String EVENT =
      """
      {"Event": {
        "uuid": "5f1e1c2a-0000-4000-8000-000000000001",
        "info": "Rail ticketing phishing wave",
        "date": "2024-05-01",
        "timestamp": "1714600000",
        "Orgc": {"name": "Rail ISAC"},
        "Tag": [{"name": "tlp:green"}, {"name": "sector:rail"}, {"name": "misp-galaxy:threat-actor=\\"APT-Rail\\""}],
        "Galaxy": [
          {"type": "threat-actor", "GalaxyCluster": [{"value": "APT-Rail"}]},
          {"type": "mitre-attack-pattern", "GalaxyCluster": [{"value": "Phishing - T1566", "meta": {"external_id": ["T1566"], "kill_chain": ["mitre-attack:initial-access"]}}]},
          {"type": "malpedia", "GalaxyCluster": [{"value": "TrainWreck"}]}
        ],
        "Attribute": [
          {"uuid": "a0000000-0000-4000-8000-000000000001", "type": "domain", "value": "Tickets-Rail.Example", "to_ids": true, "timestamp": "1714600100", "category": "Network activity"},
          {"uuid": "a0000000-0000-4000-8000-000000000002", "type": "ip-dst|port", "value": "198.51.100.7|443", "to_ids": true, "timestamp": "1714600200", "Tag": [{"name": "tlp:amber+strict"}]},
          {"uuid": "a0000000-0000-4000-8000-000000000003", "type": "ip-src", "value": "203.0.113.0/24", "to_ids": true, "timestamp": "1714600300"},
          {"uuid": "a0000000-0000-4000-8000-000000000004", "type": "filename|sha256", "value": "ticket.pdf.exe|EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C", "to_ids": true, "timestamp": "1714600400"},
          {"uuid": "a0000000-0000-4000-8000-000000000005", "type": "text", "value": "free text", "to_ids": false, "timestamp": "1714600500"},
          {"uuid": "a0000000-0000-4000-8000-000000000006", "type": "url", "value": "http://tickets-rail.example/login", "to_ids": false, "timestamp": "1714600600"},
          {"uuid": "a0000000-0000-4000-8000-000000000007", "type": "domain", "value": "not a domain", "to_ids": true, "timestamp": "1714600700"},
          {"uuid": "a0000000-0000-4000-8000-000000000008", "type": "vulnerability", "value": "cve-2024-0001", "to_ids": false, "timestamp": "1714600800"},
          {"uuid": "a0000000-0000-4000-8000-000000000009", "type": "email-src", "value": "Phish@Tickets-Rail.Example", "to_ids": true, "timestamp": "1714600900", "deleted": true, "first_seen": "2024-04-30T10:00:00.000000+00:00"}
        ],
        "Object": [{"name": "file", "Attribute": [
          {"uuid": "a0000000-0000-4000-8000-00000000000a", "type": "md5", "value": "79054025255FB1A26E4BC422AEF54EB4", "to_ids": true, "timestamp": "1714601000"}
        ]}]
      }}
      """;

  private static IndicatorBatch read(String json) throws IOException {
    return new MispEventReader()
        .read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void attributesBecomeIndicatorsWithTagsGalaxiesAndTimestamps() throws Exception {
    IndicatorBatch b = read(EVENT);
    Map<String, Indicator> byId = new java.util.HashMap<>();
    b.indicators().forEach(i -> byId.put(i.getId(), i));
    assertThat(b.indicators()).hasSize(6);

    Indicator domain = byId.get("indicator--a0000000-0000-4000-8000-000000000001");
    assertThat(domain.getMatchKind()).isEqualTo(MatchKind.EXACT);
    assertThat(domain.getObservableType()).isEqualTo(ObservableType.DOMAIN);
    assertThat(domain.getValue()).isEqualTo("tickets-rail.example");
    assertThat(domain.getVersion()).isEqualTo(Instant.ofEpochSecond(1714600100));
    assertThat(domain.getValidFrom()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThat(domain.getTlp()).isEqualTo(Tlp.GREEN);
    assertThat(domain.getSource()).isEqualTo("Rail ISAC");
    assertThat(domain.getLabels()).containsExactly("sector:rail");
    assertThat(domain.getContext().getThreatActors()).containsExactly("APT-Rail");
    assertThat(domain.getContext().getAttackPatterns()).containsExactly("T1566");
    assertThat(domain.getContext().getKillChainPhases())
        .containsExactly("mitre-attack:initial-access");
    assertThat(domain.getContext().getMalware()).containsExactly("TrainWreck");
    assertThat(domain.getContext().getVulnerabilities()).containsExactly("CVE-2024-0001");

    Indicator ip = byId.get("indicator--a0000000-0000-4000-8000-000000000002");
    assertThat(ip.getValue()).isEqualTo("198.51.100.7");
    assertThat(ip.getTlp()).isEqualTo(Tlp.AMBER_STRICT);

    Indicator net = byId.get("indicator--a0000000-0000-4000-8000-000000000003");
    assertThat(net.getMatchKind()).isEqualTo(MatchKind.CIDR);
    assertThat(net.getValue()).isEqualTo("203.0.113.0/24");

    Indicator hash = byId.get("indicator--a0000000-0000-4000-8000-000000000004");
    assertThat(hash.getObservableType()).isEqualTo(ObservableType.SHA256);
    assertThat(hash.getValue()).startsWith("ef537f25");

    Indicator email = byId.get("indicator--a0000000-0000-4000-8000-000000000009");
    assertThat(email.getRevoked()).isTrue();
    assertThat(email.getValue()).isEqualTo("phish@tickets-rail.example");
    assertThat(email.getValidFrom()).isEqualTo(Instant.parse("2024-04-30T10:00:00Z"));

    Indicator objectAttribute = byId.get("indicator--a0000000-0000-4000-8000-00000000000a");
    assertThat(objectAttribute.getObservableType()).isEqualTo(ObservableType.MD5);

    assertThat(b.rejected())
        .extracting(IndicatorBatch.Rejection::where)
        .containsExactly(
            "a0000000-0000-4000-8000-000000000005",
            "a0000000-0000-4000-8000-000000000006",
            "a0000000-0000-4000-8000-000000000007");
    assertThat(b.rejected().get(0).reason()).contains("to_ids is false");
    assertThat(b.rejected().get(2).reason()).startsWith("invalid domain value");
  }

  @Test
  void unmarkedEventsFailClosedToTheUnmarkedRuleAndSearchResponsesAreRead() throws Exception {
    String unmarked = EVENT.replace("{\"name\": \"tlp:green\"}, ", "");
    String response = "{\"response\": [" + unmarked + "]}";
    Indicator domain =
        read(response).indicators().stream()
            .filter(i -> i.getId().endsWith("000000000001"))
            .findFirst()
            .orElseThrow();
    assertThat(domain.getTlp()).isEqualTo(org.signalbox.core.Tlps.UNMARKED);
  }
}
