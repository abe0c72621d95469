package org.signalbox.importers.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.pattern.StixPattern;
import org.signalbox.testkit.SharedData;

/** The OASIS example bundles in shared/data/stix. */
class StixBundleReaderSampleDataTest {

  private final StixBundleReader reader = new StixBundleReader();

  private static List<Path> bundles() throws IOException {
    Path dir = SharedData.require("stix");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  private StixBundleReader.Result read(String file) throws IOException {
    return reader.read(SharedData.require("stix").resolve(file));
  }

  private static Map<String, Indicator> byId(StixBundleReader.Result r) {
    return r.indicators().stream().collect(Collectors.toMap(i -> i.getId(), Function.identity()));
  }

  @Test
  void everyBundleImportsEveryIndicatorAndEveryPatternParses() throws Exception {
    List<Path> files = bundles();
    assertThat(files).hasSizeGreaterThanOrEqualTo(9);
    int total = 0;
    for (Path file : files) {
      JsonNode bundle = new ObjectMapper().readTree(file.toFile());
      long indicatorObjects = 0;
      for (JsonNode o : bundle.path("objects")) {
        if (o.path("type").asText().equals("indicator")) {
          indicatorObjects++;
          StixPattern.parse(o.path("pattern").asText());
        }
      }
      StixBundleReader.Result r = reader.read(file);
      assertThat(r.rejected()).as(file.toString()).isEmpty();
      assertThat(r.indicators()).as(file.toString()).hasSize((int) indicatorObjects);
      for (Indicator i : r.indicators()) {
        assertThat(i.getPattern()).isNotBlank();
        assertThat(i.getValidFrom()).isNotNull();
        assertThat(i.getVersion()).isNotNull();
        if (i.getMatchKind() != MatchKind.PATTERN) {
          assertThat(i.getObservableType()).isNotNull();
          assertThat(i.getValue()).isNotBlank();
        }
      }
      total += r.indicators().size();
    }
    assertThat(total).isEqualTo(35);
  }

  @Test
  void c2AddressIsAnExactUnmarkedIndicator() throws Exception {
    Indicator i = read("indicator-for-c2-ip-address.json").indicators().get(0);
    assertThat(i.getMatchKind()).isEqualTo(MatchKind.EXACT);
    assertThat(i.getObservableType()).isEqualTo(ObservableType.IPV4);
    assertThat(i.getValue()).isEqualTo("10.0.0.0");
    assertThat(i.getTlp()).isEqualTo(org.signalbox.core.Tlps.UNMARKED);
    assertThat(i.getSource()).isEqualTo("stix");
    assertThat(i.getConfidence()).isEqualTo(50);
    assertThat(i.getLabels()).containsExactly("malicious-activity");
  }

  @Test
  void maliciousUrlCarriesItsMalware() throws Exception {
    Indicator i = read("indicator-for-malicious-url.json").indicators().get(0);
    assertThat(i.getMatchKind()).isEqualTo(MatchKind.EXACT);
    assertThat(i.getObservableType()).isEqualTo(ObservableType.URL);
    assertThat(i.getValue()).isEqualTo("http://x4z9arb.cn/4712/");
    assertThat(i.getContext().getMalware()).containsExactly("x4z9arb backdoor");
  }

  @Test
  void campaignRelationshipBecomesContext() throws Exception {
    Indicator i = read("indicator-to-campaign-relationship.json").indicators().get(0);
    assertThat(i.getContext().getCampaigns()).containsExactly("Operation Omega");
  }

  @Test
  void fileHashIsExactSha256() throws Exception {
    Indicator i = read("malware-indicator-for-file-hash.json").indicators().get(0);
    assertThat(i.getMatchKind()).isEqualTo(MatchKind.EXACT);
    assertThat(i.getObservableType()).isEqualTo(ObservableType.SHA256);
    assertThat(i.getValue())
        .isEqualTo("ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c");
    assertThat(i.getContext().getMalware()).isNotEmpty();
  }

  @Test
  void standardAmberMarkingAndIdentityName() throws Exception {
    Indicator i = read("using-marking-definitions.json").indicators().get(0);
    assertThat(i.getTlp()).isEqualTo(Tlp.AMBER);
    assertThat(i.getSource()).isEqualTo("Stark Industries");
  }

  @Test
  void phishingIndicatorsUseRegexPatternsAndCarryTheAttackPattern() throws Exception {
    StixBundleReader.Result r = read("malicious-email-indicator-with-attachment.json");
    assertThat(r.indicators()).hasSize(2);
    for (Indicator i : r.indicators()) {
      assertThat(i.getMatchKind()).isEqualTo(MatchKind.PATTERN);
      assertThat(i.getPattern()).contains("MATCHES");
      assertThat(i.getSource()).isEqualTo("The MITRE Corporation - DHS Support Team");
      assertThat(i.getContext().getAttackPatterns()).containsExactly("CAPEC-98");
    }
  }

  @Test
  void poisonIvyReportCarriesCampaignsTechniquesAndCves() throws Exception {
    StixBundleReader.Result r = read("poisonivy.json");
    assertThat(r.indicators()).hasSize(25);
    long patterns =
        r.indicators().stream().filter(i -> i.getMatchKind() == MatchKind.PATTERN).count();
    long exactDomains =
        r.indicators().stream()
            .filter(
                i ->
                    i.getMatchKind() == MatchKind.EXACT
                        && i.getObservableType() == ObservableType.DOMAIN)
            .count();
    // Single domain comparisons are EXACT; ORs of domains and addresses and file names are PATTERN.
    assertThat(exactDomains).isEqualTo(3);
    assertThat(r.indicators())
        .filteredOn(i -> i.getObservableType() == ObservableType.IPV4)
        .extracting(Indicator::getValue)
        .containsExactly("219.76.208.163");
    assertThat(patterns).isEqualTo(21);
    Indicator admin338 =
        r.indicators().stream()
            .filter(i -> i.getPattern().contains("www.webserver.dynssl.com"))
            .findFirst()
            .orElseThrow();
    assertThat(admin338.getContext().getCampaigns()).containsExactly("admin@338");
    assertThat(admin338.getContext().getMalware()).isNotEmpty();
    assertThat(admin338.getContext().getAttackPatterns()).containsExactly("CAPEC-163");
    assertThat(admin338.getContext().getKillChainPhases())
        .containsExactly("mandiant-attack-lifecycle-model:initial-compromise");
    assertThat(admin338.getContext().getVulnerabilities())
        .isNotEmpty()
        .allMatch(v -> v.startsWith("CVE-"));
    assertThat(admin338.getLabels()).containsExactly("attribution", "malicious-activity");
  }
}
